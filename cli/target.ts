import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import { firestoreClient } from '../shared/runtime/composition-root.js';
import { CliError, type CliIo } from './io.js';

/** What `npm run dev` writes to `.mailmon/dev.json` for the CLI and the tests. */
export interface DevState {
  apiUrl: string;
  apiKey: string;
  workspaceId: string;
  mailboxId?: string;
  /** `emulator` (the default) or `google` (`npm run dev -- --real-gmail`). */
  gmail?: string;
  functionsUrl: string;
  firestoreHost: string;
  pubsubHost: string;
  projectId: string;
}

/** Where operator commands act: the local stack's emulators, or a GCP project with the operator's credentials. */
export type OperatorTarget =
  | { mode: 'local'; projectId: string; dev: DevState }
  | { mode: 'gcp'; projectId: string };

/** Reads `.mailmon/dev.json` of the checkout, or undefined when `npm run dev` never ran here. */
export function readDevState(cwd: string): DevState | undefined {
  const file = join(cwd, '.mailmon', 'dev.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as DevState;
}

/**
 * The operator target: `--project` (or `MAILMON_PROJECT_ID` with `MAILMON_MODE=gcp`) means a GCP project
 * reached with Application Default Credentials; otherwise the local stack found through `.mailmon/dev.json`.
 */
export function operatorTarget(io: CliIo, options: { project?: string }): OperatorTarget {
  const project = options.project ?? (io.env.MAILMON_MODE === 'gcp' ? io.env.MAILMON_PROJECT_ID : undefined);
  if (project) return { mode: 'gcp', projectId: project };
  const dev = readDevState(io.cwd);
  if (!dev)
    throw new CliError(
      'No local stack found (.mailmon/dev.json): start one with `npm run dev`, or pass --project <gcp project> to act on a deployment.',
    );
  return { mode: 'local', projectId: dev.projectId, dev };
}

/** Firestore of the target: the emulator with full rights locally, the project with ADC in gcp mode. */
export function firestoreOf(target: OperatorTarget): Firestore {
  return firestoreClient(target.projectId, target.mode === 'local' ? target.dev.firestoreHost : undefined);
}
