import { describe, expect, it } from 'vitest';
import type { ConnectSession, ConnectSessionStore } from '../ports.js';

const session = (over: Partial<ConnectSession> = {}): ConnectSession => ({
  id: 'cs_1',
  workspaceId: 'ws_1',
  tenantExternalId: 't',
  mailboxExternalId: 'm',
  stateHash: 'h0',
  codeVerifier: 'v',
  status: 'pending',
  createdAt: 1,
  expiresAt: 1000,
  ...over,
});

type SessionStore = ConnectSessionStore & { setStateHash(id: string, hash: string): Promise<boolean> };

/** The behaviour every {@link ConnectSessionStore} adapter must have. */
export function describeConnectSessionStoreContract(
  name: string,
  make: () => Promise<SessionStore> | SessionStore,
): void {
  describe(`${name} (ConnectSessionStore contract)`, () => {
    it('reads back what it stored, and nothing for unknown ids', async () => {
      const store = await make();
      await store.create(session());
      expect(await store.get('cs_1')).toEqual(session());
      expect(await store.get('cs_2')).toBeUndefined();
    });

    it('lets exactly one of two concurrent claims win', async () => {
      const store = await make();
      await store.create(session());
      const check = (s: ConnectSession) =>
        s.status === 'pending' ? undefined : ({ refused: 'already_used' } as const);
      const results = await Promise.all([store.claim('cs_1', check), store.claim('cs_1', check)]);
      expect(results.filter((r) => 'refused' in r)).toEqual([{ refused: 'already_used' }]);
      expect((await store.get('cs_1'))?.status).toBe('exchanging');
    });

    it('changes nothing when the check refuses, and refuses unknown sessions', async () => {
      const store = await make();
      await store.create(session());
      expect(await store.claim('cs_1', () => ({ refused: 'forged_state' }))).toEqual({
        refused: 'forged_state',
      });
      expect((await store.get('cs_1'))?.status).toBe('pending');
      expect(await store.claim('cs_x', () => undefined)).toEqual({ refused: 'unknown_session' });
    });

    it('updates the state hash only while pending, and records the outcome', async () => {
      const store = await make();
      await store.create(session());
      expect(await store.setStateHash('cs_1', 'h1')).toBe(true);
      expect((await store.get('cs_1'))?.stateHash).toBe('h1');
      await store.claim('cs_1', () => undefined);
      expect(await store.setStateHash('cs_1', 'h2')).toBe(false);
      await store.finish('cs_1', { status: 'completed', mailboxId: 'mbx_1' });
      expect(await store.get('cs_1')).toMatchObject({
        status: 'completed',
        mailboxId: 'mbx_1',
        stateHash: 'h1',
      });
    });
  });
}
