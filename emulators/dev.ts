import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DevState } from '../cli/target.js';
import { issueApiKey } from '../shared/workspaces/api-keys.js';
import { connectDemoMailbox, createConnectLink } from './connect-demo-mailbox.js';
import { exportFirestore, startEmulators } from './harness/emulators.js';
import { onShutdown } from './harness/on-shutdown.js';
import { type LocalStack, startLocalStack } from './stack.js';

// `npm run dev`: emulators, the Gmail emulator and every function in one command, with a demo workspace,
// API key, Gmail user, connected demo mailbox and a connect link for another. Firestore data persists in
// .mailmon/ across restarts. Ctrl-C stops all.
process.env.METADATA_SERVER_DETECTION ??= 'none';
const stateDir = join(process.cwd(), '.mailmon');
mkdirSync(stateDir, { recursive: true });
const kekFile = join(stateDir, 'local-kek');
if (!existsSync(kekFile)) writeFileSync(kekFile, randomBytes(32).toString('base64'), { mode: 0o600 });
const port = Number(process.env.PORT ?? 8787);
const gmailPort = Number(process.env.GMAIL_EMULATOR_PORT ?? 8790);
const projectId = process.env.MAILMON_PROJECT_ID ?? 'demo-mailmon';

const dataDir = join(stateDir, 'firestore-data');
const emulators = await startEmulators({ firestoreDataDir: dataDir });
let stack: LocalStack | undefined;
let scheduler: NodeJS.Timeout | undefined;
const stop = onShutdown(async () => {
  clearInterval(scheduler);
  await stack?.stop().catch(() => undefined);
  // pending local tasks, mailboxes and keys survive a restart of the dev stack
  await exportFirestore(emulators.firestoreHost, projectId, dataDir).catch((error) => console.error(error));
  await emulators.stop();
});

try {
  stack = await startLocalStack({
    firestoreHost: emulators.firestoreHost,
    pubsubHost: emulators.pubsubHost,
    projectId,
    port,
    gmailPort,
    localKek: readFileSync(kekFile, 'utf8').trim(),
  });
  const { workspaces, clock } = stack.runtime;
  const workspaceId = 'ws_demo';
  if (!(await workspaces.getWorkspace(workspaceId)))
    await workspaces.createWorkspace({ id: workspaceId, name: 'Demo', createdAt: clock.now() });
  const { apiKey } = await issueApiKey(
    { workspaces, clock },
    workspaceId,
    `dev ${new Date(clock.now()).toISOString()}`,
  );
  const demoUser = 'demo@example.com';
  await stack.gmail.admin.createUser(demoUser).catch(() => undefined);
  await stack.gmail.admin.seed(demoUser, { count: 25 });
  // the demo mailbox is connected on every start: the Gmail emulator keeps no state across restarts, so a
  // mailbox kept in Firestore from an earlier run needs a grant the new emulator knows (a reconnect)
  const { mailboxId } = await connectDemoMailbox({
    apiUrl: stack.apiUrl,
    apiKey,
    account: demoUser,
    tenantExternalId: 'demo-tenant',
    mailboxExternalId: 'demo-inbox',
  });
  const connectUrl = await createConnectLink(
    { apiUrl: stack.apiUrl, apiKey },
    { tenantExternalId: 'demo-tenant', mailboxExternalId: 'second-inbox' },
  );
  // stands in for Cloud Scheduler (production crons: terraform/variables.tf), every minute instead
  const functionsUrl = stack.functionsUrl;
  scheduler = setInterval(() => {
    for (const job of [
      'dispatch_replays',
      'recover_webhook_deliveries',
      'recover_stuck_syncs',
      'poll_mailboxes',
      'prune',
    ])
      void fetch(`${functionsUrl}/control/jobs/${job}`, { method: 'POST' }).catch(() => undefined);
  }, 60_000);
  const dev: DevState & Record<string, unknown> = {
    apiUrl: stack.apiUrl,
    apiKey,
    workspaceId,
    mailboxId,
    functionsUrl: stack.functionsUrl,
    firestoreHost: emulators.firestoreHost,
    pubsubHost: emulators.pubsubHost,
    projectId,
    gmailEmulatorUrl: stack.gmail.url,
    connectUrl,
  };
  writeFileSync(join(stateDir, 'dev.json'), `${JSON.stringify(dev, null, 2)}\n`, { mode: 0o600 });
  console.log(`Mailmon local stack ready.

  API:              ${dev.apiUrl}   (OpenAPI: ${dev.apiUrl}/v1/openapi.json)
  API key:          ${apiKey}
  Demo mailbox:     ${mailboxId} (${demoUser}, 25 messages; connected, first sync under way)
  Connect another:  open ${connectUrl}
                    (the Gmail emulator's consent page: create a user via its admin API, or pick ${demoUser})
  Gmail emulator:   ${dev.gmailEmulatorUrl}   (admin API under /__admin)
  Functions:        ${stack.functionsUrl}/<function>/…
  Firestore:        ${emulators.firestoreHost}   Pub/Sub: ${emulators.pubsubHost}

Written to .mailmon/dev.json. Press Ctrl-C to stop everything.`);
} catch (error) {
  console.error(error);
  await stop(1);
}
