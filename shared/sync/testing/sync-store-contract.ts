import { describe, expect, it } from 'vitest';
import type { MailmonEvent, PendingEvent } from '../../events/event.js';
import type { MessageMeta } from '../model.js';
import type { ChangeSet } from '../plan-commit.js';
import {
  type Lease,
  LeaseLostError,
  StaleCursorError,
  type SyncRunRecord,
  type SyncStore,
} from '../ports.js';

/** A store under test plus the seeding and read-back the contract needs. */
export interface SyncStoreHarness {
  store: SyncStore;
  /** Adds an active mailbox of `ws_1` / `tenant-1` with no cursor, nothing mirrored and no lease. */
  addMailbox(mailboxId: string): Promise<void>;
  /** Marks the mailbox as being deleted, as the deletion use case does first. */
  markDeleting(mailboxId: string): Promise<void>;
  events(mailboxId: string): Promise<MailmonEvent[]>;
  messageIds(mailboxId: string): Promise<string[]>;
  runs(mailboxId: string): Promise<SyncRunRecord[]>;
}

const T0 = Date.UTC(2026, 5, 1);
const TTL = 60_000;
const ctx = { mailboxId: 'mbx_1', workspaceId: 'ws_1', tenantExternalId: 'tenant-1', fromPosition: 'p' };

function message(id: string, over: Partial<MessageMeta> = {}): MessageMeta {
  return {
    id,
    threadId: `t_${id}`,
    labelIds: ['INBOX'],
    subject: `Subject ${id}`,
    from: 'sender@example.com',
    to: ['user@example.com'],
    cc: [],
    snippet: `snippet ${id}`,
    receivedAt: T0,
    sizeEstimate: 100,
    attachments: [],
    ...over,
  };
}

const upsert = (...ids: string[]): ChangeSet => ({
  upserts: ids.map((id) => message(id)),
  deletes: [],
  generation: 1,
});
const nothing: ChangeSet = { upserts: [], deletes: [], generation: 0 };

function mailboxEvent(id: string): PendingEvent {
  return {
    id,
    type: 'mailbox.synced',
    schemaVersion: 1,
    occurredAt: new Date(T0).toISOString(),
    workspaceId: 'ws_1',
    tenantExternalId: 'tenant-1',
    mailboxId: 'mbx_1',
    data: { mailboxId: 'mbx_1' },
  };
}

function run(id: string): SyncRunRecord {
  return {
    id,
    mailboxId: 'mbx_1',
    kind: 'incremental',
    previousCursor: '1',
    nextCursor: '2',
    startedAt: T0,
    finishedAt: T0 + 10,
    outcome: 'succeeded',
    counts: { pages: 1, fetched: 0, events: 0, messagesWritten: 0, messagesDeleted: 0 },
  };
}

/**
 * The rules every {@link SyncStore} keeps: fenced leases with growing tokens, a dirty flag that makes the
 * holder run again instead of losing a wakeup, and commits of state, events and cursor that happen together,
 * from the expected cursor only, or not at all.
 */
export function describeSyncStoreContract(name: string, make: () => Promise<SyncStoreHarness>): void {
  describe(`${name} (SyncStore contract)`, () => {
    async function held(): Promise<{ h: SyncStoreHarness; lease: Lease }> {
      const h = await make();
      await h.addMailbox('mbx_1');
      const lease = await h.store.acquireLease('mbx_1', 'holder', T0, TTL);
      expect(lease).toMatchObject({ mailboxId: 'mbx_1', owner: 'holder', expiresAt: T0 + TTL });
      return { h, lease: lease! };
    }

    it('refuses a held lease and marks the mailbox dirty; the next lease has a greater token', async () => {
      const { h, lease } = await held();
      expect((await h.store.getMailbox('mbx_1'))?.dirty).toBe(false);
      expect(await h.store.acquireLease('mbx_1', 'second', T0 + 1, TTL)).toBeUndefined();
      expect((await h.store.getMailbox('mbx_1'))?.dirty).toBe(true);
      await h.store.releaseLease(lease, T0 + 2, { force: true });
      const next = await h.store.acquireLease('mbx_1', 'third', T0 + 3, TTL);
      expect(next!.token).toBeGreaterThan(lease.token);
      // taking the lease clears the flag: the new holder reads history anyway
      expect((await h.store.getMailbox('mbx_1'))?.dirty).toBe(false);
    });

    it('lets an expired lease be taken over and fences the old holder out of every write', async () => {
      const { h, lease } = await held();
      const later = T0 + TTL + 1;
      const takeover = await h.store.acquireLease('mbx_1', 'takeover', later, TTL);
      expect(takeover!.token).toBeGreaterThan(lease.token);
      const before = await h.store.getMailbox('mbx_1');
      await expect(h.store.renewLease(lease, later, TTL)).rejects.toBeInstanceOf(LeaseLostError);
      await expect(
        h.store.commit(lease, later, ctx, upsert('m1'), { expectedCursor: null, cursor: '100' }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      await expect(
        h.store.updateMailbox(lease, later, { syncState: 'failed' }, [mailboxEvent('evt_x')]),
      ).rejects.toBeInstanceOf(LeaseLostError);
      await expect(h.store.releaseLease(lease, later)).rejects.toBeInstanceOf(LeaseLostError);
      expect(await h.store.getMailbox('mbx_1')).toEqual(before);
      expect(await h.events('mbx_1')).toEqual([]);
      expect(await h.messageIds('mbx_1')).toEqual([]);
      // the new holder is unaffected
      await h.store.commit(takeover!, later, ctx, upsert('m1'), { expectedCursor: null, cursor: '100' });
      expect(await h.messageIds('mbx_1')).toEqual(['m1']);
    });

    it('refuses writes under a lease that expired even when nobody took it over', async () => {
      const { h, lease } = await held();
      await expect(
        h.store.commit(lease, T0 + TTL, ctx, upsert('m1'), { expectedCursor: null, cursor: '100' }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      expect((await h.store.getMailbox('mbx_1'))?.cursor).toBeNull();
    });

    it('keeps a renewed lease past its first expiry, for its holder only', async () => {
      const { h, lease } = await held();
      const renewed = await h.store.renewLease(lease, T0 + TTL / 2, TTL);
      expect(renewed).toMatchObject({ token: lease.token, expiresAt: T0 + TTL / 2 + TTL });
      const afterFirstExpiry = T0 + TTL + 1;
      expect(await h.store.acquireLease('mbx_1', 'second', afterFirstExpiry, TTL)).toBeUndefined();
      await h.store.commit(renewed, afterFirstExpiry, ctx, upsert('m1'), {
        expectedCursor: null,
        cursor: '100',
      });
      expect((await h.store.getMailbox('mbx_1'))?.cursor).toBe('100');
    });

    it('commits state, events with consecutive seq and the cursor together, from the expected cursor only', async () => {
      const { h, lease } = await held();
      const first = await h.store.commit(lease, T0, ctx, upsert('m1'), {
        expectedCursor: null,
        cursor: '100',
      });
      expect(first).toEqual({ events: 2, messagesWritten: 1, messagesDeleted: 0 });
      expect(await h.messageIds('mbx_1')).toEqual(['m1']);
      expect((await h.events('mbx_1')).map((e) => [e.seq, e.type])).toEqual([
        [1, 'message.created'],
        [2, 'thread.created'],
      ]);
      expect(await h.store.getMailbox('mbx_1')).toMatchObject({ cursor: '100', nextSeq: 3 });

      // read from a cursor that is no longer the stored one: nothing of it is written
      await expect(
        h.store.commit(lease, T0, ctx, upsert('m2'), { expectedCursor: null, cursor: '110' }),
      ).rejects.toBeInstanceOf(StaleCursorError);
      expect(await h.messageIds('mbx_1')).toEqual(['m1']);
      expect(await h.events('mbx_1')).toHaveLength(2);
      expect((await h.store.getMailbox('mbx_1'))?.cursor).toBe('100');

      await h.store.commit(
        lease,
        T0,
        { ...ctx, fromPosition: '100' },
        { upserts: [], deletes: ['m1'], generation: 0 },
        { expectedCursor: '100', cursor: '120', mailboxFields: { syncState: 'healthy' } },
      );
      await h.store.updateMailbox(lease, T0, { syncState: 'lagging' }, [mailboxEvent('evt_synced')]);
      expect(await h.messageIds('mbx_1')).toEqual([]);
      expect((await h.events('mbx_1')).map((e) => [e.seq, e.type])).toEqual([
        [1, 'message.created'],
        [2, 'thread.created'],
        [3, 'message.deleted'],
        [4, 'thread.deleted'],
        [5, 'mailbox.synced'],
      ]);
      expect(await h.store.getMailbox('mbx_1')).toMatchObject({
        cursor: '120',
        nextSeq: 6,
        syncState: 'lagging',
      });
    });

    it('runs the holder again for a wakeup that lands just before release, and lets go once none came', async () => {
      const { h, lease } = await held();
      // a push marks the mailbox dirty while the holder finishes
      await h.store.markDirty('mbx_1', '150');
      expect(await h.store.releaseLease(lease, T0 + 1)).toEqual({ rerun: true });
      expect(await h.store.getMailbox('mbx_1')).toMatchObject({ dirty: false, hintHistoryId: '150' });
      // still held: another trigger is turned away and leaves its wakeup behind, just before the next release
      expect(await h.store.acquireLease('mbx_1', 'trigger', T0 + 2, TTL)).toBeUndefined();
      expect(await h.store.releaseLease(lease, T0 + 3)).toEqual({ rerun: true });
      await h.store.commit(lease, T0 + 4, ctx, nothing, { expectedCursor: null, cursor: '150' });
      expect(await h.store.releaseLease(lease, T0 + 5)).toEqual({ rerun: false });
      // released: the lease is free, and the old holder can no longer write
      await expect(
        h.store.commit(lease, T0 + 6, ctx, nothing, { expectedCursor: '150', cursor: '160' }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      expect(await h.store.acquireLease('mbx_1', 'next', T0 + 6, TTL)).toBeDefined();
    });

    it('lets a forced release go even when dirty, leaving the wakeup to the next holder', async () => {
      const { h, lease } = await held();
      await h.store.markDirty('mbx_1', null);
      expect(await h.store.releaseLease(lease, T0 + 1, { force: true })).toEqual({ rerun: false });
      expect((await h.store.getMailbox('mbx_1'))?.dirty).toBe(true);
      expect(await h.store.acquireLease('mbx_1', 'next', T0 + 2, TTL)).toBeDefined();
    });

    it('never loses a trigger racing the release: either the trigger gets the lease or the holder runs again', async () => {
      const { h, lease } = await held();
      const [released, trigger] = await Promise.all([
        h.store.releaseLease(lease, T0 + 1),
        h.store.acquireLease('mbx_1', 'trigger', T0 + 1, TTL),
      ]);
      expect(released.rerun === true ? trigger === undefined : trigger !== undefined).toBe(true);
    });

    it('keeps the highest hinted history id', async () => {
      const h = await make();
      await h.addMailbox('mbx_1');
      await h.store.markDirty('mbx_1', '200');
      await h.store.markDirty('mbx_1', '150');
      await h.store.markDirty('mbx_1', null);
      expect(await h.store.getMailbox('mbx_1')).toMatchObject({ dirty: true, hintHistoryId: '200' });
      await h.store.markDirty('mbx_1', '1000');
      expect((await h.store.getMailbox('mbx_1'))?.hintHistoryId).toBe('1000');
    });

    it('lists the messages a full sync of a newer generation has not seen, at most the limit', async () => {
      const { h, lease } = await held();
      await h.store.commit(lease, T0, ctx, upsert('m1', 'm2', 'm3'), { expectedCursor: null });
      // generation 2 sees m1 unchanged (only stamped) and m3 changed, not m2
      await h.store.commit(
        lease,
        T0,
        { ...ctx, fromPosition: 'full:2' },
        { upserts: [message('m1'), message('m3', { labelIds: ['STARRED'] })], deletes: [], generation: 2 },
        { expectedCursor: null },
      );
      expect(await h.store.listUnstamped('mbx_1', 2, 10)).toEqual(['m2']);
      expect(await h.store.listUnstamped('mbx_1', 3, 2)).toHaveLength(2);
    });

    it('records a finished run, but none for a mailbox being deleted', async () => {
      const h = await make();
      await h.addMailbox('mbx_1');
      await h.store.recordRun(run('run_1'));
      expect((await h.runs('mbx_1')).map((r) => r.id)).toEqual(['run_1']);
      await h.markDeleting('mbx_1');
      await h.store.recordRun(run('run_2'));
      expect((await h.runs('mbx_1')).map((r) => r.id)).toEqual(['run_1']);
    });
  });
}
