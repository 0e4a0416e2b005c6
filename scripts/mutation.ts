// `npm run mutation`: plants known bugs in the code one at a time, runs the tests that should catch each,
// and prints which test caught which bug. Every planted file gets its exact original bytes back afterwards
// — also when a run fails or is interrupted, and at the next start if this process was killed outright.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Selection {
  project: 'unit' | 'emulator';
  files: string[];
}

interface Mutant {
  bug: string;
  file: string;
  /** Text that occurs exactly once in `file`, and what the bug makes of it. */
  find: string;
  replace: string;
  tests: Selection;
}

const SYNC_UNIT: Selection = { project: 'unit', files: ['shared/sync/sync-mailbox.test.ts'] };
const SYNC_STORE: Selection = {
  project: 'emulator',
  files: ['shared/adapters/firestore/firestore-sync-store.emulator.test.ts'],
};

const MUTANTS: Mutant[] = [
  {
    bug: 'the cursor advanced before state (a history page commits the newest history id)',
    file: 'shared/sync/sync-mailbox.ts',
    find: 'const next = last ? page.historyId : (page.lastRecordId ?? position);',
    replace: 'const next = page.historyId;',
    tests: SYNC_UNIT,
  },
  {
    bug: 'a dropped delete event (message.deleted is never emitted)',
    file: 'shared/sync/plan-commit.ts',
    find: "    event('message.deleted', id, { messageId: id, threadId: before.threadId, labelIds: before.labelIds });\n",
    replace: '',
    tests: SYNC_UNIT,
  },
  {
    bug: 'a skipped lease re-read in commit (Firestore commits without checking the fencing token)',
    file: 'shared/adapters/firestore/firestore-sync-store.ts',
    find: 'const mailboxSnap = await this.checkLease(tx, lease, now);',
    replace: 'const mailboxSnap = await tx.get(mailboxRef);',
    tests: SYNC_STORE,
  },
  {
    bug: 'a lost wakeup (Firestore releaseLease ignores a mailbox marked dirty)',
    file: 'shared/adapters/firestore/firestore-sync-store.ts',
    find: "if (mailbox.get('dirty') === true && !options.force) {",
    replace: "if (mailbox.get('dirty') === 'never' && !options.force) {",
    tests: SYNC_STORE,
  },
  {
    bug: 'a signature over the wrong string (x-mailmon-signature signs the body without "<t>.")',
    file: 'shared/webhooks/sign.ts',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
    find: "const macs = secrets.map((s) => `v1=${hmac(s, body, `${timestamp}.`).toString('hex')}`);",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
    replace: "const macs = secrets.map((s) => `v1=${hmac(s, body, '').toString('hex')}`);",
    tests: { project: 'unit', files: ['shared/webhooks/sign.test.ts'] },
  },
  {
    bug: 'the SSRF guard allowing 10.0.0.0/8',
    file: 'shared/webhooks/ssrf-guard.ts',
    find: "if (ip.range() !== 'unicast') return false;",
    replace:
      "if (ip.range() !== 'unicast' && !(ip.kind() === 'ipv4' && ip.toString().startsWith('10.'))) return false;",
    tests: { project: 'unit', files: ['shared/webhooks/ssrf-guard.test.ts'] },
  },
  {
    bug: 'isolation dropping the workspace filter (GET /v1/mailboxes lists every workspace’s mailboxes)',
    file: 'shared/adapters/firestore/firestore-read-model.ts',
    find: "this.db.collection('mailboxes').where('workspaceId', '==', workspaceId),",
    replace: "this.db.collection('mailboxes'),",
    tests: { project: 'emulator', files: ['functions/api/isolation.emulator.test.ts'] },
  },
  {
    bug: 'Retry-After ignored (a rate-limited call is retried after its own backoff only)',
    file: 'shared/sync/sync-mailbox.ts',
    find: 'const wait = Math.max(error.retryAfterMs, backoff);',
    replace: 'const wait = backoff;',
    tests: SYNC_UNIT,
  },
  {
    bug: 'a reconnect to another Gmail address accepted (FirestoreMailboxRegistry skips mailbox_mismatch)',
    file: 'shared/adapters/firestore/firestore-mailbox-registry.ts',
    find: "if (found.get('emailAddress') !== input.emailAddress) {",
    replace: "if (found.get('emailAddress') === undefined) {",
    tests: {
      project: 'emulator',
      files: ['shared/adapters/firestore/firestore-mailbox-registry.emulator.test.ts'],
    },
  },
  {
    bug: 'an already revoked grant taken for an outage (GmailApiRelease ignores invalid_token)',
    file: 'shared/adapters/gmail-api/gmail-api-release.ts',
    find: "if (f.oauthError === 'invalid_grant' || f.oauthError === 'invalid_token' || f.status === 401)",
    replace: "if (f.oauthError === 'invalid_grant' || f.status === 401)",
    tests: { project: 'unit', files: ['shared/adapters/gmail-api/gmail-api-release.test.ts'] },
  },
];

const root = process.cwd();
const work = join(root, '.mailmon', 'mutation');
const manifest = join(work, 'planted.json');
const vitest = join(root, 'node_modules', '.bin', 'vitest');

/** Puts back the original bytes of a file a previous run planted a bug in and could not restore. */
function restoreLeftovers(): void {
  if (!existsSync(manifest)) return;
  const { file, backup } = JSON.parse(readFileSync(manifest, 'utf8')) as { file: string; backup: string };
  writeFileSync(join(root, file), readFileSync(backup));
  rmSync(manifest);
  console.log(`restored ${file} from a run that was stopped with a bug planted`);
}

let planted: { file: string; original: Buffer } | undefined;
let child: ReturnType<typeof spawn> | undefined;

function restore(): void {
  if (!planted) return;
  writeFileSync(join(root, planted.file), planted.original);
  rmSync(manifest, { force: true });
  planted = undefined;
}

const backup = join(work, 'original');

function plant(m: Mutant): void {
  const path = join(root, m.file);
  const original = readFileSync(path);
  const text = original.toString('utf8');
  const at = text.indexOf(m.find);
  if (at < 0 || text.indexOf(m.find, at + 1) >= 0)
    throw new Error(`${m.file}: the text to change must occur exactly once: ${m.find}`);
  writeFileSync(backup, original);
  writeFileSync(manifest, JSON.stringify({ file: m.file, backup }));
  planted = { file: m.file, original };
  writeFileSync(path, text.slice(0, at) + m.replace + text.slice(at + m.find.length));
}

function stopTests(signal: NodeJS.Signals): void {
  if (child?.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    stopTests(signal);
    restore();
    rmSync(backup, { force: true });
    console.log(`\n${signal}: stopped; the code is as it was`);
    process.exit(130);
  });
process.on('exit', restore);

interface Outcome {
  failed: string[];
  passed: number;
  loadErrors: string[];
}

/** Runs `selection` and reads which tests failed from vitest's JSON report. */
function runTests(selection: Selection, label: string): Promise<Outcome> {
  const report = join(work, `${label}.json`);
  rmSync(report, { force: true });
  return new Promise((resolve, reject) => {
    child = spawn(
      vitest,
      [
        'run',
        '--project',
        selection.project,
        ...selection.files,
        '--reporter=json',
        `--outputFile=${report}`,
      ],
      // a process group of its own, so an interrupt reaches vitest's workers and emulators, not only vitest
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
        env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', () => {
      child = undefined;
      if (!existsSync(report)) {
        reject(new Error(`vitest wrote no report for ${label}:\n${stderr.slice(-2000)}`));
        return;
      }
      const r = JSON.parse(readFileSync(report, 'utf8')) as {
        numPassedTests: number;
        testResults: {
          name: string;
          status: string;
          message: string;
          assertionResults: { fullName: string; status: string }[];
        }[];
      };
      resolve({
        passed: r.numPassedTests,
        failed: r.testResults.flatMap((f) =>
          f.assertionResults.filter((a) => a.status === 'failed').map((a) => a.fullName),
        ),
        loadErrors: r.testResults.filter((f) => f.status === 'failed' && f.message).map((f) => f.message),
      });
    });
  });
}

mkdirSync(work, { recursive: true });
restoreLeftovers();
const started = Date.now();

// the tests must pass on the code as it is, or a failure under a planted bug would prove nothing
const selections = new Map<string, Selection>();
for (const m of MUTANTS) {
  const s = selections.get(m.tests.project) ?? { project: m.tests.project, files: [] };
  for (const f of m.tests.files) if (!s.files.includes(f)) s.files.push(f);
  selections.set(m.tests.project, s);
}
for (const s of selections.values()) {
  const control = await runTests(s, `control-${s.project}`);
  if (control.failed.length > 0 || control.loadErrors.length > 0 || control.passed === 0) {
    console.error(`the ${s.project} tests fail without any planted bug:`, control.failed, control.loadErrors);
    process.exit(1);
  }
  console.log(`control: ${control.passed} ${s.project} tests pass on the code as it is`);
}

const rows: { bug: string; caught: boolean; by: string }[] = [];
for (const [i, m] of MUTANTS.entries()) {
  plant(m);
  let outcome: Outcome;
  try {
    outcome = await runTests(m.tests, `mutant-${i + 1}`);
  } finally {
    restore();
  }
  if (!readFileSync(join(root, m.file)).equals(readFileSync(backup)))
    throw new Error(`${m.file} was not restored byte for byte`);
  const caught = outcome.failed.length > 0 || outcome.loadErrors.length > 0;
  const by =
    outcome.failed.length > 0
      ? `${outcome.failed[0]}${outcome.failed.length > 1 ? ` (+${outcome.failed.length - 1} more)` : ''}`
      : outcome.loadErrors.length > 0
        ? `a test file failed to load: ${outcome.loadErrors[0]!.split('\n')[0]}`
        : 'nothing: every test passed';
  rows.push({ bug: m.bug, caught, by });
  console.log(`${caught ? '✓ caught' : '✗ MISSED'}  ${i + 1}. ${m.bug}\n      by ${by}`);
}
rmSync(backup, { force: true });

const caught = rows.filter((r) => r.caught).length;
console.log(
  `\nmutation: ${caught} of ${rows.length} planted bugs caught, in ${((Date.now() - started) / 1000).toFixed(0)} s; the code is as it was`,
);
process.exit(caught === rows.length ? 0 : 1);
