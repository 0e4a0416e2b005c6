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

/** Mailmon running locally: every function in one process over the emulators. */
export interface LocalStackBase {
  functionsUrl: string;
  apiUrl: string;
  runtime: Runtime;
  /** The configuration the functions run with, as environment variables. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The local stack on the Gmail emulator. */
export interface LocalStack extends LocalStackBase {
  gmail: GmailEmulator;
}

export interface LocalStackOptions {
  firestoreHost: string;
  pubsubHost: string;
  projectId: string;
  port?: number;
  gmailPort?: number;
  /** Key-encryption key (base64, 32 bytes); keep it across restarts so stored tokens still open. */
  localKek?: string;
  /** Earlier keys, still accepted for unwrapping (a key rotation before `gmail-credentials rewrap`). */
  localPreviousKeks?: string[];
  /** Where the functions' JSON log lines go (stdout by default). */
  logWrite?: (line: string) => void;
}

/** A developer's own Google OAuth client (a Web application client), for the stack on real Gmail. */
export interface GoogleClient {
  clientId: string;
  clientSecret: string;
}

/** How often the stack on real Gmail looks at every mailbox: Gmail cannot push to a laptop. */
export const REAL_GMAIL_POLL_SECONDS = 30;

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
  try {
    const stack = await startFunctions(options, port, functionsUrl, {
      MAILMON_GMAIL_API_URL: gmail.endpoints.rootUrl,
      MAILMON_OAUTH_AUTHORIZE_URL: gmail.endpoints.authorizeUrl,
      MAILMON_OAUTH_TOKEN_URL: gmail.endpoints.tokenUrl,
      MAILMON_OAUTH_REVOKE_URL: gmail.endpoints.revokeUrl,
      MAILMON_OAUTH_CLIENT_ID: client.clientId,
      MAILMON_OAUTH_CLIENT_SECRET: client.clientSecret,
    });
    return {
      ...stack,
      gmail,
      async stop() {
        await stack.stop();
        await gmail.stop();
      },
    };
  } catch (error) {
    await gmail.stop();
    throw error;
  }
}

/**
 * Starts the local stack on real Gmail: Google's own Gmail API and OAuth endpoints with the developer's OAuth
 * client, whose authorized redirect URI must be `http://localhost:<port>/oauthCallback`. Pub/Sub cannot push to
 * a laptop, so push is off: no watch is started and every mailbox is polled every {@link REAL_GMAIL_POLL_SECONDS}
 * seconds (the caller runs `poll_mailboxes` that often).
 */
export async function startLocalStackOnGmail(
  options: Omit<LocalStackOptions, 'gmailPort'>,
  client: GoogleClient,
): Promise<LocalStackBase> {
  const port = options.port ?? (await freePort());
  // Google accepts plain-http redirect URIs on localhost only
  return startFunctions(options, port, `http://localhost:${port}`, {
    MAILMON_OAUTH_CLIENT_ID: client.clientId,
    MAILMON_OAUTH_CLIENT_SECRET: client.clientSecret,
    MAILMON_GMAIL_PUSH: 'off',
    MAILMON_POLL_AFTER_SECONDS: String(REAL_GMAIL_POLL_SECONDS),
  });
}

async function startFunctions(
  options: LocalStackOptions,
  port: number,
  functionsUrl: string,
  gmailEnv: Record<string, string>,
): Promise<LocalStackBase> {
  const env: Record<string, string> = {
    MAILMON_MODE: 'local',
    MAILMON_PROJECT_ID: options.projectId,
    MAILMON_LOG_LEVEL: process.env.MAILMON_LOG_LEVEL ?? 'warn',
    MAILMON_API_URL: `${functionsUrl}/api`,
    MAILMON_OAUTH_REDIRECT_URL: `${functionsUrl}/oauthCallback`,
    MAILMON_GMAIL_TOPIC: `projects/${options.projectId}/topics/gmail-watch`,
    MAILMON_SYNC_TOPIC: `projects/${options.projectId}/topics/sync-dispatch`,
    MAILMON_DELIVER_WEBHOOK_URL: `http://127.0.0.1:${port}/deliverWebhook`,
    FIRESTORE_EMULATOR_HOST: options.firestoreHost,
    PUBSUB_EMULATOR_HOST: options.pubsubHost,
    MAILMON_LOCAL_KEK: options.localKek ?? randomBytes(32).toString('base64'),
    ...(options.localPreviousKeks
      ? { MAILMON_LOCAL_PREVIOUS_KEKS: options.localPreviousKeks.join(',') }
      : {}),
    ...gmailEnv,
  };
  const config = loadConfig(env);
  const runtime = buildRuntime(
    config,
    options.logWrite ? { logger: jsonLogger('debug', options.logWrite) } : {},
  );
  const rt = async () => runtime;
  // Pub/Sub pushes from the emulator on this machine reach the functions on loopback
  const local = `http://127.0.0.1:${port}`;
  await ensurePushSubscription(
    runtime.pubsub,
    'gmail-watch',
    'gmail-watch-push',
    `${local}/gmailPush/projects/${options.projectId}/topics/gmail-watch`,
  );
  await ensurePushSubscription(
    runtime.pubsub,
    'sync-dispatch',
    'sync-dispatch-push',
    `${local}/syncMailbox/projects/${options.projectId}/topics/sync-dispatch`,
  );
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
    runtime,
    env,
    async stop() {
      await runner.stop();
      await host.close();
      await runtime.pubsub.close();
      await runtime.db.terminate();
    },
  };
}
