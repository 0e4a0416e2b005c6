import { Firestore } from '@google-cloud/firestore';
import { FirestoreConnectSessionStore } from '../adapters/firestore/firestore-connect-session-store.js';
import { FirestoreMailboxRegistry } from '../adapters/firestore/firestore-mailbox-registry.js';
import { FirestoreWorkspaceStore } from '../adapters/firestore/firestore-workspace-store.js';
import { GoogleOAuthProvider } from '../adapters/google-oauth/google-oauth-provider.js';
import type { Config } from '../config/load-config.js';
import { type Clock, systemClock } from '../core/clock.js';
import { type Ids, randomIds } from '../core/ids.js';
import { jsonLogger, type Logger } from './logger.js';

/** The adapters every function is built from; one instance per process. */
export interface Runtime {
  config: Config;
  db: Firestore;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  workspaces: FirestoreWorkspaceStore;
  sessions: FirestoreConnectSessionStore;
  mailboxRegistry: FirestoreMailboxRegistry;
  oauth: GoogleOAuthProvider;
}

/** A Firestore client for the configured mode: the emulator (with service-account rights) locally. */
export function firestoreFor(config: Config): Firestore {
  if (config.mode === 'local') {
    const [host, port] = config.firestoreEmulatorHost.split(':');
    return new Firestore({
      projectId: config.projectId,
      host,
      port: Number(port),
      ssl: false,
      customHeaders: { Authorization: 'Bearer owner' },
      ignoreUndefinedProperties: true,
    });
  }
  return new Firestore({ projectId: config.projectId, ignoreUndefinedProperties: true });
}

/**
 * The composition root: builds every adapter from one validated configuration. Domain code receives
 * these through ports and never constructs a cloud client itself.
 */
export function buildRuntime(
  config: Config,
  overrides: Partial<Pick<Runtime, 'clock' | 'ids' | 'logger' | 'db'>> = {},
): Runtime {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const logger = overrides.logger ?? jsonLogger(config.logLevel);
  const db = overrides.db ?? firestoreFor(config);
  return {
    config,
    db,
    clock,
    ids,
    logger,
    workspaces: new FirestoreWorkspaceStore(db),
    sessions: new FirestoreConnectSessionStore(db),
    mailboxRegistry: new FirestoreMailboxRegistry(db, clock, ids),
    oauth: new GoogleOAuthProvider({ ...config.oauth, gmailApiUrl: config.gmailApiUrl }),
  };
}
