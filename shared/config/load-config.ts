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
const logLevel = v.picklist(['debug', 'info', 'warn', 'error']);

const common = {
  MAILMON_PROJECT_ID: projectId,
  MAILMON_LOG_LEVEL: v.optional(logLevel, 'info'),
  MAILMON_GMAIL_API_URL: v.optional(httpUrl, 'https://gmail.googleapis.com/'),
  MAILMON_OAUTH_AUTHORIZE_URL: v.optional(httpUrl, 'https://accounts.google.com/o/oauth2/v2/auth'),
  MAILMON_OAUTH_TOKEN_URL: v.optional(httpUrl, 'https://oauth2.googleapis.com/token'),
};

const localSchema = v.object({
  MAILMON_MODE: v.literal('local'),
  ...common,
  FIRESTORE_EMULATOR_HOST: hostPort,
  PUBSUB_EMULATOR_HOST: hostPort,
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
});

const schema = v.variant('MAILMON_MODE', [localSchema, gcpSchema], 'must be "local" or "gcp"');

type RawConfig = v.InferOutput<typeof schema>;

/** Validated runtime configuration. Built once by the composition root; never read from `process.env` elsewhere. */
export type Config =
  | {
      mode: 'local';
      projectId: string;
      logLevel: 'debug' | 'info' | 'warn' | 'error';
      gmailApiUrl: string;
      oauthAuthorizeUrl: string;
      oauthTokenUrl: string;
      firestoreEmulatorHost: string;
      pubsubEmulatorHost: string;
    }
  | {
      mode: 'gcp';
      projectId: string;
      logLevel: 'debug' | 'info' | 'warn' | 'error';
      gmailApiUrl: string;
      oauthAuthorizeUrl: string;
      oauthTokenUrl: string;
    };

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
  'MAILMON_PROJECT_ID',
  'MAILMON_LOG_LEVEL',
  'MAILMON_GMAIL_API_URL',
  'MAILMON_OAUTH_AUTHORIZE_URL',
  'MAILMON_OAUTH_TOKEN_URL',
  'FIRESTORE_EMULATOR_HOST',
  'PUBSUB_EMULATOR_HOST',
] as const;

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
      const key = v.getDotPath(issue) ?? 'MAILMON_MODE';
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
  const base = {
    projectId: raw.MAILMON_PROJECT_ID,
    logLevel: raw.MAILMON_LOG_LEVEL,
    gmailApiUrl: raw.MAILMON_GMAIL_API_URL,
    oauthAuthorizeUrl: raw.MAILMON_OAUTH_AUTHORIZE_URL,
    oauthTokenUrl: raw.MAILMON_OAUTH_TOKEN_URL,
  };
  if (raw.MAILMON_MODE === 'local') {
    return {
      mode: 'local',
      ...base,
      firestoreEmulatorHost: raw.FIRESTORE_EMULATOR_HOST,
      pubsubEmulatorHost: raw.PUBSUB_EMULATOR_HOST,
    };
  }
  return { mode: 'gcp', ...base };
}
