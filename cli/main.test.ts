import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './testing/run-cli.js';

const empty = mkdtempSync(join(tmpdir(), 'mailmon-cli-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(empty, ...argv);

describe('the mailmon CLI', () => {
  it('prints usage and exits 2 for an unknown command, a missing option or an unknown option', async () => {
    for (const argv of [
      ['nope'],
      ['admin', 'keys', 'create'],
      ['admin', 'keys', 'create', '--workspace-id', 'ws_1', '--colour', 'red'],
    ]) {
      const run = await cli(...argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/error: /);
      expect(run.stderr).toContain('Usage: mailmon');
    }
  });

  it('shows help with exit 0', async () => {
    const run = await cli('admin', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('workspace');
    expect(run.stdout).toContain('keys');
  });

  it('names what to do when there is neither a local stack nor a project', async () => {
    const run = await cli('admin', 'workspace', 'list');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('npm run dev');
    expect(run.stderr).toContain('--project');
  });
});
