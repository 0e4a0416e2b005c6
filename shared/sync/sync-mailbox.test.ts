import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { ReconnectRequiredError, RetryAfterError } from '../core/errors.js';
import { SequentialIds } from '../core/ids.js';
import type { MailmonEvent } from '../events/event.js';
import { DEFAULT_SYNC_OPTIONS, type SyncDeps, syncMailbox } from './sync-mailbox.js';
import { CrashingStore, crashPoints, InjectedCrash, STORE_WRITES } from './testing/crashing-store.js';
import { FakeGmail } from './testing/fake-gmail.js';
import { MemorySyncStore } from './testing/memory-sync-store.js';
import { conflictingEventIds, replayEvents } from './testing/replay.js';
import { HazardTally, hazardOps, syncGivingBack, syncUnder } from './testing/sync-hazards.js';

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

/** State and events are written together: replaying the events gives exactly the mirror. */
function expectEventsDescribeMirror(t: Setup) {
  const d = t.data();
  const replayed = replayEvents(d.events);
  const mirror = [...d.messages.values()].map((m) => [m.id, m.threadId, m.labelIds]).sort();
  expect([...replayed.messages].map(([id, m]) => [id, m.threadId, m.labelIds]).sort()).toEqual(mirror);
  expect([...replayed.threads].sort()).toEqual([...d.threads.keys()].sort());
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

  it('keeps the mirror equal to Gmail under any interleaving of changes, syncs, crashes, faults, takeovers and concurrent triggers (property)', async () => {
    const TTL = DEFAULT_SYNC_OPTIONS.leaseTtlMs;
    // changes outnumber syncs, so a sync often spans several history pages of two records
    const op = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ kind: fc.constant('add' as const), thread: fc.integer({ min: 0, max: 3 }) }),
      },
      // toggles: adds the label when the message lacks it, removes it (UNREAD and INBOX included) otherwise
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('label' as const),
          pick: fc.nat(),
          label: fc.constantFrom('STARRED', 'IMPORTANT', 'UNREAD', 'INBOX'),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('trash' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const) }) },
      // crashes, lease takeovers and concurrent triggers
      ...hazardOps({ writes: 10, calls: 8 }, 2),
      // Gmail answers 429/5xx a few times; with few retries allowed the sync gives the work back
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('fault' as const),
          failures: fc.integer({ min: 1, max: 4 }),
          retries: fc.integer({ min: 0, max: 3 }),
          retryAfterMs: fc.constantFrom(0, 1_000, 30_000, 120_000),
        }),
      },
    );
    const tally = new HazardTally();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const t = setup();
        t.gmail.historyPageSize = 2;
        const sync = () => syncMailbox(t.deps, { mailboxId: 'mbx_1' });
        const target = {
          deps: t.deps,
          mailboxId: 'mbx_1',
          store: t.store,
          clock: t.clock,
          change: async () => void t.gmail.add(),
        };
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
          if (o.kind === 'sync') await sync();
          if (o.kind === 'fault') {
            t.gmail.failNext = o.failures;
            t.gmail.retryAfterMs = o.retryAfterMs;
            await syncGivingBack(target, tally, {
              ...t.deps,
              options: { ...t.deps.options, maxRetries: o.retries },
            });
            t.gmail.failNext = 0;
          }
          if (o.kind === 'crash' || o.kind === 'takeover' || o.kind === 'concurrent')
            await syncUnder(o, target, tally);
        }
        t.clock.advance(TTL + 1);
        expect((await sync()).outcome).toBe('succeeded');
        expectMirrorEqualsGmail(t);
        expect(conflictingEventIds(t.data().events)).toEqual([]);
      }),
      { numRuns: 3000, seed: 20261124 },
    );
    tally.expectEachSeen();
  });
});

/** Mailbox states to crash a sync from: each prepares Gmail and the mirror, the next sync is the one crashed. */
const crashScenarios: Record<string, (t: Setup) => Promise<void>> = {
  'an initial sync over several pages': async (t) => {
    for (let i = 0; i < 7; i += 1) t.gmail.add({ threadId: `t${i % 3}` });
  },
  'an incremental sync over several history pages': async (t) => {
    for (let i = 0; i < 5; i += 1) t.gmail.add({ threadId: `t${i % 2}` });
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    t.gmail.add({ threadId: 't0' });
    t.gmail.relabel('m00001', ['STARRED'], []);
    t.gmail.delete('m00002');
    t.gmail.add();
    t.gmail.relabel('m00003', [], ['UNREAD']);
    t.gmail.trash('m00004');
  },
  'a reconciling resync after expired history': async (t) => {
    for (let i = 0; i < 5; i += 1) t.gmail.add({ threadId: `t${i % 2}` });
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    t.gmail.add({ threadId: 't0' });
    t.gmail.relabel('m00001', ['STARRED'], []);
    t.gmail.delete('m00002');
    t.gmail.expireHistory();
    t.gmail.add();
  },
  'a revoked grant': async (t) => {
    t.gmail.add();
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    t.gmail.revoked = true;
  },
  'a quiet mailbox recording its success': async (t) => {
    t.gmail.add();
    await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
    t.clock.advance(120_000);
  },
};

describe('syncMailbox after a crash', () => {
  it.each(Object.keys(crashScenarios))(
    'converges from a crash before and after every store write of %s, each crash firing',
    async (scenario) => {
      const prepare = crashScenarios[scenario]!;
      const dry = setup();
      await prepare(dry);
      const probe = new CrashingStore(dry.store);
      await syncMailbox({ ...dry.deps, store: probe.store }, { mailboxId: 'mbx_1' });
      const points = crashPoints(probe.writes);
      const log: string[] = [];
      for (const point of points) {
        const t = setup();
        await prepare(t);
        const before = t.data().state.cursor;
        const crashing = new CrashingStore(t.store, point);
        await expect(
          syncMailbox({ ...t.deps, store: crashing.store }, { mailboxId: 'mbx_1' }),
        ).rejects.toBeInstanceOf(InjectedCrash);
        expect(crashing.fired).toEqual(point);
        // what the crash left: the cursor moved only with committed state, and the events describe the mirror
        expect(t.data().state.cursor).toBe(crashing.lastCommittedCursor(before));
        expectEventsDescribeMirror(t);
        // the dead holder's lease runs out; the next sync takes over and finishes the work
        t.clock.advance(DEFAULT_SYNC_OPTIONS.leaseTtlMs + 1);
        await syncMailbox(t.deps, { mailboxId: 'mbx_1' });
        expectMirrorEqualsGmail(t);
        expect(conflictingEventIds(t.data().events)).toEqual([]);
        if (t.gmail.revoked) {
          expect(t.data().state.status).toBe('reconnect_required');
          expect(types(t.data().events).filter((x) => x === 'mailbox.reconnect_required')).toHaveLength(1);
        } else expect(t.data().state).toMatchObject({ syncState: 'healthy', fullSync: null });
        log.push(`  #${point.n} ${point.when} ${point.method}: fired, converged`);
      }
      console.info(`crash points of ${scenario} (${points.length}, each fired):\n${log.join('\n')}`);
      expect(points.length).toBeGreaterThan(0);
      expect(points.filter((p) => p.method === 'commit' || p.method === 'updateMailbox')).not.toEqual([]);
    },
  );

  it('crashes in updateMailbox as well as in commit across the scenarios', async () => {
    const methods = new Set<string>();
    for (const prepare of Object.values(crashScenarios)) {
      const t = setup();
      await prepare(t);
      const probe = new CrashingStore(t.store);
      await syncMailbox({ ...t.deps, store: probe.store }, { mailboxId: 'mbx_1' });
      for (const w of probe.writes) methods.add(w.method);
    }
    expect([...methods].sort()).toEqual([...STORE_WRITES].sort());
  });
});
