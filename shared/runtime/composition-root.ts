import { createHash } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { PubSub } from '@google-cloud/pubsub';
import { CloudTasksClient } from '@google-cloud/tasks';
import { CloudTasksQueue } from '../adapters/cloud-tasks/cloud-tasks-queue.js';
import { FirestoreConnectSessionStore } from '../adapters/firestore/firestore-connect-session-store.js';
import { FirestoreControlQueries } from '../adapters/firestore/firestore-control-queries.js';
import { FirestoreCredentialStore } from '../adapters/firestore/firestore-credential-store.js';
import { FirestoreDeadLetters } from '../adapters/firestore/firestore-dead-letters.js';
import { FirestoreDeliveryStore } from '../adapters/firestore/firestore-delivery-store.js';
import { FirestoreFeedIndexStore } from '../adapters/firestore/firestore-feed-index-store.js';
import { FirestoreMailboxDeletionStore } from '../adapters/firestore/firestore-mailbox-deletion-store.js';
import { FirestoreMailboxRegistry } from '../adapters/firestore/firestore-mailbox-registry.js';
import { FirestoreObservability } from '../adapters/firestore/firestore-observability.js';
import { FirestoreReadModel } from '../adapters/firestore/firestore-read-model.js';
import { FirestoreReplayStore } from '../adapters/firestore/firestore-replay-store.js';
import { FirestoreSubscriptionStore } from '../adapters/firestore/firestore-subscription-store.js';
import { FirestoreMailboxDirectory, FirestoreSyncStore } from '../adapters/firestore/firestore-sync-store.js';
import { FirestoreWebhookStore } from '../adapters/firestore/firestore-webhook-store.js';
import { FirestoreWorkspaceStore } from '../adapters/firestore/firestore-workspace-store.js';
import { GmailApiClient, type GmailApiConfig } from '../adapters/gmail-api/gmail-api-client.js';
import { GmailApiRelease } from '../adapters/gmail-api/gmail-api-release.js';
import { GmailApiWatcher } from '../adapters/gmail-api/gmail-api-watcher.js';
import { GoogleOAuthProvider } from '../adapters/google-oauth/google-oauth-provider.js';
import { NodeHttpSender } from '../adapters/http-sender/node-http-sender.js';
import { KmsKeyWrapper } from '../adapters/kms/kms-key-wrapper.js';
import { LocalKeyWrapper } from '../adapters/local-key-wrapper/local-key-wrapper.js';
import { FirestoreLocalTaskQueue } from '../adapters/local-tasks/firestore-local-task-queue.js';
import { PubSubDispatcher } from '../adapters/pubsub/pubsub-dispatcher.js';
import type { Config } from '../config/load-config.js';
import type { WatchRenewer } from '../control/ports.js';
import { type Clock, systemClock } from '../core/clock.js';
import { ReconnectRequiredError } from '../core/errors.js';
import { type Ids, randomIds } from '../core/ids.js';
import { CredentialBox } from '../secrets/credentials.js';
import type { KeyWrapper } from '../secrets/ports.js';
import type { MailboxSyncState } from '../sync/model.js';
import type { GmailClient, Sleep } from '../sync/ports.js';
import type { TaskQueue } from '../tasks/task-queue.js';
import type { TargetGuard } from '../webhooks/attempt-delivery.js';
import type { Random } from '../webhooks/retry-schedule.js';
import { allowAll, isPublicAddress, publicTargetsOnly, systemDnsResolver } from '../webhooks/ssrf-guard.js';
import { jsonLogger, type Logger } from './logger.js';

/** The adapters every function is built from; one instance per process. */
export interface Runtime {
  config: Config;
  db: Firestore;
  pubsub: PubSub;
  clock: Clock;
  ids: Ids;
  sleep: Sleep;
  logger: Logger;
  workspaces: FirestoreWorkspaceStore;
  sessions: FirestoreConnectSessionStore;
  mailboxRegistry: FirestoreMailboxRegistry;
  oauth: GoogleOAuthProvider;
  syncStore: FirestoreSyncStore;
  directory: FirestoreMailboxDirectory;
  deadLetters: FirestoreDeadLetters;
  feedIndex: FirestoreFeedIndexStore;
  dispatcher: PubSubDispatcher;
  credentials: FirestoreCredentialStore;
  box: CredentialBox;
  /** Null when Gmail push is off. */
  watcher: GmailApiWatcher | null;
  controlQueries: FirestoreControlQueries;
  tasks: TaskQueue;
  webhooks: FirestoreWebhookStore;
  reads: FirestoreReadModel;
  sender: NodeHttpSender;
  guard: TargetGuard;
  random: Random;
  /** Null when Gmail push is off. */
  renewer: WatchRenewer | null;
  mailboxDeletion: FirestoreMailboxDeletionStore;
  deliveries: FirestoreDeliveryStore;
  observability: FirestoreObservability;
  subscriptions: FirestoreSubscriptionStore;
  replays: FirestoreReplayStore;
  gmailRelease: GmailApiRelease;
  gmailFor(mailbox: MailboxSyncState): Promise<GmailClient>;
}

/**
 * A Firestore client: on the emulator at `emulatorHost` (with service-account rights, as the functions have),
 * or on the project's database with Application Default Credentials.
 */
export function firestoreClient(projectId: string, emulatorHost?: string): Firestore {
  if (emulatorHost) {
    const [host, port] = emulatorHost.split(':');
    return new Firestore({
      projectId,
      host,
      port: Number(port),
      ssl: false,
      customHeaders: { Authorization: 'Bearer owner' },
      ignoreUndefinedProperties: true,
    });
  }
  return new Firestore({ projectId, ignoreUndefinedProperties: true });
}

/** A Firestore client for the configured mode: the emulator locally. */
export function firestoreFor(config: Config): Firestore {
  return firestoreClient(
    config.projectId,
    config.mode === 'local' ? config.firestoreEmulatorHost : undefined,
  );
}

/** A Pub/Sub client for the configured mode. */
export function pubsubFor(config: Config): PubSub {
  return config.mode === 'local'
    ? new PubSub({ projectId: config.projectId, apiEndpoint: config.pubsubEmulatorHost, emulatorMode: true })
    : new PubSub({ projectId: config.projectId });
}

/** Local key ids are derived from the key, so rotating the key changes the id recorded on new secrets. */
export function localKeyId(key: string): string {
  return `local:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/**
 * The key-encryption key of a mode: Cloud KMS (`kmsKey`) in gcp mode; locally the current key, with earlier
 * keys still accepted for unwrapping until everything is rewrapped.
 */
export function keyWrapperOf(
  keys: { kmsKey: string } | { localKek: string; localPreviousKeks: readonly string[] },
): KeyWrapper {
  if ('kmsKey' in keys) return new KmsKeyWrapper(new KeyManagementServiceClient(), keys.kmsKey);
  const all: Record<string, string> = {};
  for (const key of [...keys.localPreviousKeks, keys.localKek]) all[localKeyId(key)] = key;
  return new LocalKeyWrapper(all, localKeyId(keys.localKek));
}

function keyWrapperFor(config: Config): KeyWrapper {
  return keyWrapperOf(config.mode === 'gcp' ? { kmsKey: config.kmsKey } : config);
}

/**
 * The composition root: builds every adapter from one validated configuration. Domain code receives
 * these through ports and never constructs a cloud client itself.
 */
export function buildRuntime(
  config: Config,
  overrides: Partial<Pick<Runtime, 'clock' | 'ids' | 'logger' | 'db' | 'sleep'>> & {
    keyWrapper?: KeyWrapper;
  } = {},
): Runtime {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const logger = overrides.logger ?? jsonLogger(config.logLevel);
  const db = overrides.db ?? firestoreFor(config);
  const pubsub = pubsubFor(config);
  const gmailConfig: GmailApiConfig = {
    rootUrl: config.gmailApiUrl,
    tokenUrl: config.oauth.tokenUrl,
    clientId: config.oauth.clientId,
    clientSecret: config.oauth.clientSecret,
  };
  const credentials = new FirestoreCredentialStore(db);
  const box = new CredentialBox(overrides.keyWrapper ?? keyWrapperFor(config));
  const refreshTokenOf = async (mailboxId: string) => {
    const stored = await credentials.get(mailboxId);
    if (!stored) throw new ReconnectRequiredError('The mailbox has no stored credential');
    return box.openRefreshToken(mailboxId, stored);
  };
  const watcher = new GmailApiWatcher(gmailConfig, config.gmailTopic);
  const tasks: TaskQueue =
    config.mode === 'gcp'
      ? new CloudTasksQueue(new CloudTasksClient(), config.tasksQueue, {
          serviceAccountEmail: config.invokerEmails[0]!,
        })
      : new FirestoreLocalTaskQueue(db, clock);
  return {
    config,
    db,
    pubsub,
    clock,
    ids,
    sleep: overrides.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    logger,
    workspaces: new FirestoreWorkspaceStore(db),
    sessions: new FirestoreConnectSessionStore(db),
    mailboxRegistry: new FirestoreMailboxRegistry(db, clock, ids),
    oauth: new GoogleOAuthProvider({ ...config.oauth, gmailApiUrl: config.gmailApiUrl }),
    syncStore: new FirestoreSyncStore(db),
    directory: new FirestoreMailboxDirectory(db),
    deadLetters: new FirestoreDeadLetters(db),
    feedIndex: new FirestoreFeedIndexStore(db),
    dispatcher: new PubSubDispatcher(pubsub, config.syncTopic),
    credentials,
    box,
    watcher: config.gmailPush ? watcher : null,
    controlQueries: new FirestoreControlQueries(db),
    webhooks: new FirestoreWebhookStore(db),
    reads: new FirestoreReadModel(db),
    // receivers run on loopback locally; in gcp mode private and metadata targets are refused, both
    // before the attempt and again on the addresses the socket connects to (DNS rebinding)
    sender: new NodeHttpSender(
      config.mode === 'gcp' ? { connectTo: { resolve: systemDnsResolver, allowed: isPublicAddress } } : {},
    ),
    guard: config.mode === 'gcp' ? publicTargetsOnly() : allowAll,
    random: Math.random,
    tasks,
    deliveries: new FirestoreDeliveryStore({ db, tasks, box, deliverUrl: config.deliverWebhookUrl }),
    mailboxDeletion: new FirestoreMailboxDeletionStore(db),
    observability: new FirestoreObservability(db),
    subscriptions: new FirestoreSubscriptionStore(db),
    replays: new FirestoreReplayStore(db),
    gmailRelease: new GmailApiRelease({ ...gmailConfig, revokeUrl: config.oauth.revokeUrl }),
    renewer: config.gmailPush
      ? { renew: async (mailboxId) => watcher.watch(await refreshTokenOf(mailboxId)) }
      : null,
    async gmailFor(mailbox) {
      return new GmailApiClient(gmailConfig, await refreshTokenOf(mailbox.id));
    },
  };
}
