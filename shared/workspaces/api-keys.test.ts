import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { authenticateApiKey, issueApiKey } from './api-keys.js';
import { MemoryWorkspaceStore } from './testing/memory-workspace-store.js';

function setup() {
  return { workspaces: new MemoryWorkspaceStore(), clock: new ManualClock() };
}

describe('API keys', () => {
  it('issues a key whose secret is stored only as a hash', async () => {
    const deps = setup();
    const { apiKey, record } = await issueApiKey(deps, 'ws_1', 'ci');
    expect(apiKey).toMatch(/^mm_live_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(apiKey.startsWith(`${record.prefix}_`)).toBe(true);
    const stored = deps.workspaces.keys.get(record.keyId)!;
    expect(JSON.stringify(stored)).not.toContain(apiKey.slice(record.prefix.length + 1));
    expect(record).not.toHaveProperty('secretHash');
  });

  it('resolves a valid key to its workspace and records when it was used', async () => {
    const deps = setup();
    const { apiKey, record } = await issueApiKey(deps, 'ws_1', 'ci');
    expect(await authenticateApiKey(deps, apiKey)).toBe('ws_1');
    expect(deps.workspaces.keys.get(record.keyId)?.lastUsedAt).toBe(deps.clock.now());
  });

  it('writes lastUsedAt at most once a minute', async () => {
    const deps = setup();
    const { apiKey, record } = await issueApiKey(deps, 'ws_1', 'ci');
    await authenticateApiKey(deps, apiKey);
    const first = deps.clock.now();
    deps.clock.advance(30_000);
    await authenticateApiKey(deps, apiKey);
    expect(deps.workspaces.keys.get(record.keyId)?.lastUsedAt).toBe(first);
    deps.clock.advance(30_000);
    await authenticateApiKey(deps, apiKey);
    expect(deps.workspaces.keys.get(record.keyId)?.lastUsedAt).toBe(first + 60_000);
  });

  it('authenticates even when recording lastUsedAt fails', async () => {
    const deps = setup();
    const { apiKey } = await issueApiKey(deps, 'ws_1', 'ci');
    deps.workspaces.touchApiKey = async () => {
      throw new Error('datastore unavailable');
    };
    expect(await authenticateApiKey(deps, apiKey)).toBe('ws_1');
  });

  it('refuses malformed, unknown, tampered and revoked keys', async () => {
    const deps = setup();
    const { apiKey, record } = await issueApiKey(deps, 'ws_1', 'ci');
    expect(await authenticateApiKey(deps, 'nope')).toBeUndefined();
    expect(await authenticateApiKey(deps, apiKey.replace(record.keyId, 'aaaaaaaaaaaa'))).toBeUndefined();
    const last = apiKey.at(-1) === 'A' ? 'B' : 'A';
    expect(await authenticateApiKey(deps, apiKey.slice(0, -1) + last)).toBeUndefined();
    expect(await deps.workspaces.revokeApiKey('ws_other', record.keyId, 1)).toBe(false);
    expect(await authenticateApiKey(deps, apiKey)).toBe('ws_1');
    await deps.workspaces.revokeApiKey('ws_1', record.keyId, deps.clock.now());
    expect(await authenticateApiKey(deps, apiKey)).toBeUndefined();
  });
});
