import * as v from 'valibot';

const hostPort = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9.[\]:-]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:8080'),
);
const httpUrl = v.pipe(
  v.string(),
  v.url('must be an absolute URL'),
  v.regex(/^https?:\/\//, 'must start with http(s)://'),
);
const projectId = v.pipe(
  v.string(),
  v.regex(
    /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    'must be a GCP project id: 6-30 lowercase letters, digits or hyphens',
  ),
);
const topic = v.pipe(
  v.string(),
  v.regex(/^projects\/[^/]+\/topics\/[^/]+$/, 'must be a topic name: projects/PROJECT/topics/TOPIC'),
);
const logLevel = v.picklist(['debug', 'info', 'warn', 'error'], 'must be one of debug, info, warn, error');
const nonEmpty = v.pipe(v.string(), v.minLength(1, 'must not be empty'));
const key32 = v.pipe(
  v.string(),
  v.check(
    (s) => Buffer.from(s, 'base64').length === 32,
    'must be 32 random bytes in base64 (openssl rand -base64 32)',
  ),
);
/** A comma-separated value as its trimmed, non-empty entries. */
const commaList = v.transform((s: string) =>
  s
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean),
);
const emailList = v.pipe(
  v.string(),
  commaList,
  v.array(v.pipe(v.string(), v.email('must be a comma-separated list of service-account emails'))),
  v.minLength(1, 'must name at least one service account'),
);
const kmsKey = v.pipe(
  v.string(),
  v.regex(
    /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/,
    'must be projects/P/locations/L/keyRings/R/cryptoKeys/K',
  ),
);
const AUDIENCE_PAIR = /^([A-Za-z][A-Za-z0-9]*)=(https?:\/\/\S+)$/;
const functionAudiences = v.pipe(
  v.string(),
  commaList,
  v.array(
    v.pipe(
      v.string(),
      v.check(
        (pair) => AUDIENCE_PAIR.test(pair) && URL.canParse(pair.replace(AUDIENCE_PAIR, '$2')),
        'must be comma-separated function=URL pairs, e.g. control=https://mailmon-control-….run.app',
      ),
    ),
  ),
  v.minLength(1, 'must name at least one function=URL pair'),
  v.check(
    (pairs) => new Set(pairs.map((p) => p.split('=')[0])).size === pairs.length,
    'must name each function once',
  ),
  v.transform((pairs) =>
    Object.fromEntries(pairs.map((p) => [p.replace(AUDIENCE_PAIR, '$1'), p.replace(AUDIENCE_PAIR, '$2')])),
  ),
);
const queue = v.pipe(
  v.string(),
  v.regex(/^projects\/[^/]+\/locations\/[^/]+\/queues\/[^/]+$/, 'must be projects/P/locations/L/queues/Q'),
);

const common = {
  MAILMON_PROJECT_ID: projectId,
  MAILMON_LOG_LEVEL: v.optional(logLevel, 'info'),
  MAILMON_API_URL: httpUrl,
  MAILMON_GMAIL_API_URL: v.optional(httpUrl, 'https://gmail.googleapis.com/'),
  MAILMON_OAUTH_AUTHORIZE_URL: v.optional(httpUrl, 'https://accounts.google.com/o/oauth2/v2/auth'),
  MAILMON_OAUTH_TOKEN_URL: v.optional(httpUrl, 'https://oauth2.googleapis.com/token'),
  MAILMON_OAUTH_REVOKE_URL: v.optional(httpUrl, 'https://oauth2.googleapis.com/revoke'),
  MAILMON_OAUTH_CLIENT_ID: nonEmpty,
  MAILMON_OAUTH_CLIENT_SECRET: nonEmpty,
  MAILMON_OAUTH_REDIRECT_URL: httpUrl,
  MAILMON_GMAIL_TOPIC: topic,
  MAILMON_SYNC_TOPIC: topic,
  MAILMON_DELIVER_WEBHOOK_URL: httpUrl,
  MAILMON_GMAIL_PUSH: v.optional(v.picklist(['on', 'off'], 'must be "on" or "off"'), 'on'),
  MAILMON_POLL_AFTER_SECONDS: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, 'must be a whole number of seconds'),
      v.transform(Number),
      v.minValue(30, 'must be at least 30 seconds'),
      v.maxValue(86_400, 'must be at most a day (86400)'),
    ),
    '600',
  ),
};

const localSchema = v.object({
  MAILMON_MODE: v.literal('local'),
  ...common,
  FIRESTORE_EMULATOR_HOST: hostPort,
  PUBSUB_EMULATOR_HOST: hostPort,
  MAILMON_LOCAL_KEK: key32,
  MAILMON_LOCAL_PREVIOUS_KEKS: v.optional(v.pipe(v.string(), commaList, v.array(key32)), ''),
});

const gcpSchema = v.object({
  MAILMON_MODE: v.literal('gcp'),
  ...common,
  FIRESTORE_EMULATOR_HOST: v.optional(
    v.undefined('must not be set in gcp mode: it would send production writes to an emulator'),
  ),
  PUBSUB_EMULATOR_HOST: v.optional(
    v.undefined('must not be set in gcp mode: it would send production messages to an emulator'),
  ),
  MAILMON_KMS_KEY: kmsKey,
  MAILMON_TASKS_QUEUE: queue,
  MAILMON_INVOKER_EMAILS: emailList,
  MAILMON_OIDC_JWKS_URL: v.optional(httpUrl, 'https://www.googleapis.com/oauth2/v3/certs'),
  MAILMON_OIDC_AUDIENCES: functionAudiences,
});

const schema = v.variant('MAILMON_MODE', [localSchema, gcpSchema], 'must be "local" or "gcp"');

type RawConfig = v.InferOutput<typeof schema>;

interface CommonConfig {
  projectId: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Public base URL of the `api` function; connect URLs are built on it. */
  apiUrl: string;
  gmailApiUrl: string;
  oauth: {
    clientId: string;
    clientSecret: string;
    /** The `oauthCallback` function's URL, registered with the OAuth client. */
    redirectUri: string;
    authorizeUrl: string;
    tokenUrl: string;
    revokeUrl: string;
  };
  gmailTopic: string;
  syncTopic: string;
  /** URL of the `deliverWebhook` function that delivery tasks call. */
  deliverWebhookUrl: string;
  /**
   * Whether Gmail pushes changes (a `users.watch` per mailbox). Off where Pub/Sub cannot reach the functions
   * (real Gmail on a laptop): no watch is started and mailboxes are found by polling alone.
   */
  gmailPush: boolean;
  /** How long a mailbox may go without a successful sync before `poll_mailboxes` dispatches it. */
  pollAfterMs: number;
}

/** Validated runtime configuration. Built once by the composition root; never read from `process.env` elsewhere. */
export type Config =
  | (CommonConfig & {
      mode: 'local';
      firestoreEmulatorHost: string;
      pubsubEmulatorHost: string;
      /** Key-encryption key for refresh-token data keys in local mode. */
      localKek: string;
      /** Earlier keys, still accepted for unwrapping until `rewrap` moved everything to `localKek`. */
      localPreviousKeks: string[];
    })
  | (CommonConfig & {
      mode: 'gcp';
      kmsKey: string;
      tasksQueue: string;
      /** Service accounts whose Google-signed OIDC tokens may call the private functions. */
      invokerEmails: string[];
      oidcJwksUrl: string;
      /**
       * The one audience each private function accepts on OIDC tokens (its own URL), by function name. A
       * function accepts no other entry's audience, so a token minted for one cannot call another.
       */
      oidcAudiences: Record<string, string>;
    });

/** One problem with one configuration key. */
export interface ConfigIssue {
  key: string;
  problem: string;
}

/** Thrown by {@link loadConfig}; lists every bad key at once with how to fix it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `Invalid Mailmon configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `- ${i.key}: ${i.problem}`).join('\n') +
        '\nSee the configuration table in README.md.',
    );
  }
}

/** Keys that are read; everything else in the environment is ignored. */
export const CONFIG_KEYS = [
  'MAILMON_MODE',
  ...Object.keys(common),
  'FIRESTORE_EMULATOR_HOST',
  'PUBSUB_EMULATOR_HOST',
  'MAILMON_LOCAL_KEK',
  'MAILMON_LOCAL_PREVIOUS_KEKS',
  'MAILMON_KMS_KEY',
  'MAILMON_TASKS_QUEUE',
  'MAILMON_INVOKER_EMAILS',
  'MAILMON_OIDC_JWKS_URL',
  'MAILMON_OIDC_AUDIENCES',
] as const;

/**
 * The keys a deployment must set in `mode` (those without a default), `MAILMON_MODE` included. Terraform's
 * offline check holds every function's environment to this list.
 */
export function requiredConfigKeys(mode: 'local' | 'gcp'): string[] {
  const entries = (mode === 'gcp' ? gcpSchema : localSchema).entries as Record<string, { type: string }>;
  return Object.entries(entries)
    .filter(([, schema]) => schema.type !== 'optional')
    .map(([key]) => key);
}

function pick(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of CONFIG_KEYS) {
    const value = env[key];
    // an empty variable means "not set", as in most shells' `VAR= cmd`
    if (value !== undefined && value !== '') out[key] = value;
  }
  out.MAILMON_MODE ??= 'local';
  return out;
}

/**
 * Parses configuration from an injected environment. `MAILMON_MODE` defaults to `local`.
 * Guarantees: the result is fully validated; on any problem it throws {@link ConfigError} naming
 * every bad key (not just the first), and nothing is partially applied.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = v.safeParse(schema, pick(env), { abortEarly: false });
  if (!result.success) {
    const byKey = new Map<string, string[]>();
    for (const issue of result.issues) {
      const key = v.getDotPath(issue)?.split('.')[0] ?? 'MAILMON_MODE';
      const problem = issue.input === undefined && issue.kind === 'schema' ? 'is required' : issue.message;
      const problems = byKey.get(key) ?? [];
      if (!problems.includes(problem)) problems.push(problem);
      byKey.set(key, problems);
    }
    throw new ConfigError([...byKey].map(([key, problems]) => ({ key, problem: problems.join('; ') })));
  }
  return toConfig(result.output);
}

function toConfig(raw: RawConfig): Config {
  const base: CommonConfig = {
    projectId: raw.MAILMON_PROJECT_ID,
    logLevel: raw.MAILMON_LOG_LEVEL,
    apiUrl: raw.MAILMON_API_URL,
    gmailApiUrl: raw.MAILMON_GMAIL_API_URL,
    oauth: {
      clientId: raw.MAILMON_OAUTH_CLIENT_ID,
      clientSecret: raw.MAILMON_OAUTH_CLIENT_SECRET,
      redirectUri: raw.MAILMON_OAUTH_REDIRECT_URL,
      authorizeUrl: raw.MAILMON_OAUTH_AUTHORIZE_URL,
      tokenUrl: raw.MAILMON_OAUTH_TOKEN_URL,
      revokeUrl: raw.MAILMON_OAUTH_REVOKE_URL,
    },
    gmailTopic: raw.MAILMON_GMAIL_TOPIC,
    syncTopic: raw.MAILMON_SYNC_TOPIC,
    deliverWebhookUrl: raw.MAILMON_DELIVER_WEBHOOK_URL,
    gmailPush: raw.MAILMON_GMAIL_PUSH === 'on',
    pollAfterMs: (raw.MAILMON_POLL_AFTER_SECONDS as unknown as number) * 1000,
  };
  if (raw.MAILMON_MODE === 'local') {
    return {
      mode: 'local',
      ...base,
      firestoreEmulatorHost: raw.FIRESTORE_EMULATOR_HOST,
      pubsubEmulatorHost: raw.PUBSUB_EMULATOR_HOST,
      localKek: raw.MAILMON_LOCAL_KEK,
      localPreviousKeks: raw.MAILMON_LOCAL_PREVIOUS_KEKS as string[],
    };
  }
  return {
    mode: 'gcp',
    ...base,
    kmsKey: raw.MAILMON_KMS_KEY,
    tasksQueue: raw.MAILMON_TASKS_QUEUE,
    invokerEmails: raw.MAILMON_INVOKER_EMAILS,
    oidcJwksUrl: raw.MAILMON_OIDC_JWKS_URL,
    oidcAudiences: raw.MAILMON_OIDC_AUDIENCES,
  };
}
