import { randomBytes } from 'node:crypto';
import type { PubSub } from '@google-cloud/pubsub';
import { apiDepsOf, createApiFunction } from '../functions/api/app.js';
import { createControlFunction } from '../functions/control/index.js';
import { createDeliverWebhookFunction } from '../functions/deliver-webhook/index.js';
import { createGmailPushFunction } from '../functions/gmail-push/index.js';
import { createOAuthCallbackFunction } from '../functions/oauth-callback/index.js';
import { createSyncMailboxFunction } from '../functions/sync-mailbox/index.js';
import { LocalTaskRunner } from '../shared/adapters/local-tasks/firestore-local-task-queue.js';
import { loadConfig } from '../shared/config/load-config.js';
import { buildRuntime, type Runtime } from '../shared/runtime/composition-root.js';
import { jsonLogger } from '../shared/runtime/logger.js';
import { startFunctionsHost } from './functions-host.js';
import { type GmailEmulator, startGmailEmulator } from './gmail/index.js';
import { freePort } from './harness/free-port.js';

/** Mailmon running locally: every function in one process over the emulators, plus the Gmail emulator. */
export interface LocalStack {
  functionsUrl: string;
  apiUrl: string;
  gmail: GmailEmulator;
  runtime: Runtime;
  /** The configuration the functions run with, as environment variables. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  firestoreHost: string;
  pubsubHost: string;
  projectId: string;
  port?: number;
  gmailPort?: number;
  /** Key-encryption key (base64, 32 bytes); keep it across restarts so stored tokens still open. */
  localKek?: string;
  /** Where the functions' JSON log lines go (stdout by default). */
  logWrite?: (line: string) => void;
}

async function ensurePushSubscription(
  pubsub: PubSub,
  topicName: string,
  subscription: string,
  endpoint: string,
) {
  const topic = pubsub.topic(topicName);
  const [exists] = await topic.exists();
  if (!exists) await topic.create();
  const sub = topic.subscription(subscription);
  const [subExists] = await sub.exists();
  if (subExists) await sub.modifyPushConfig({ pushEndpoint: endpoint });
  else
    await topic.createSubscription(subscription, {
      pushConfig: { pushEndpoint: endpoint },
      ackDeadlineSeconds: 600,
    });
}

/**
 * Starts the local stack: the Gmail emulator (publishing watch notifications to the Pub/Sub emulator),
 * the Gmail-watch and sync topics with push subscriptions to `gmailPush` and `syncMailbox`, and every
 * function behind one HTTP server at `/<functionName>/…`.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const port = options.port ?? (await freePort());
  const functionsUrl = `http://127.0.0.1:${port}`;
  const client = {
    clientId: 'mailmon-local.apps.googleusercontent.com',
    clientSecret: randomBytes(16).toString('hex'),
  };
  const gmail = await startGmailEmulator({
    ...(options.gmailPort ? { port: options.gmailPort } : {}),
    pubsub: { apiEndpoint: options.pubsubHost, projectId: options.projectId },
    clients: [{ ...client, redirectUris: [`${functionsUrl}/oauthCallback`] }],
  });
  const env: Record<string, string> = {
    MAILMON_MODE: 'local',
    MAILMON_PROJECT_ID: options.projectId,
    MAILMON_LOG_LEVEL: process.env.MAILMON_LOG_LEVEL ?? 'warn',
    MAILMON_API_URL: `${functionsUrl}/api`,
    MAILMON_GMAIL_API_URL: gmail.endpoints.rootUrl,
    MAILMON_OAUTH_AUTHORIZE_URL: gmail.endpoints.authorizeUrl,
    MAILMON_OAUTH_TOKEN_URL: gmail.endpoints.tokenUrl,
    MAILMON_OAUTH_REVOKE_URL: gmail.endpoints.revokeUrl,
    MAILMON_OAUTH_CLIENT_ID: client.clientId,
    MAILMON_OAUTH_CLIENT_SECRET: client.clientSecret,
    MAILMON_OAUTH_REDIRECT_URL: `${functionsUrl}/oauthCallback`,
    MAILMON_GMAIL_TOPIC: `projects/${options.projectId}/topics/gmail-watch`,
    MAILMON_SYNC_TOPIC: `projects/${options.projectId}/topics/sync-dispatch`,
    MAILMON_DELIVER_WEBHOOK_URL: `${functionsUrl}/deliverWebhook`,
    FIRESTORE_EMULATOR_HOST: options.firestoreHost,
    PUBSUB_EMULATOR_HOST: options.pubsubHost,
    MAILMON_LOCAL_KEK: options.localKek ?? randomBytes(32).toString('base64'),
  };
  const config = loadConfig(env);
  const runtime = buildRuntime(
    config,
    options.logWrite ? { logger: jsonLogger('debug', options.logWrite) } : {},
  );
  const rt = async () => runtime;
  try {
    await ensurePushSubscription(
      runtime.pubsub,
      'gmail-watch',
      'gmail-watch-push',
      `${functionsUrl}/gmailPush/projects/${options.projectId}/topics/gmail-watch`,
    );
    await ensurePushSubscription(
      runtime.pubsub,
      'sync-dispatch',
      'sync-dispatch-push',
      `${functionsUrl}/syncMailbox/projects/${options.projectId}/topics/sync-dispatch`,
    );
  } catch (error) {
    await gmail.stop();
    throw error;
  }
  const host = await startFunctionsHost(
    {
      api: createApiFunction(
        async () => apiDepsOf(runtime),
        runtime.logger,
        () => runtime.config.apiUrl,
      ),
      oauthCallback: createOAuthCallbackFunction(rt),
      gmailPush: createGmailPushFunction(rt),
      syncMailbox: createSyncMailboxFunction(rt),
      deliverWebhook: createDeliverWebhookFunction(rt),
      control: createControlFunction(rt),
    },
    port,
  );
  // stands in for Cloud Tasks: pending tasks live in Firestore, so they survive a restart
  const runner = new LocalTaskRunner(runtime.db, runtime.clock);
  runner.start();
  return {
    functionsUrl,
    apiUrl: env.MAILMON_API_URL!,
    gmail,
    runtime,
    env,
    async stop() {
      await runner.stop();
      await gmail.stop();
      await host.close();
      await runtime.pubsub.close();
      await runtime.db.terminate();
    },
  };
}
