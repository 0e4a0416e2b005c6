import { randomBytes } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { FirestoreConnectSessionStore } from '../../../shared/adapters/firestore/firestore-connect-session-store.js';
import { FirestoreMailboxDeletionStore } from '../../../shared/adapters/firestore/firestore-mailbox-deletion-store.js';
import { FirestoreObservability } from '../../../shared/adapters/firestore/firestore-observability.js';
import { FirestoreReadModel } from '../../../shared/adapters/firestore/firestore-read-model.js';
import { FirestoreReplayStore } from '../../../shared/adapters/firestore/firestore-replay-store.js';
import { FirestoreSubscriptionStore } from '../../../shared/adapters/firestore/firestore-subscription-store.js';
import { FirestoreWebhookStore } from '../../../shared/adapters/firestore/firestore-webhook-store.js';
import { FirestoreWorkspaceStore } from '../../../shared/adapters/firestore/firestore-workspace-store.js';
import { GmailApiRelease } from '../../../shared/adapters/gmail-api/gmail-api-release.js';
import { LocalKeyWrapper } from '../../../shared/adapters/local-key-wrapper/local-key-wrapper.js';
import { systemClock } from '../../../shared/core/clock.js';
import { randomIds } from '../../../shared/core/ids.js';
import { CredentialBox } from '../../../shared/secrets/credentials.js';
import { RecordingQueue } from '../../../shared/tasks/testing/recording-queue.js';
import type { ApiDeps } from '../app.js';

// nothing may reach Google unless a test points these somewhere: a closed port fails loudly
const CLOSED = 'http://127.0.0.1:9';

/**
 * The `api` function's dependencies on real Firestore adapters (the emulator in tests), with a fresh local
 * key, OAuth/Gmail endpoints that refuse connections and a task queue that only records; `overrides`
 * replaces any of them.
 */
export function firestoreApiDeps(db: Firestore, overrides: Partial<ApiDeps> = {}): ApiDeps {
  return {
    workspaces: new FirestoreWorkspaceStore(db),
    sessions: new FirestoreConnectSessionStore(db),
    oauth: {
      authorizeUrl: () => `${CLOSED}/consent`,
      exchangeCode: () => Promise.reject(new Error('no OAuth provider in this test')),
      revokeGrant: () => Promise.reject(new Error('no OAuth provider in this test')),
    },
    clock: systemClock,
    ids: randomIds,
    apiBaseUrl: 'http://api.test',
    webhooks: new FirestoreWebhookStore(db),
    reads: new FirestoreReadModel(db),
    observability: new FirestoreObservability(db),
    subscriptions: new FirestoreSubscriptionStore(db),
    replays: new FirestoreReplayStore(db),
    tasks: new RecordingQueue(),
    deliverUrl: `${CLOSED}/deliverWebhook`,
    box: new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k')),
    mailboxDeletion: new FirestoreMailboxDeletionStore(db),
    gmailRelease: new GmailApiRelease({
      rootUrl: CLOSED,
      tokenUrl: `${CLOSED}/token`,
      revokeUrl: `${CLOSED}/revoke`,
      clientId: 'c',
      clientSecret: 's',
    }),
    ...overrides,
  };
}
