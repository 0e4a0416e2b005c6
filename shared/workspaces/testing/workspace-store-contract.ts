import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord, WorkspaceStore } from '../ports.js';

const key = (over: Partial<ApiKeyRecord>): ApiKeyRecord => ({
  keyId: 'k1',
  workspaceId: 'ws_1',
  label: 'ci',
  prefix: 'mm_live_k1',
  secretHash: 'ab',
  createdAt: 1,
  lastUsedAt: null,
  revokedAt: null,
  ...over,
});

/** The behaviour every {@link WorkspaceStore} adapter must have. */
export function describeWorkspaceStoreContract(
  name: string,
  make: () => Promise<WorkspaceStore> | WorkspaceStore,
): void {
  describe(`${name} (WorkspaceStore contract)`, () => {
    it('stores and reads back workspaces and keys', async () => {
      const store = await make();
      await store.createWorkspace({ id: 'ws_1', name: 'Acme', createdAt: 1 });
      expect(await store.getWorkspace('ws_1')).toEqual({ id: 'ws_1', name: 'Acme', createdAt: 1 });
      expect(await store.getWorkspace('ws_missing')).toBeUndefined();
      await store.createApiKey(key({}));
      expect(await store.getApiKey('k1')).toEqual(key({}));
      expect(await store.getApiKey('k404')).toBeUndefined();
    });

    it('lists every workspace, oldest first', async () => {
      const store = await make();
      await store.createWorkspace({ id: 'ws_b', name: 'B', createdAt: 5 });
      await store.createWorkspace({ id: 'ws_a', name: 'A', createdAt: 2 });
      const listed = await store.listWorkspaces();
      expect(listed.filter((w) => w.id === 'ws_a' || w.id === 'ws_b').map((w) => w.id)).toEqual([
        'ws_a',
        'ws_b',
      ]);
    });

    it('lists only the workspace’s own keys, newest first', async () => {
      const store = await make();
      await store.createApiKey(key({ keyId: 'a', createdAt: 1 }));
      await store.createApiKey(key({ keyId: 'b', createdAt: 3 }));
      await store.createApiKey(key({ keyId: 'c', createdAt: 2, workspaceId: 'ws_2' }));
      expect((await store.listApiKeys('ws_1')).map((k) => k.keyId)).toEqual(['b', 'a']);
    });

    it('revokes a key only for its own workspace, keeping the first revocation time', async () => {
      const store = await make();
      await store.createApiKey(key({}));
      expect(await store.revokeApiKey('ws_2', 'k1', 5)).toBe(false);
      expect((await store.getApiKey('k1'))?.revokedAt).toBeNull();
      expect(await store.revokeApiKey('ws_1', 'k1', 5)).toBe(true);
      expect(await store.revokeApiKey('ws_1', 'k1', 9)).toBe(true);
      expect((await store.getApiKey('k1'))?.revokedAt).toBe(5);
      await store.touchApiKey('k1', 7);
      expect((await store.getApiKey('k1'))?.lastUsedAt).toBe(7);
    });
  });
}
