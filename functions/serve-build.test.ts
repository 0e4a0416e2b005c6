import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../emulators/harness/free-port.js';
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
