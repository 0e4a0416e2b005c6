import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures: string[] = [];
afterAll(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
});

const passing = `import { expect, it } from 'vitest';
it('adds', () => expect(1 + 1).toBe(2));
`;

/**
 * A project of its own with two vitest projects like the real config (`unit` and `emulator`, one passing
 * test each) and `files` added to the `unit` project. It runs the repository's vitest; type-check, lint and
 * build are stand-ins that exit with `stages[name]` (0 unless given), since only their exit status matters here.
 */
function fixture(
  files: Record<string, string>,
  stages: Partial<Record<'tsc' | 'biome', number>> = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailmon-test-script-'));
  fixtures.push(dir);
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(join(repo, 'node_modules', 'vitest'), join(dir, 'node_modules', 'vitest'), 'dir');
  symlinkSync('../vitest/vitest.mjs', join(dir, 'node_modules', '.bin', 'vitest'));
  for (const tool of ['tsc', 'biome'] as const) {
    const stub = join(dir, 'node_modules', '.bin', tool);
    writeFileSync(stub, `#!/bin/sh\nexit ${stages[tool] ?? 0}\n`);
    chmodSync(stub, 0o755);
  }
  const all: Record<string, string> = {
    'vitest.config.ts': `import { defineConfig } from 'vitest/config';
export default defineConfig({
  test: {
    reporters: process.env.MAILMON_TEST_REPORT
      ? ['default', ['json', { outputFile: process.env.MAILMON_TEST_REPORT }]]
      : ['default'],
    projects: [
      { test: { name: 'unit', include: ['t/*.test.ts'], exclude: ['t/*.emulator.test.ts'] } },
      { test: { name: 'emulator', include: ['t/*.emulator.test.ts'] } },
    ],
  },
});
`,
    't/ok.test.ts': passing,
    't/ok.emulator.test.ts': passing,
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Runs `scripts/test.mjs` in `dir` as `npm test` would, without the outer vitest run's environment. */
function runTestScript(dir: string, args: string[] = []): Promise<{ code: number | null; output: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(VITEST|MAILMON_TEST_REPORT$|TEST$)/.test(name)),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, 'scripts', 'test.mjs'), ...args], {
      cwd: dir,
      env: { ...env, NODE_ENV: 'test', FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const summaryOf = (output: string) => output.slice(output.indexOf('── npm test summary ──'));

describe('npm test (scripts/test.mjs)', () => {
  it('passes a green suite and names every vitest project it ran', async () => {
    const { code, output } = await runTestScript(fixture({}));
    const summary = summaryOf(output);
    expect(summary).toContain('tests: 2 passed, 0 failed');
    expect(summary).toContain('test files: 2 passed, 0 failed');
    expect(summary).toContain('vitest projects: unit, emulator\n');
    expect(code, output).toBe(0);
  }, 60_000);

  it('counts a test file with a broken import as 1 failed, and says which project it left out', async () => {
    const dir = fixture({
      't/broken.test.ts': `import { expect, it } from 'vitest';
import { missing } from './no-such-module.js';
it('uses the import', () => expect(missing).toBe(1));
`,
    });
    const { code, output } = await runTestScript(dir, ['--project', 'unit']);
    const summary = summaryOf(output);
    expect(summary).toContain('test files: 1 passed, 1 failed');
    expect(summary).toMatch(/✗ t\/broken\.test\.ts: .*no-such-module/);
    expect(summary).toContain('vitest projects: unit (left out by --project: emulator)');
    expect(code).toBe(1);
  }, 60_000);

  it('counts a file whose beforeAll fails as 1 failed, although none of its tests failed', async () => {
    const dir = fixture({
      't/hook.test.ts': `import { beforeAll, expect, it } from 'vitest';
beforeAll(() => {
  throw new Error('setup failed');
});
it('never runs', () => expect(1).toBe(1));
`,
    });
    const { code, output } = await runTestScript(dir, ['--project=unit']);
    const summary = summaryOf(output);
    expect(summary).toContain('0 failed, 1 skipped');
    expect(summary).toContain('test files: 1 passed, 1 failed');
    expect(summary).toContain('✗ t/hook.test.ts');
    expect(code).toBe(1);
  }, 60_000);

  it('fails when a stage before the tests fails, though every test passes', async () => {
    const { code, output } = await runTestScript(fixture({}, { biome: 1 }));
    const summary = summaryOf(output);
    expect(summary).toMatch(/✗ lint/);
    expect(summary).toContain('tests: 2 passed, 0 failed');
    expect(code).toBe(1);
  }, 60_000);
});
