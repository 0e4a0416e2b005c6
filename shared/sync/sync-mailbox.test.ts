import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { ReconnectRequiredError, RetryAfterError } from '../core/errors.js';
import { SequentialIds } from '../core/ids.js';
import type { MailmonEvent } from '../events/event.js';
import { type SyncDeps, syncMailbox } from './sync-mailbox.js';
import { FakeGmail } from './testing/fake-gmail.js';
import { MemorySyncStore } from './testing/memory-sync-store.js';
import { replayEvents } from './testing/replay.js';

function setup(options: SyncDeps['options'] = {}) {
  const clock = new ManualClock();
  const gmail = new FakeGmail();
  const store = new MemorySyncStore();
  store.addMailbox({ id: 'mbx_1' });
  const slept: number[] = [];
  const deps: SyncDeps = {
    store,
    gmailFor: async () => gmail,
    clock,
    ids: new SequentialIds(),
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms);
    },
    options: { listPageSize: 3, ...options },
  };
  return { clock, gmail, store, deps, slept, data: () => store.data('mbx_1') };
}

type Setup = ReturnType<typeof setup>;

function expectMirrorEqualsGmail(t: Setup) {
  const d = t.data();
  const gmail = [...t.gmail.messages.values()].map((m) => [m.id, m.threadId, [...m.labelIds].sort()]).sort();
  const mirror = [...d.messages.values()].map((m) => [m.id, m.threadId, m.labelIds]).sort();
  expect(mirror).toEqual(gmail);
  const threads = [...new Set([...t.gmail.messages.values()].map((m) => m.threadId))].sort();
  expect([...d.threads.keys()].sort()).toEqual(threads);
  const replayed = replayEvents(d.events);
  expect([...replayed.messages].map(([id, m]) => [id, m.threadId, m.labelIds]).sort()).toEqual(gmail);
  expect([...replayed.threads].sort()).toEqual(threads);
  const seqs = d.events.map((e) => e.seq);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
}

function types(events: MailmonEvent[]) {
  return events.map((e) => e.type);
}

describe('syncMailbox', () => {
  it('mirrors every message and thread on the initial sync, then reports the mailbox synced', async () => {
    const t = setup();
    for (let i = 0; i < 7; i += 1) t.gmail.add({ threadId: `t${i % 3}` });
    const outcome = await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expect(outcome.outcome).toBe('succeeded');
    expectMirrorEqualsGmail(t);
    const d = t.data();
    expect(types(d.events).filter((x) => x === 'message.created')).toHaveLength(7);
    expect(types(d.events).filter((x) => x === 'thread.created')).toHaveLength(3);
    expect(types(d.events).at(-1)).toBe('mailbox.synced');
    expect(d.state.cursor).toBe((await t.gmail.getProfile()).historyId);
    expect(d.state.fullSync).toBeNull();
    expect(d.state.syncState).toBe('healthy');
    expect(t.store.runs.at(-1)).toMatchObject({
      kind: 'initial',
      outcome: 'succeeded',
      previousCursor: null,
    });
  });

  it('applies adds, label changes, trash and deletes incrementally, with delete and thread events', async () => {
    const t = setup();
    const a = t.gmail.add({ threadId: 'ta' });
    const b = t.gmail.add({ threadId: 'ta' });
    const c = t.gmail.add({ threadId: 'tc' });
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    const before = t.data().events.length;
    t.gmail.relabel(a.id, ['STARRED'], ['UNREAD']);
    t.gmail.trash(b.id);
    t.gmail.delete(c.id);
    t.gmail.add({ threadId: 'td' });
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expectMirrorEqualsGmail(t);
    const fresh = types(t.data().events.slice(before));
    expect(fresh).toEqual(
      expect.arrayContaining([
        'message.updated',
        'message.updated',
        'message.deleted',
        'message.created',
        'thread.deleted',
        'thread.created',
        'thread.updated',
      ]),
    );
    const updated = t
      .data()
      .events.find(
        (e) => e.type === 'message.updated' && (e.data as { messageId: string }).messageId === a.id,
      );
    expect(updated?.data).toMatchObject({
      labelIds: ['INBOX', 'STARRED'],
      previousLabelIds: ['INBOX', 'UNREAD'],
    });
  });

  it('lets a delete win over earlier changes of the same message in one history window', async () => {
    const t = setup();
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    const m = t.gmail.add();
    t.gmail.relabel(m.id, ['STARRED'], []);
    t.gmail.delete(m.id);
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expectMirrorEqualsGmail(t);
    expect(t.gmail.calls.getMessage).toBe(0);
    expect(types(t.data().events).filter((x) => x.startsWith('message.'))).toEqual([]);
  });

  it('treats a duplicate or stale wakeup as a cheap no-op', async () => {
    const t = setup();
    t.gmail.add();
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    const events = t.data().events.length;
    const calls = { ...t.gmail.calls };
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expect(t.data().events.length).toBe(events);
    expect(t.gmail.calls).toEqual({ ...calls, listHistory: calls.listHistory + 1 });
  });

  it('records a sync that finds nothing new as a success: a lagging mailbox turns healthy and loses its error', async () => {
    const t = setup();
    t.gmail.add();
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    const state = t.data().state;
    state.syncState = 'lagging';
    state.hasError = true;
    t.clock.advance(5_000);
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expect(t.data().state).toMatchObject({
      syncState: 'healthy',
      hasError: false,
      lastSuccessfulSyncAt: t.clock.now(),
    });
    expect(t.data().extra).toMatchObject({ lastError: null, lastSuccessfulSyncAt: t.clock.now() });
  });

  it('lets a quiet healthy mailbox record its last success at most once a minute', async () => {
    const t = setup();
    t.gmail.add();
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    const first = t.data().state.lastSuccessfulSyncAt;
    t.clock.advance(59_000);
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expect(t.data().state.lastSuccessfulSyncAt).toBe(first);
    t.clock.advance(1_000);
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expect(t.data().state.lastSuccessfulSyncAt).toBe(t.clock.now());
  });

  it('deletes messages that vanished during an expired-cursor resync, and unchanged messages emit nothing', async () => {
    const t = setup();
    const keep = t.gmail.add({ threadId: 'tk' });
    const gone = t.gmail.add({ threadId: 'tg' });
    const relabelled = t.gmail.add({ threadId: 'tr' });
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    const before = t.data().events.length;
    t.gmail.delete(gone.id);
    t.gmail.relabel(relabelled.id, ['IMPORTANT'], []);
    t.gmail.expireHistory();
    const outcome = await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expect(outcome.outcome).toBe('succeeded');
    expectMirrorEqualsGmail(t);
    const fresh = t.data().events.slice(before);
    expect(types(fresh)).toEqual([
      'mailbox.resync_started',
      'message.updated',
      'thread.updated',
      'message.deleted',
      'thread.deleted',
      'mailbox.synced',
    ]);
    expect(fresh.some((e) => (e.data as { messageId?: string }).messageId === keep.id)).toBe(false);
    expect(t.store.runs.at(-1)).toMatchObject({ kind: 'resync', outcome: 'succeeded' });
  });

  it('turns a revoked grant into reconnect_required with its event, without retrying', async () => {
    const t = setup();
    t.gmail.add();
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    t.gmail.revoked = true;
    const calls = t.gmail.calls.listHistory;
    const outcome = await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expect(outcome.outcome).toBe('reconnect_required');
    // one attempt, no retries
    expect(t.gmail.calls.listHistory).toBe(calls + 1);
    expect(t.data().state.status).toBe('reconnect_required');
    expect(types(t.data().events).at(-1)).toBe('mailbox.reconnect_required');
    expect(t.slept).toEqual([]);
    expect(await syncMailbox(t.deps, { mailboxId: 'mbx_1' })).toMatchObject({ outcome: 'skipped' });
  });

  it('marks a mailbox whose credential is missing reconnect_required and lets go of its lease', async () => {
    const t = setup();
    t.gmail.add();
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    const missing = {
      ...t.deps,
      gmailFor: () => Promise.reject(new ReconnectRequiredError('The mailbox has no stored credential')),
    };
    expect(await syncMailbox(missing, { mailboxId: 'mbx_1' })).toMatchObject({
      outcome: 'reconnect_required',
    });
    expect(t.data().state.status).toBe('reconnect_required');
    expect(t.data().extra.lastError).toMatchObject({ code: 'reconnect_required' });
    expect(types(t.data().events).at(-1)).toBe('mailbox.reconnect_required');
    expect(t.store.runs.at(-1)).toMatchObject({ outcome: 'reconnect_required' });
    expect(t.data().lease?.released).toBe(true);

    // an unexpected failure to open the credential is recorded as a failed sync, and the lease is let go too
    t.data().state.status = 'active';
    const broken = { ...t.deps, gmailFor: () => Promise.reject(new Error('KMS unavailable')) };
    await expect(syncMailbox(broken, { mailboxId: 'mbx_1' })).rejects.toThrow('KMS unavailable');
    expect(t.data().extra.lastError).toMatchObject({ code: 'sync_failed' });
    expect(t.data().lease?.released).toBe(true);
  });

  it('shows customers what a typed error says, but not the message of an unexpected one', async () => {
    const t = setup();
    t.gmail.add();
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    t.gmail.listHistory = async () => {
      throw new Error('RESOURCE_EXHAUSTED projects/p/databases/(default) internal detail');
    };
    await expect(syncMailbox(t.deps, { mailboxId: 'mbx_1' })).rejects.toThrow('internal detail');
    const shown = JSON.stringify([t.data().extra.lastError, t.store.runs.at(-1)]);
    expect(shown).not.toContain('internal detail');
    expect(t.data().extra.lastError).toMatchObject({
      code: 'sync_failed',
      message: expect.stringContaining('logs'),
    });

    t.gmail.listHistory = async () => {
      throw new RetryAfterError('Gmail listHistory failed (429 rateLimitExceeded)', 60_000);
    };
    await expect(
      syncMailbox({ ...t.deps, options: { maxRetries: 0 } }, { mailboxId: 'mbx_1' }),
    ).rejects.toThrow();
    expect(t.data().extra.lastError).toMatchObject({
      code: 'retry_later',
      message: 'Gmail listHistory failed (429 rateLimitExceeded)',
    });
  });

  it('backs off through a 429 storm honouring Retry-After, then finishes', async () => {
    const t = setup();
    for (let i = 0; i < 4; i += 1) t.gmail.add();
    t.gmail.failNext = 3;
    t.gmail.retryAfterMs = 5000;
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expectMirrorEqualsGmail(t);
    expect(t.slept.length).toBeGreaterThanOrEqual(3);
    expect(t.slept.slice(0, 3).every((ms) => ms >= 5000)).toBe(true);
  });

  it('gives the work back when the storm outlasts its budget, and resumes from the checkpoint', async () => {
    const t = setup({ maxRetries: 2 });
    for (let i = 0; i < 9; i += 1) t.gmail.add();
    let listed = 0;
    const listMessages = t.gmail.listMessages.bind(t.gmail);
    t.gmail.listMessages = async (token, size) => {
      listed += 1;
      if (listed === 2) t.gmail.failNext = 10;
      return listMessages(token, size);
    };
    await expect(syncMailbox(t.deps, { mailboxId: 'mbx_1' })).rejects.toBeInstanceOf(RetryAfterError);
    expect(t.data().state.fullSync?.pageToken).toBe('3');
    expect(t.data().state.syncState).toBe('lagging');
    t.gmail.failNext = 0;
    const fetchedBefore = t.gmail.calls.getMessage;
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expectMirrorEqualsGmail(t);
    expect(t.gmail.calls.getMessage - fetchedBefore).toBe(6);
  });

  it('marks the mailbox dirty when the lease is held, and the holder runs again before letting go', async () => {
    const t = setup();
    t.gmail.add();
    const getProfile = t.gmail.getProfile.bind(t.gmail);
    let second: Awaited<ReturnType<typeof syncMailbox>> | undefined;
    t.gmail.getProfile = async () => {
      second ??= await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
      t.gmail.add();
      return getProfile();
    };
    const first = await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expect(second?.outcome).toBe('busy');
    expect(first).toMatchObject({ outcome: 'succeeded', runs: 2 });
    expectMirrorEqualsGmail(t);
  });

  it('stops committing once its lease was taken over (fencing)', async () => {
    const t = setup({ leaseTtlMs: 1000 });
    for (let i = 0; i < 6; i += 1) t.gmail.add();
    const getMessage = t.gmail.getMessage.bind(t.gmail);
    let stolen = false;
    t.gmail.getMessage = async (id) => {
      if (!stolen) {
        stolen = true;
        t.clock.advance(2000);
        await t.store.acquireLease('mbx_1', 'intruder', t.clock.now(), 60_000);
      }
      return getMessage(id);
    };
    const outcome = await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    expect(outcome.outcome).toBe('lease_lost');
    expect(t.data().messages.size).toBe(0);
    expect(t.data().events).toEqual([]);
  });

  it('converges after a crash at any commit, never emitting one event id with two contents', async () => {
    for (let crashAt = 1; crashAt <= 8; crashAt += 1) {
      const t = setup();
      for (let i = 0; i < 5; i += 1) t.gmail.add({ threadId: `t${i % 2}` });
      await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
      t.gmail.add({ threadId: 't0' });
      t.gmail.relabel('m00001', ['STARRED'], []);
      t.gmail.delete('m00002');
      t.gmail.expireHistory();
      t.gmail.add();
      let commits = 0;
      t.store.beforeCommit = () => {
        commits += 1;
        if (commits === crashAt) throw new Error('crash');
      };
      await syncMailbox(t.deps, { mailboxId: 'mbx_1' }).catch(() => undefined);
      t.store.beforeCommit = undefined;
      const cursorAfterCrash = t.data().state.cursor;
      await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
      expectMirrorEqualsGmail(t);
      const byId = new Map<string, string>();
      for (const e of t.data().events) {
        const content = JSON.stringify([e.type, e.data]);
        expect(byId.get(e.id) ?? content).toBe(content);
        byId.set(e.id, content);
      }
      expect(BigInt(cursorAfterCrash ?? '0')).toBeLessThanOrEqual(BigInt(t.data().state.cursor!));
    }
  });

  it('keeps the mirror equal to Gmail under any interleaving of changes and syncs (property)', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), thread: fc.integer({ min: 0, max: 3 }) }),
      fc.record({
        kind: fc.constant('label' as const),
        pick: fc.nat(),
        label: fc.constantFrom('STARRED', 'IMPORTANT', 'UNREAD'),
      }),
      fc.record({ kind: fc.constant('trash' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('expire' as const) }),
      fc.record({ kind: fc.constant('sync' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const t = setup();
        const pick = (n: number) => [...t.gmail.messages.keys()][n % Math.max(1, t.gmail.messages.size)];
        for (const o of ops) {
          if (o.kind === 'add') t.gmail.add({ threadId: `t${o.thread}` });
          if (o.kind === 'label') {
            const id = pick(o.pick);
            if (id)
              t.gmail.relabel(id, t.gmail.messages.get(id)!.labelIds.includes(o.label) ? [] : [o.label], [
                o.label,
              ]);
          }
          if (o.kind === 'trash') {
            const id = pick(o.pick);
            if (id) t.gmail.trash(id);
          }
          if (o.kind === 'delete') {
            const id = pick(o.pick);
            if (id) t.gmail.delete(id);
          }
          if (o.kind === 'expire') t.gmail.expireHistory();
          if (o.kind === 'sync') await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
        }
        await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
        expectMirrorEqualsGmail(t);
      }),
      { numRuns: 300, seed: 20261124 },
    );
  });
});
