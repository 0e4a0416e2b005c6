import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ManagedProcess, startProcess, waitUntilReady } from './child-process.js';
import { freePort } from './free-port.js';
import { findEmulatorBinaries } from './sdk.js';

/** Running Firestore and Pub/Sub emulators on 127.0.0.1. */
export interface RunningEmulators {
  /** `127.0.0.1:port`, the value for FIRESTORE_EMULATOR_HOST. */
  firestoreHost: string;
  /** `127.0.0.1:port`, the value for PUBSUB_EMULATOR_HOST. */
  pubsubHost: string;
  /** Wall time from launch until both answered, in milliseconds. */
  startupMs: number;
  /** Stops both process groups; idempotent. */
  stop(): Promise<void>;
}

export interface StartEmulatorsOptions {
  env?: NodeJS.ProcessEnv;
  /** Rules file loaded into the Firestore emulator. */
  rulesFile?: string;
  /** Import the newest Firestore export found here at start (see {@link exportFirestore}). */
  firestoreDataDir?: string;
}

function persistence(dir: string | undefined): string[] {
  if (!dir || !existsSync(dir)) return [];
  const exports = readdirSync(dir)
    .filter((name) => name.startsWith('firestore_export_'))
    .sort();
  const newest = exports.at(-1);
  return newest ? [`--import-data=${join(dir, newest, `${newest}.overall_export_metadata`)}`] : [];
}

/**
 * Exports one project's Firestore emulator data into `dir` (a new `firestore_export_*` folder), so the next
 * start with `firestoreDataDir: dir` resumes from it; older exports are removed once the new one exists.
 */
export async function exportFirestore(firestoreHost: string, projectId: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const before = readdirSync(dir);
  const response = await fetch(`http://${firestoreHost}/emulator/v1/projects/${projectId}:export`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ database: `projects/${projectId}/databases/(default)`, export_directory: dir }),
  });
  if (!response.ok) throw new Error(`Firestore export failed: ${response.status} ${await response.text()}`);
  for (const old of before)
    if (old.startsWith('firestore_export_')) rmSync(join(dir, old), { recursive: true, force: true });
}

/**
 * Launches the Firestore and Pub/Sub emulator JVMs directly from the Google Cloud CLI components on
 * this machine (no download, no Firebase CLI), on free ports, and waits until both answer.
 * If either fails to start, whatever was started is stopped before the error is thrown.
 */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<RunningEmulators> {
  const env = options.env ?? process.env;
  const bins = findEmulatorBinaries(env);
  const rulesFile = options.rulesFile ?? resolve('firestore.rules');
  const [firestorePort, pubsubPort] = await Promise.all([freePort(), freePort()]);
  const started = Date.now();
  const childEnv = { ...env, JAVA_TOOL_OPTIONS: env.JAVA_TOOL_OPTIONS ?? '-Xss4m' };
  const procs: ManagedProcess[] = [];
  const stop = async () => {
    await Promise.all(procs.map((p) => p.stop()));
  };
  try {
    const firestore = startProcess(
      'Firestore emulator',
      bins.java,
      [
        '-cp',
        bins.firestoreJar,
        'com.google.cloud.datastore.emulator.firestore.CloudFirestore',
        'start',
        '--host=127.0.0.1',
        `--port=${firestorePort}`,
        `--rules=${rulesFile}`,
        ...persistence(options.firestoreDataDir),
      ],
      childEnv,
    );
    procs.push(firestore);
    const pubsub = startProcess(
      'Pub/Sub emulator',
      bins.pubsubLauncher,
      ['--host=127.0.0.1', `--port=${pubsubPort}`],
      childEnv,
    );
    procs.push(pubsub);
    await Promise.all([
      waitUntilReady(firestore, `http://127.0.0.1:${firestorePort}/`),
      waitUntilReady(pubsub, `http://127.0.0.1:${pubsubPort}/`),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    firestoreHost: `127.0.0.1:${firestorePort}`,
    pubsubHost: `127.0.0.1:${pubsubPort}`,
    startupMs: Date.now() - started,
    stop,
  };
}
