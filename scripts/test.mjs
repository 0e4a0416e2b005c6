#!/usr/bin/env node
// `npm test`: type-check, lint, build, then every vitest project (unit + emulator). Prints timings, the
// vitest projects it ran (and any a --project filter left out) and a closing "N passed, N failed" line for
// tests and for test files, and reaps any emulator process group a crashed run left behind. A test file that
// fails to load, or a failing hook, fails the run even when no single test failed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const started = Date.now();
const root = process.cwd();
const stateDir = join(root, '.mailmon');
const report = join(stateDir, 'test-report.json');
const startupFile = join(stateDir, 'emulator-startup.json');
const pidFile = join(stateDir, 'emulator-pids');
const bin = (name) => join(root, 'node_modules', '.bin', name);

mkdirSync(stateDir, { recursive: true });
for (const file of [report, startupFile]) rmSync(file, { force: true });

let current;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = true;
    current?.kill(signal);
  });
}

function run(label, command, args, env = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    process.stdout.write(`\n▶ ${label}\n`);
    current = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    current.on('exit', (code, signal) => {
      current = undefined;
      resolve({ label, ok: code === 0 && !signal, ms: Date.now() - t0 });
    });
  });
}

function reap() {
  if (!existsSync(pidFile)) return [];
  const pids = readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number);
  const reaped = pids.filter((pid) => {
    try {
      process.kill(-pid, 'SIGKILL');
      return true;
    } catch {
      return false;
    }
  });
  rmSync(pidFile, { force: true });
  return reaped;
}

/** The `--project` filters among vitest's arguments (`--project x` or `--project=x`; `*` matches anything). */
function projectFilters(args) {
  const filters = [];
  args.forEach((arg, i) => {
    if (arg === '--project' && args[i + 1] !== undefined) filters.push(args[i + 1]);
    else if (arg.startsWith('--project=')) filters.push(arg.slice('--project='.length));
  });
  return filters;
}

/** Names of the projects the vitest config declares, split into those the filters select and those left out. */
async function projects(args) {
  const loaded = await tsImport(pathToFileURL(join(root, 'vitest.config.ts')).href, import.meta.url);
  const config = loaded.default?.default ?? loaded.default;
  const names = (config.test?.projects ?? []).map((p) => p.test?.name).filter(Boolean);
  const filters = projectFilters(args).map(
    (f) => new RegExp(`^${f.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`),
  );
  const selected = (name) => filters.length === 0 || filters.some((f) => f.test(name));
  return { ran: names.filter(selected), leftOut: names.filter((n) => !selected(n)) };
}

const vitestArgs = process.argv.slice(2);
const steps = [];
const stages = [
  ['typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['lint', bin('biome'), ['check', '.']],
  ['terraform fmt', process.execPath, [fileURLToPath(new URL('./terraform-fmt.mjs', import.meta.url))]],
  ['build', bin('tsc'), ['-p', 'tsconfig.build.json']],
  [
    'tests',
    bin('vitest'),
    ['run', ...vitestArgs],
    { MAILMON_TEST_REPORT: report, METADATA_SERVER_DETECTION: 'none' },
  ],
];
for (const [label, command, args, env] of stages) {
  if (interrupted) break;
  steps.push(await run(label, command, args, env));
}

const leftovers = reap();
const selection = await projects(vitestArgs).catch((error) => ({ error }));
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log('\n── npm test summary ──');
for (const step of steps) console.log(`${step.ok ? '✓' : '✗'} ${step.label.padEnd(14)} ${seconds(step.ms)}`);
if (existsSync(startupFile)) {
  const { startupMs } = JSON.parse(readFileSync(startupFile, 'utf8'));
  console.log(`emulator start-up (Firestore + Pub/Sub): ${seconds(startupMs)}`);
} else {
  console.log('emulator start-up: emulators did not start (see the errors above)');
}
if (leftovers.length > 0) console.log(`reaped emulator process groups left running: ${leftovers.join(', ')}`);
console.log(`whole npm test: ${seconds(Date.now() - started)}`);
if (selection.error)
  console.log(`vitest projects: unknown (vitest.config.ts unreadable: ${selection.error})`);
else
  console.log(
    `vitest projects: ${selection.ran.join(', ') || 'none'}${selection.leftOut.length > 0 ? ` (left out by --project: ${selection.leftOut.join(', ')})` : ''}`,
  );
let failedSteps = steps.filter((s) => !s.ok).length;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  const files = r.testResults ?? [];
  const failedFiles = files.filter((f) => f.status === 'failed').length;
  if (r.numTotalTests === 0) failedSteps += 1;
  // a skipped test proves nothing: the run fails rather than pass with a gap in it
  if (skipped > 0) failedSteps += 1;
  // a file that fails to load or a failing hook fails its suite without failing a test
  if ((r.numFailedTestSuites ?? 0) > 0 || failedFiles > 0) failedSteps += 1;
  console.log(
    `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped (a skipped test fails the run)` : ''}`,
  );
  console.log(`test files: ${files.length - failedFiles} passed, ${failedFiles} failed`);
  for (const f of files.filter((f) => f.status === 'failed'))
    console.log(
      `  ✗ ${f.name.startsWith(root) ? f.name.slice(root.length + 1) : f.name}${f.message ? `: ${f.message.split('\n')[0]}` : ''}`,
    );
} else if (steps.some((s) => s.label === 'tests')) {
  failedSteps += 1;
  console.log('tests: no report was written (vitest did not finish; see the errors above)');
}
process.exit(interrupted ? 130 : failedSteps === 0 ? 0 : 1);
