import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';

const local = {
  MAILMON_MODE: 'local',
  MAILMON_PROJECT_ID: 'demo-mailmon',
  FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080',
  PUBSUB_EMULATOR_HOST: '127.0.0.1:8085',
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
    expect(config).toEqual({
      mode: 'local',
      projectId: 'demo-mailmon',
      logLevel: 'info',
      gmailApiUrl: 'https://gmail.googleapis.com/',
      oauthAuthorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      oauthTokenUrl: 'https://oauth2.googleapis.com/token',
      firestoreEmulatorHost: '127.0.0.1:8080',
      pubsubEmulatorHost: '127.0.0.1:8085',
    });
  });

  it('defaults to local mode when MAILMON_MODE is unset or empty', () => {
    const { MAILMON_MODE: _mode, ...rest } = local;
    expect(loadConfig(rest).mode).toBe('local');
    expect(loadConfig({ ...rest, MAILMON_MODE: '' }).mode).toBe('local');
  });

  it('parses a gcp configuration without emulator hosts', () => {
    const config = loadConfig({
      MAILMON_MODE: 'gcp',
      MAILMON_PROJECT_ID: 'acme-mailmon-prod',
      MAILMON_GMAIL_API_URL: 'http://127.0.0.1:9000/',
    });
    expect(config).toMatchObject({
      mode: 'gcp',
      projectId: 'acme-mailmon-prod',
      gmailApiUrl: 'http://127.0.0.1:9000/',
    });
    expect(config).not.toHaveProperty('firestoreEmulatorHost');
  });

  it('names every bad key at once, with how to fix it', () => {
    const issues = issuesOf({
      MAILMON_MODE: 'local',
      MAILMON_PROJECT_ID: 'Not A Project',
      MAILMON_LOG_LEVEL: 'loud',
      MAILMON_GMAIL_API_URL: 'gmail',
      PUBSUB_EMULATOR_HOST: 'localhost',
    });
    const keys = issues.map((i) => i.key).sort();
    expect(keys).toEqual([
      'FIRESTORE_EMULATOR_HOST',
      'MAILMON_GMAIL_API_URL',
      'MAILMON_LOG_LEVEL',
      'MAILMON_PROJECT_ID',
      'PUBSUB_EMULATOR_HOST',
    ]);
    expect(issues.find((i) => i.key === 'FIRESTORE_EMULATOR_HOST')?.problem).toBe('is required');
    expect(issues.find((i) => i.key === 'PUBSUB_EMULATOR_HOST')?.problem).toMatch(/host:port/);
  });

  it('refuses emulator hosts in gcp mode', () => {
    const issues = issuesOf({
      MAILMON_MODE: 'gcp',
      MAILMON_PROJECT_ID: 'acme-mailmon-prod',
      FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080',
    });
    expect(issues).toEqual([
      { key: 'FIRESTORE_EMULATOR_HOST', problem: expect.stringMatching(/must not be set in gcp mode/) },
    ]);
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
