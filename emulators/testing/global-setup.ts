import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmulators } from '../harness/emulators.js';

declare module 'vitest' {
  export interface ProvidedContext {
    firestoreHost: string;
    pubsubHost: string;
  }
}

/**
 * Starts the Firestore and Pub/Sub emulators once for the emulator test project and stops them by PID
 * afterwards, also when tests fail. A missing emulator fails the run with a message naming what to install.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulators = await startEmulators();
  const stopOnSignal = () => {
    void emulators.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  project.provide('firestoreHost', emulators.firestoreHost);
  project.provide('pubsubHost', emulators.pubsubHost);
  const dir = join(process.cwd(), '.mailmon');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'emulator-startup.json'), JSON.stringify({ startupMs: emulators.startupMs }));
  return async () => {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await emulators.stop();
  };
}
