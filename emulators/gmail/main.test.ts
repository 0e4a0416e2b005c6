import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gmailClient } from './test-helpers.js';

let child: ChildProcess | undefined;

afterEach(() => {
  // tsx runs the script in a child of its own; the group goes together
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  child = undefined;
});

/** Starts `npm run emulator:gmail`'s command and resolves with everything printed once it is ready. */
function startCli(args: string[]): Promise<string> {
  const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
  child = spawn(tsx, [join('emulators', 'gmail', 'main.ts'), ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child?.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('notifications')) resolve(out);
    });
    child?.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child?.on('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
  });
}

describe('the standalone emulator', () => {
  it('prints its URL when ready and serves the Gmail API, OAuth and admin endpoints', async () => {
    const out = await startCli([
      '--port',
      '0',
      '--user',
      'dev@example.com',
      '--pubsub-host',
      '127.0.0.1:8681',
    ]);
    const url = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)?.[1] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out).toContain('Pub/Sub emulator at 127.0.0.1:8681');
    const tokens = (await (
      await fetch(`${url}/__admin/users/dev@example.com/tokens`, { method: 'POST' })
    ).json()) as {
      access_token: string;
    };
    const gmail = gmailClient(
      { endpoints: { rootUrl: `${url}/`, tokenUrl: `${url}/token` } },
      tokens.access_token,
    );
    const profile = await gmail.users.getProfile({ userId: 'me' });
    expect(profile.data.emailAddress).toBe('dev@example.com');
  }, 20_000);
});
