import { resolve } from 'node:path';
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
