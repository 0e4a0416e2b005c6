import { parseArgs } from 'node:util';
import { DEFAULT_CLIENT, type OAuthClientConfig } from './oauth.js';
import { startGmailEmulator } from './server.js';

// `npm run emulator:gmail -- --port 8085`: runs the emulator until Ctrl-C; flags override environment variables.
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'pubsub-host': { type: 'string' },
    'pubsub-project': { type: 'string' },
    seed: { type: 'string' },
    user: { type: 'string', multiple: true },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'auto-approve': { type: 'boolean' },
    'quota-units-per-minute': { type: 'string' },
    'notification-interval-ms': { type: 'string' },
    'history-retention-ms': { type: 'string' },
    help: { type: 'boolean' },
  },
});

if (values.help) {
  console.log(`Usage: npm run emulator:gmail -- [options]
  --port <n>                      port (env GMAIL_EMULATOR_PORT; default 0 = any free port)
  --host <ip>                     interface (env GMAIL_EMULATOR_HOST; default 127.0.0.1)
  --pubsub-host <host:port>       Pub/Sub emulator for watch notifications (env PUBSUB_EMULATOR_HOST)
  --pubsub-project <id>           project of the Pub/Sub client (env GMAIL_EMULATOR_PUBSUB_PROJECT)
  --user <email>                  create a mailbox at start (repeatable; env GMAIL_EMULATOR_USERS, comma-separated)
  --client-id/--client-secret     register this OAuth client besides the default one (env GMAIL_EMULATOR_CLIENT_ID/_SECRET)
  --redirect-uri <uri>            redirect URI of that client (repeatable; env GMAIL_EMULATOR_REDIRECT_URIS, comma-separated)
  --auto-approve                  skip the consent page (env GMAIL_EMULATOR_AUTO_APPROVE=1)
  --seed <n>                      seed of all randomness (default 1)
  --quota-units-per-minute <n>    per-user quota (default 15000)
  --notification-interval-ms <n>  minimum spacing of notifications per user (default 1000)
  --history-retention-ms <n>      how long history stays readable (default 7 days)`);
  process.exit(0);
}

const env = process.env;
const num = (value: string | undefined): number | undefined =>
  value === undefined || value === '' ? undefined : Number(value);
const list = (value: string | undefined): string[] =>
  value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

const clients: OAuthClientConfig[] = [DEFAULT_CLIENT];
const clientId = values['client-id'] ?? env.GMAIL_EMULATOR_CLIENT_ID;
if (clientId) {
  clients.push({
    clientId,
    clientSecret: values['client-secret'] ?? env.GMAIL_EMULATOR_CLIENT_SECRET ?? '',
    redirectUris: values['redirect-uri'] ?? list(env.GMAIL_EMULATOR_REDIRECT_URIS),
  });
}
const pubsubHost = values['pubsub-host'] ?? env.PUBSUB_EMULATOR_HOST;

const emulator = await startGmailEmulator({
  port: num(values.port ?? env.GMAIL_EMULATOR_PORT) ?? 0,
  host: values.host ?? env.GMAIL_EMULATOR_HOST ?? '127.0.0.1',
  seed: num(values.seed),
  pubsub: pubsubHost
    ? { apiEndpoint: pubsubHost, projectId: values['pubsub-project'] ?? env.GMAIL_EMULATOR_PUBSUB_PROJECT }
    : undefined,
  users: values.user ?? list(env.GMAIL_EMULATOR_USERS),
  clients,
  autoApprove: values['auto-approve'] === true || env.GMAIL_EMULATOR_AUTO_APPROVE === '1',
  quotaUnitsPerMinute: num(values['quota-units-per-minute']),
  notificationIntervalMs: num(values['notification-interval-ms']),
  historyRetentionMs: num(values['history-retention-ms']),
});

console.log(`gmail-emulator: listening on ${emulator.url}
  Gmail rootUrl   ${emulator.endpoints.rootUrl}
  authorize       ${emulator.endpoints.authorizeUrl}
  token           ${emulator.endpoints.tokenUrl}
  revoke          ${emulator.endpoints.revokeUrl}
  admin           ${emulator.url}/__admin/...
  default client  ${DEFAULT_CLIENT.clientId} / ${DEFAULT_CLIENT.clientSecret}
  notifications   ${pubsubHost ? `Pub/Sub emulator at ${pubsubHost}` : 'not published (no --pubsub-host / PUBSUB_EMULATOR_HOST)'}`);

let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await emulator.stop();
  process.exit(code);
};
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));
