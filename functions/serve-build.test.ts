import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../emulators/harness/free-port.js';
import { rawRequest } from '../emulators/testing/raw-request.js';
import { FUNCTION_NAMES } from './function-names.js';

const entry = join(process.cwd(), 'dist', 'functions', 'index.js');
const binary = join(process.cwd(), 'node_modules', '.bin', 'functions-framework');
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

async function waitForHealth(url: string, proc: ChildProcess): Promise<Response> {
  let output = '';
  proc.stdout?.on('data', (c) => {
    output += c;
  });
  proc.stderr?.on('data', (c) => {
    output += c;
  });
  for (let i = 0; i < 200; i += 1) {
    if (proc.exitCode !== null) break;
    try {
      return await fetch(url);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`functions-framework did not serve ${url}:\n${output}`);
}

describe('the build', () => {
  it('exists (npm test builds before it runs the tests)', () => {
    expect(existsSync(entry), `missing ${entry}: run \`npm run build\``).toBe(true);
  });

  it.each(FUNCTION_NAMES)('serves %s with `functions-framework --target`', async (name) => {
    const port = await freePort();
    child = spawn(binary, [`--target=${name}`, `--port=${port}`], {
      stdio: 'pipe',
      env: { ...process.env, NODE_ENV: 'test' },
    });
    const response = await waitForHealth(`http://127.0.0.1:${port}/healthz`, child);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', function: name });
  });
});

describe('the build, before any request reaches a function', () => {
  async function start(name: string): Promise<{ port: number; stderr: () => string }> {
    const port = await freePort();
    child = spawn(binary, [`--target=${name}`, `--port=${port}`], {
      stdio: 'pipe',
      env: { ...process.env, NODE_ENV: 'production', FUNCTION_TARGET: name },
    });
    let stderr = '';
    child.stderr?.on('data', (c) => {
      stderr += c;
    });
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, child);
    return { port, stderr: () => stderr };
  }

  it.each(['api', 'control'])(
    '%s answers a malformed percent-escape in the path with 400 problem JSON and logs nothing',
    async (name) => {
      const { port, stderr } = await start(name);
      for (const path of ['/v1/mailboxes/%E0%A4%A', '/%', '/jobs/%zz']) {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST' });
        expect(response.status, path).toBe(400);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(await response.json()).toMatchObject({ status: 400, code: 'invalid_path' });
      }
      expect(stderr()).toBe('');
    },
  );

  it('refuses a declared body over the limit with 413 problem JSON without reading it', async () => {
    const { port } = await start('control');
    const answer = await rawRequest(
      { port },
      {
        path: '/jobs/prune',
        headers: { 'content-type': 'application/json', 'content-length': String(512 * 1024 * 1024) },
        body: '{"pad":"',
        partial: true,
      },
    );
    expect(answer).toMatchObject({ status: 413, json: { code: 'payload_too_large' } });
    expect(answer.type).toMatch(/^application\/problem\+json/);
  });

  it('refuses a compressed body, which could inflate past any limit, with 415 problem JSON', async () => {
    const { port } = await start('api');
    const answer = await rawRequest(
      { port },
      {
        path: '/v1/webhook-endpoints',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': '1000' },
        body: 'x',
        partial: true,
      },
    );
    expect(answer).toMatchObject({ status: 415, json: { code: 'unsupported_content_encoding' } });
  });
});
