import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DevState } from '../cli/target.js';
import { issueApiKey } from '../shared/workspaces/api-keys.js';
import { connectDemoMailbox, createConnectLink } from './connect-demo-mailbox.js';
import { exportFirestore, startEmulators } from './harness/emulators.js';
import { onShutdown } from './harness/on-shutdown.js';
import {
  type LocalStackBase,
  REAL_GMAIL_POLL_SECONDS,
  startLocalStack,
  startLocalStackOnGmail,
} from './stack.js';

// `npm run dev`: emulators, the Gmail emulator and every function in one command, with a demo workspace,
// API key, Gmail user, connected demo mailbox and a connect link for another. Firestore data persists in
// .mailmon/ across restarts. Ctrl-C stops all.
// `npm run dev -- --real-gmail` (or MAILMON_DEV_GMAIL=google) uses Google's real Gmail instead, with the
// developer's own OAuth client from MAILMON_OAUTH_CLIENT_ID and MAILMON_OAUTH_CLIENT_SECRET.
process.env.METADATA_SERVER_DETECTION ??= 'none';
const stateDir = join(process.cwd(), '.mailmon');
mkdirSync(stateDir, { recursive: true });
const kekFile = join(stateDir, 'local-kek');
if (!existsSync(kekFile)) writeFileSync(kekFile, randomBytes(32).toString('base64'), { mode: 0o600 });
const port = Number(process.env.PORT ?? 8787);
const gmailPort = Number(process.env.GMAIL_EMULATOR_PORT ?? 8790);
const projectId = process.env.MAILMON_PROJECT_ID ?? 'demo-mailmon';
const realGmail = process.argv.includes('--real-gmail') || process.env.MAILMON_DEV_GMAIL === 'google';
if (realGmail && !(process.env.MAILMON_OAUTH_CLIENT_ID && process.env.MAILMON_OAUTH_CLIENT_SECRET)) {
  console.error(`Real Gmail needs your own OAuth client: set MAILMON_OAUTH_CLIENT_ID and MAILMON_OAUTH_CLIENT_SECRET
(a Web application client with the authorized redirect URI http://localhost:${port}/oauthCallback; see README.md).`);
  process.exit(2);
}

const dataDir = join(stateDir, 'firestore-data');
const emulators = await startEmulators({ firestoreDataDir: dataDir });
let stack: LocalStackBase | undefined;
let scheduler: NodeJS.Timeout | undefined;
let poller: NodeJS.Timeout | undefined;
const stop = onShutdown(async () => {
  clearInterval(scheduler);
  clearInterval(poller);
  await stack?.stop().catch(() => undefined);
  // pending local tasks, mailboxes and keys survive a restart of the dev stack
  await exportFirestore(emulators.firestoreHost, projectId, dataDir).catch((error) => console.error(error));
  await emulators.stop();
});

try {
  const stackOptions = {
    firestoreHost: emulators.firestoreHost,
    pubsubHost: emulators.pubsubHost,
    projectId,
    port,
    localKek: readFileSync(kekFile, 'utf8').trim(),
  };
  const emulated = realGmail ? undefined : await startLocalStack({ ...stackOptions, gmailPort });
  stack =
    emulated ??
    (await startLocalStackOnGmail(stackOptions, {
      clientId: process.env.MAILMON_OAUTH_CLIENT_ID!,
      clientSecret: process.env.MAILMON_OAUTH_CLIENT_SECRET!,
    }));
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
  let mailboxId: string | undefined;
  if (emulated) {
    await emulated.gmail.admin.createUser(demoUser).catch(() => undefined);
    await emulated.gmail.admin.seed(demoUser, { count: 25 });
    // the demo mailbox is connected on every start: the Gmail emulator keeps no state across restarts, so a
    // mailbox kept in Firestore from an earlier run needs a grant the new emulator knows (a reconnect)
    ({ mailboxId } = await connectDemoMailbox({
      apiUrl: stack.apiUrl,
      apiKey,
      account: demoUser,
      tenantExternalId: 'demo-tenant',
      mailboxExternalId: 'demo-inbox',
    }));
  }
  const connectUrl = await createConnectLink(
    { apiUrl: stack.apiUrl, apiKey },
    { tenantExternalId: 'demo-tenant', mailboxExternalId: realGmail ? 'my-gmail' : 'second-inbox' },
  );
  // stands in for Cloud Scheduler (production crons: terraform/variables.tf), every minute instead; on real
  // Gmail, which cannot push here, mailboxes are polled every REAL_GMAIL_POLL_SECONDS
  const functionsUrl = `http://127.0.0.1:${port}`;
  const runJobs = (jobs: string[]) => {
    for (const job of jobs)
      void fetch(`${functionsUrl}/control/jobs/${job}`, { method: 'POST' }).catch(() => undefined);
  };
  scheduler = setInterval(
    () => runJobs(['dispatch_replays', 'recover_webhook_deliveries', 'recover_stuck_syncs', 'prune']),
    60_000,
  );
  poller = setInterval(() => runJobs(['poll_mailboxes']), (realGmail ? REAL_GMAIL_POLL_SECONDS : 60) * 1000);
  const dev: DevState & Record<string, unknown> = {
    apiUrl: stack.apiUrl,
    apiKey,
    workspaceId,
    ...(mailboxId ? { mailboxId } : {}),
    functionsUrl,
    firestoreHost: emulators.firestoreHost,
    pubsubHost: emulators.pubsubHost,
    projectId,
    gmail: realGmail ? 'google' : 'emulator',
    ...(emulated ? { gmailEmulatorUrl: emulated.gmail.url } : {}),
    connectUrl,
  };
  writeFileSync(join(stateDir, 'dev.json'), `${JSON.stringify(dev, null, 2)}\n`, { mode: 0o600 });
  const gmailLines = emulated
    ? `  Demo mailbox:     ${mailboxId} (${demoUser}, 25 messages; connected, first sync under way)
  Connect another:  open ${connectUrl}
                    (the Gmail emulator's consent page: create a user via its admin API, or pick ${demoUser})
  Gmail emulator:   ${emulated.gmail.url}   (admin API under /__admin)`
    : `  Gmail:            Google's real Gmail API and OAuth, with your client ${process.env.MAILMON_OAUTH_CLIENT_ID}
                    Pub/Sub cannot push to this machine: push is off and every mailbox is polled every ${REAL_GMAIL_POLL_SECONDS} s
  Connect yours:    open ${connectUrl}`;
  console.log(`Mailmon local stack ready${realGmail ? ' on real Gmail' : ''}.

  API:              ${dev.apiUrl}   (OpenAPI: ${dev.apiUrl}/v1/openapi.json)
  API key:          ${apiKey}
${gmailLines}
  Functions:        ${stack.functionsUrl}/<function>/…
  Firestore:        ${emulators.firestoreHost}   Pub/Sub: ${emulators.pubsubHost}

Written to .mailmon/dev.json. Press Ctrl-C to stop everything.`);
} catch (error) {
  console.error(error);
  await stop(1);
}
