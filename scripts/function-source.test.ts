import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../emulators/harness/free-port.js';
import { FUNCTION_NAMES } from '../functions/function-names.js';
import { buildFunctionSource, productionLockfile, productionManifest } from './function-source.js';
import { node24Binary, npmCli } from './node24.js';

const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));

describe('the function source archive', () => {
  it('locks exactly the runtime dependencies and what they need, at the versions the repository locks', () => {
    const manifest = productionManifest(pkg);
    const prod = productionLockfile(lock, manifest);
    expect(prod.packages['']).toMatchObject({ dependencies: pkg.dependencies });
    for (const name of Object.keys(pkg.dependencies))
      expect(prod.packages[`node_modules/${name}`]?.version).toBe(
        lock.packages[`node_modules/${name}`].version,
      );
    // npm flags what only development needs (`dev`, or `devOptional` for an optional peer such as valibot's
    // typescript): the archive's lock holds everything else
    const expected = Object.keys(lock.packages).filter(
      (p) => p !== '' && !lock.packages[p].dev && !lock.packages[p].devOptional,
    );
    expect(
      Object.keys(prod.packages)
        .filter((p) => p !== '')
        .sort(),
    ).toEqual(expected.sort());
    for (const name of ['vitest', 'typescript', 'tsx', '@biomejs/biome'])
      expect(prod.packages[`node_modules/${name}`], `${name} is for development`).toBeUndefined();
  });

  it('holds the production manifest, the lockfile and the compiled functions, and no sources or emulators', () => {
    const source = buildFunctionSource(root);
    expect(source.entries).toContain('package.json');
    expect(source.entries).toContain('package-lock.json');
    expect(source.entries).toContain(pkg.main);
    expect(
      source.entries.filter((e) => !/^(package(-lock)?\.json|dist\/(functions|shared)\/.+)$/.test(e)),
    ).toEqual([]);
    expect(source.entries.some((e) => e.endsWith('.ts') || e.includes('.test.'))).toBe(false);
    const manifest = JSON.parse(Buffer.from(unzipSync(source.zip)['package.json']!).toString('utf8'));
    expect(manifest.scripts).toEqual({ 'gcp-build': '' });
    expect(manifest.devDependencies).toBeUndefined();
  });

  it('is byte-for-byte the same for the same build, and named for its content', () => {
    const a = buildFunctionSource(root);
    const b = buildFunctionSource(root);
    expect(Buffer.compare(Buffer.from(a.zip), Buffer.from(b.zip))).toBe(0);
    expect(a.objectName).toBe(`function-source-${a.sha256.slice(0, 16)}.zip`);
    // a changed build gets another object name, so terraform redeploys it
    const copy = mkdtempSync(join(tmpdir(), 'mailmon-src-'));
    try {
      cpSync(join(root, 'package.json'), join(copy, 'package.json'));
      cpSync(join(root, 'package-lock.json'), join(copy, 'package-lock.json'));
      cpSync(join(root, 'dist', 'functions'), join(copy, 'dist', 'functions'), { recursive: true });
      cpSync(join(root, 'dist', 'shared'), join(copy, 'dist', 'shared'), { recursive: true });
      writeFileSync(join(copy, 'dist', 'shared', 'changed.js'), 'export const changed = true;\n');
      expect(buildFunctionSource(copy).objectName).not.toBe(a.objectName);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('the archive built as the Cloud Functions Node.js buildpack builds it, on Node 24', () => {
  let work: string;
  let node24: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    node24 = node24Binary(root);
    work = mkdtempSync(join(tmpdir(), 'mailmon-buildpack-'));
    for (const [name, bytes] of Object.entries(unzipSync(buildFunctionSource(root).zip))) {
      mkdirSync(dirname(join(work, name)), { recursive: true });
      writeFileSync(join(work, name), bytes);
    }
    // the buildpack: npm ci, then the gcp-build script (empty here, so nothing is compiled in the build)
    const npm = (...args: string[]) =>
      execFileSync(node24, [npmCli(), ...args, '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: work,
        stdio: 'pipe',
        env: { ...process.env, npm_config_update_notifier: 'false' },
      });
    npm('ci');
    npm('run', 'gcp-build');
  }, 300_000);

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('runs on Node 24', () => {
    expect(execFileSync(node24, ['--version'], { encoding: 'utf8' })).toMatch(/^v24\./);
  });

  it.each(FUNCTION_NAMES)(
    'starts %s with functions-framework until it answers /healthz',
    async (name) => {
      const port = await freePort();
      const framework = join(
        work,
        'node_modules',
        '@google-cloud',
        'functions-framework',
        'build',
        'src',
        'main.js',
      );
      let output = '';
      const child = spawn(node24, [framework, `--target=${name}`, `--port=${port}`], {
        cwd: work,
        stdio: 'pipe',
        // what the runtime sets; no Mailmon configuration, which /healthz must not need
        env: { PATH: process.env.PATH, NODE_ENV: 'production', FUNCTION_TARGET: name, K_SERVICE: name },
      });
      children.push(child);
      child.stdout?.on('data', (c) => {
        output += c;
      });
      child.stderr?.on('data', (c) => {
        output += c;
      });
      let body: unknown;
      for (let i = 0; i < 400 && body === undefined; i += 1) {
        if (child.exitCode !== null) break;
        body = await fetch(`http://127.0.0.1:${port}/healthz`)
          .then((r) => r.json())
          .catch(() => new Promise((resolve) => setTimeout(() => resolve(undefined), 50)));
      }
      expect(body, `functions-framework did not serve ${name}:\n${output}`).toEqual({
        status: 'ok',
        function: name,
      });
      child.kill('SIGKILL');
    },
    60_000,
  );
});
