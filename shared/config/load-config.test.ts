import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requiredConfigKeys } from './load-config.js';

const common = {
  MAILMON_PROJECT_ID: 'demo-mailmon',
  MAILMON_API_URL: 'http://127.0.0.1:8787/api',
  MAILMON_OAUTH_CLIENT_ID: 'client-1',
  MAILMON_OAUTH_CLIENT_SECRET: 'secret-1',
  MAILMON_OAUTH_REDIRECT_URL: 'http://127.0.0.1:8787/oauthCallback',
  MAILMON_GMAIL_TOPIC: 'projects/demo-mailmon/topics/gmail-watch',
  MAILMON_SYNC_TOPIC: 'projects/demo-mailmon/topics/sync',
  MAILMON_DELIVER_WEBHOOK_URL: 'http://127.0.0.1:8787/deliverWebhook',
};
const local = {
  ...common,
  MAILMON_MODE: 'local',
  FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080',
  PUBSUB_EMULATOR_HOST: '127.0.0.1:8085',
  MAILMON_LOCAL_KEK: Buffer.alloc(32, 7).toString('base64'),
};
const gcp = {
  ...common,
  MAILMON_MODE: 'gcp',
  MAILMON_PROJECT_ID: 'acme-mailmon-prod',
  MAILMON_KMS_KEY: 'projects/p/locations/l/keyRings/r/cryptoKeys/k',
  MAILMON_TASKS_QUEUE: 'projects/p/locations/l/queues/q',
  MAILMON_INVOKER_EMAILS: 'invoker@p.iam.gserviceaccount.com, scheduler@p.iam.gserviceaccount.com',
  MAILMON_OIDC_AUDIENCES: 'syncMailbox=https://fn.example/sync, gmailPush=https://fn.example/push',
};

function issuesOf(env: Record<string, string | undefined>) {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('parses a local configuration and applies defaults', () => {
    const config = loadConfig(local);
    expect(config).toMatchObject({
      mode: 'local',
      projectId: 'demo-mailmon',
      logLevel: 'info',
      apiUrl: 'http://127.0.0.1:8787/api',
      gmailApiUrl: 'https://gmail.googleapis.com/',
      oauth: {
        clientId: 'client-1',
        redirectUri: 'http://127.0.0.1:8787/oauthCallback',
        authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
        tokenUrl: 'https://oauth2.googleapis.com/token',
        revokeUrl: 'https://oauth2.googleapis.com/revoke',
      },
      firestoreEmulatorHost: '127.0.0.1:8080',
      pubsubEmulatorHost: '127.0.0.1:8085',
    });
  });

  it('defaults to local mode when MAILMON_MODE is unset or empty', () => {
    const { MAILMON_MODE: _mode, ...rest } = local;
    expect(loadConfig(rest).mode).toBe('local');
    expect(loadConfig({ ...rest, MAILMON_MODE: '' }).mode).toBe('local');
  });

  it('parses a gcp configuration, splitting the invoker list', () => {
    const config = loadConfig({ ...gcp, MAILMON_GMAIL_API_URL: 'http://127.0.0.1:9000/' });
    expect(config).toMatchObject({
      mode: 'gcp',
      projectId: 'acme-mailmon-prod',
      gmailApiUrl: 'http://127.0.0.1:9000/',
      invokerEmails: ['invoker@p.iam.gserviceaccount.com', 'scheduler@p.iam.gserviceaccount.com'],
      oidcJwksUrl: 'https://www.googleapis.com/oauth2/v3/certs',
      oidcAudiences: { syncMailbox: 'https://fn.example/sync', gmailPush: 'https://fn.example/push' },
    });
    expect(config).not.toHaveProperty('firestoreEmulatorHost');
  });

  it('refuses audiences that are not function=URL pairs, or name a function twice', () => {
    for (const value of [
      'https://fn.example/sync',
      'control=not a url',
      'control=https://fn.example/c,control=https://fn.example/d',
    ])
      expect(
        issuesOf({ ...gcp, MAILMON_OIDC_AUDIENCES: value }).map((i) => i.key),
        value,
      ).toEqual(['MAILMON_OIDC_AUDIENCES']);
    expect(issuesOf({ ...gcp, MAILMON_OIDC_AUDIENCES: 'https://fn.example/sync' })[0]?.problem).toMatch(
      /function=URL pairs/,
    );
  });

  it('names every bad key at once, with how to fix it', () => {
    const issues = issuesOf({
      ...local,
      MAILMON_PROJECT_ID: 'Not A Project',
      MAILMON_LOG_LEVEL: 'loud',
      MAILMON_GMAIL_API_URL: 'gmail',
      PUBSUB_EMULATOR_HOST: 'localhost',
      FIRESTORE_EMULATOR_HOST: undefined,
      MAILMON_LOCAL_KEK: 'c2hvcnQ=',
      MAILMON_SYNC_TOPIC: 'sync',
    });
    const keys = issues.map((i) => i.key).sort();
    expect(keys).toEqual([
      'FIRESTORE_EMULATOR_HOST',
      'MAILMON_GMAIL_API_URL',
      'MAILMON_LOCAL_KEK',
      'MAILMON_LOG_LEVEL',
      'MAILMON_PROJECT_ID',
      'MAILMON_SYNC_TOPIC',
      'PUBSUB_EMULATOR_HOST',
    ]);
    expect(issues.find((i) => i.key === 'FIRESTORE_EMULATOR_HOST')?.problem).toBe('is required');
    expect(issues.find((i) => i.key === 'PUBSUB_EMULATOR_HOST')?.problem).toMatch(/host:port/);
    expect(issues.find((i) => i.key === 'MAILMON_LOCAL_KEK')?.problem).toMatch(/openssl rand -base64 32/);
  });

  it('refuses emulator hosts in gcp mode', () => {
    const issues = issuesOf({ ...gcp, FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080' });
    expect(issues).toEqual([
      { key: 'FIRESTORE_EMULATOR_HOST', problem: expect.stringMatching(/must not be set in gcp mode/) },
    ]);
  });

  it('refuses an invoker list with a non-email entry', () => {
    const issues = issuesOf({ ...gcp, MAILMON_INVOKER_EMAILS: 'ok@p.iam.gserviceaccount.com,nope' });
    expect(issues.map((i) => i.key)).toEqual(['MAILMON_INVOKER_EMAILS']);
  });

  it('refuses an unknown mode and says which values are allowed', () => {
    const issues = issuesOf({ ...local, MAILMON_MODE: 'prod' });
    expect(issues).toEqual([{ key: 'MAILMON_MODE', problem: 'must be "local" or "gcp"' }]);
  });

  it('the error message lists every problem and points to the README table', () => {
    expect(() => loadConfig({ MAILMON_MODE: 'gcp' })).toThrowError(
      /MAILMON_PROJECT_ID: is required[\s\S]*README\.md/,
    );
  });
});

describe('requiredConfigKeys', () => {
  it('names exactly the keys whose absence loadConfig refuses', () => {
    for (const mode of ['local', 'gcp'] as const) {
      const required = requiredConfigKeys(mode);
      expect(required).toContain('MAILMON_MODE');
      let issues: string[] = [];
      try {
        loadConfig({ MAILMON_MODE: mode });
      } catch (error) {
        issues = (error as ConfigError).issues.map((i) => i.key);
      }
      expect([...issues, 'MAILMON_MODE'].sort()).toEqual([...required].sort());
    }
    expect(requiredConfigKeys('gcp')).toEqual(
      expect.arrayContaining(['MAILMON_KMS_KEY', 'MAILMON_OIDC_AUDIENCES']),
    );
    expect(requiredConfigKeys('gcp')).not.toContain('FIRESTORE_EMULATOR_HOST');
  });
});

describe('push and polling settings', () => {
  it('pushes by default and polls a mailbox after 10 quiet minutes', () => {
    expect(loadConfig(local)).toMatchObject({ gmailPush: true, pollAfterMs: 600_000 });
  });

  it('turns push off and polls sooner where asked', () => {
    expect(
      loadConfig({ ...local, MAILMON_GMAIL_PUSH: 'off', MAILMON_POLL_AFTER_SECONDS: '30' }),
    ).toMatchObject({
      gmailPush: false,
      pollAfterMs: 30_000,
    });
  });

  it('names a bad push switch and a poll interval out of range', () => {
    expect(issuesOf({ ...local, MAILMON_GMAIL_PUSH: 'maybe', MAILMON_POLL_AFTER_SECONDS: '5' })).toEqual([
      { key: 'MAILMON_GMAIL_PUSH', problem: 'must be "on" or "off"' },
      { key: 'MAILMON_POLL_AFTER_SECONDS', problem: 'must be at least 30 seconds' },
    ]);
    expect(issuesOf({ ...local, MAILMON_POLL_AFTER_SECONDS: 'soon' })).toEqual([
      { key: 'MAILMON_POLL_AFTER_SECONDS', problem: 'must be a whole number of seconds' },
    ]);
  });
});
