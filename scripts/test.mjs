#!/usr/bin/env node
// `npm test`: type-check, lint, build, then every vitest project (unit + emulator). Prints timings and a
// closing "N passed, N failed" line, and reaps any emulator process group a crashed run left behind.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

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

const steps = [];
const stages = [
  ['typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['lint', bin('biome'), ['check', '.']],
  ['terraform fmt', process.execPath, [join(root, 'scripts', 'terraform-fmt.mjs')]],
  ['build', bin('tsc'), ['-p', 'tsconfig.build.json']],
  [
    'tests',
    bin('vitest'),
    ['run', ...process.argv.slice(2)],
    { MAILMON_TEST_REPORT: report, METADATA_SERVER_DETECTION: 'none' },
  ],
];
for (const [label, command, args, env] of stages) {
  if (interrupted) break;
  steps.push(await run(label, command, args, env));
}

const leftovers = reap();
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
let failedSteps = steps.filter((s) => !s.ok).length;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (r.numTotalTests === 0) failedSteps += 1;
  // a skipped test proves nothing: the run fails rather than pass with a gap in it
  if (skipped > 0) failedSteps += 1;
  console.log(
    `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped (a skipped test fails the run)` : ''}`,
  );
}
process.exit(interrupted ? 130 : failedSteps === 0 ? 0 : 1);
