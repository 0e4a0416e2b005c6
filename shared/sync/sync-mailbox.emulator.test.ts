import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryAfterError } from '../core/errors.js';
import { DEFAULT_SYNC_OPTIONS, syncMailbox } from './sync-mailbox.js';
import { CrashingStore, crashPoints, InjectedCrash } from './testing/crashing-store.js';
import { type EmulatorWorld, startEmulatorWorld } from './testing/emulator-world.js';
import { conflictingEventIds, replayEvents } from './testing/replay.js';
import { HazardTally, hazardOps, syncGivingBack, syncUnder } from './testing/sync-hazards.js';

let world: EmulatorWorld;
beforeAll(async () => {
  world = await startEmulatorWorld();
});
afterAll(() => world.close());

const message = (subject: string, threadId?: string) => ({
  from: 'sender@example.com',
  to: 'user@example.com',
  subject,
  text: `body of ${subject}`,
  ...(threadId ? { threadId } : {}),
});

async function expectConverged(mailboxId: string, email: string) {
  const gmailView = await world.gmailView(email);
  expect(await world.mirrorView(mailboxId)).toEqual(gmailView);
  expect(await world.threadIds(mailboxId)).toEqual(
    [...new Set(gmailView.map(([, threadId]) => threadId!))].sort(),
  );
  const events = await world.events(mailboxId);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  const replayed = replayEvents(events);
  expect([...replayed.messages].map(([id, m]) => [id, m.threadId, m.labelIds.join(',')]).sort()).toEqual(
    gmailView,
  );
  return events;
}

type TestMailbox = Awaited<ReturnType<EmulatorWorld['newMailbox']>>;

/**
 * Mailbox states to crash a sync from: each prepares Gmail and the mirror (the next sync is the one crashed)
 * and names the store writes that sync makes.
 */
const crashScenarios: Record<
  string,
  { writes: ('commit' | 'updateMailbox')[]; prepare(m: TestMailbox): Promise<void> }
> = {
  'an incremental sync over two history pages': {
    writes: ['commit'],
    prepare: async ({ email, mailboxId, deps }) => {
      const a = await world.gmail.admin.addMessage(email, message('a'));
      const b = await world.gmail.admin.addMessage(email, message('b', a.threadId));
      const c = await world.gmail.admin.addMessage(email, message('c'));
      await syncMailbox(deps, { mailboxId });
      // six history records: two pages of five
      await world.gmail.admin.addMessage(email, message('d', a.threadId));
      await world.gmail.admin.modifyMessage(email, a.id, { addLabelIds: ['STARRED'] });
      await world.gmail.admin.modifyMessage(email, b.id, { removeLabelIds: ['INBOX'] });
      await world.gmail.admin.trashMessage(email, c.id);
      await world.gmail.admin.deleteMessage(email, b.id);
      await world.gmail.admin.addMessage(email, message('e'));
    },
  },
  'a reconciling resync after expired history': {
    writes: ['commit', 'updateMailbox'],
    prepare: async ({ email, mailboxId, deps }) => {
      const a = await world.gmail.admin.addMessage(email, message('a'));
      const gone = await world.gmail.admin.addMessage(email, message('gone', a.threadId));
      await syncMailbox(deps, { mailboxId });
      await world.gmail.admin.deleteMessage(email, gone.id);
      await world.gmail.admin.modifyMessage(email, a.id, { addLabelIds: ['IMPORTANT'] });
      // six messages: two listing pages of five
      for (let i = 0; i < 5; i += 1) await world.gmail.admin.addMessage(email, message(`new${i}`));
      await world.gmail.admin.expireHistory(email);
    },
  },
  'a revoked grant': {
    writes: ['updateMailbox'],
    prepare: async ({ email, mailboxId, deps }) => {
      await world.gmail.admin.addMessage(email, message('r'));
      await syncMailbox(deps, { mailboxId });
      await world.gmail.admin.revoke(email);
    },
  },
};
const scenarioIds = Object.fromEntries(Object.keys(crashScenarios).map((name, i) => [name, `s${i}`]));

describe('syncMailbox on Firestore and the Gmail emulator', () => {
  it('keeps the mirror equal to Gmail under any interleaving of changes, syncs, crashes, faults, takeovers and concurrent triggers (200 seeded cases)', async () => {
    const TTL = DEFAULT_SYNC_OPTIONS.leaseTtlMs;
    const op = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ kind: fc.constant('add' as const), thread: fc.integer({ min: 0, max: 2 }) }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('label' as const),
          pick: fc.nat(),
          label: fc.constantFrom('STARRED', 'IMPORTANT', 'UNREAD'),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('unlabel' as const),
          pick: fc.nat(),
          label: fc.constantFrom('INBOX', 'UNREAD', 'STARRED'),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('trash' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const) }) },
      // crashes, lease takeovers and concurrent triggers
      ...hazardOps({ writes: 8, calls: 6 }),
      // Gmail's next calls fail with 429/5xx; with few retries allowed the sync gives the work back
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('fault' as const),
          statuses: fc.array(fc.constantFrom(429 as const, 500 as const, 503 as const), {
            minLength: 1,
            maxLength: 3,
          }),
          retries: fc.integer({ min: 0, max: 3 }),
        }),
      },
    );
    const tally = new HazardTally();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        n += 1;
        const { mailboxId, email, deps } = await world.newMailbox(`prop${n}@example.com`);
        const admin = world.gmail.admin;
        const sync = (d = deps) => syncMailbox(d, { mailboxId });
        // what Gmail holds, so every admin call is one Gmail accepts: a failed call fails the case
        const live = new Map<string, string>();
        const threads: (string | undefined)[] = [undefined, undefined, undefined];
        const pick = (k: number) => [...live.keys()][k % Math.max(1, live.size)];
        const add = async (thread: number) => {
          // a thread whose messages were all deleted is gone in Gmail too: start a new one
          const threadId = [...live.values()].includes(threads[thread]!) ? threads[thread] : undefined;
          const added = await admin.addMessage(email, message(`m${n}.${live.size}`, threadId));
          threads[thread] = added.threadId;
          live.set(added.id, added.threadId);
        };
        const target = {
          deps,
          mailboxId,
          store: world.store,
          clock: world.clock,
          change: () => add(0),
        };
        for (const o of ops) {
          if (o.kind === 'add') await add(o.thread);
          else if (o.kind === 'expire') await admin.expireHistory(email);
          else if (o.kind === 'sync') await sync();
          else if (o.kind === 'fault') {
            await admin.setFaults({ failNext: o.statuses });
            await syncGivingBack(target, tally, {
              ...deps,
              options: { ...deps.options, maxRetries: o.retries },
            });
            await admin.setFaults({});
          } else if (o.kind === 'crash' || o.kind === 'takeover' || o.kind === 'concurrent') {
            await syncUnder(o, target, tally);
          } else {
            const id = pick(o.pick);
            if (!id) continue;
            if (o.kind === 'label') await admin.modifyMessage(email, id, { addLabelIds: [o.label] });
            if (o.kind === 'unlabel') await admin.modifyMessage(email, id, { removeLabelIds: [o.label] });
            if (o.kind === 'trash') await admin.trashMessage(email, id);
            if (o.kind === 'delete') {
              await admin.deleteMessage(email, id);
              live.delete(id);
            }
          }
        }
        world.clock.advance(TTL + 1);
        expect((await sync()).outcome).toBe('succeeded');
        const events = await expectConverged(mailboxId, email);
        expect(conflictingEventIds(events)).toEqual([]);
      }),
      { numRuns: 200, seed: 4242 },
    );
    expect(n).toBeGreaterThanOrEqual(200);
    tally.expectEachSeen();
  }, 600_000);

  it.each(Object.keys(crashScenarios))(
    'converges from a crash before and after every commit and mailbox update of %s, each crash firing',
    async (scenario) => {
      const { prepare, writes } = crashScenarios[scenario]!;
      const counted = ['commit', 'updateMailbox'] as const;
      const dry = await world.newMailbox(`crash-dry-${scenarioIds[scenario]}@example.com`);
      await prepare(dry);
      const probe = new CrashingStore(world.store, undefined, counted);
      await syncMailbox({ ...dry.deps, store: probe.store }, { mailboxId: dry.mailboxId });
      const points = crashPoints(probe.writes);
      const log: string[] = [];
      for (const point of points) {
        const m = await world.newMailbox(
          `crash-${scenarioIds[scenario]}-${point.n}-${point.when}@example.com`,
        );
        await prepare(m);
        const before = ((await world.mailbox(m.mailboxId)).cursor ?? null) as string | null;
        const crashing = new CrashingStore(world.store, point, counted);
        await expect(
          syncMailbox({ ...m.deps, store: crashing.store }, { mailboxId: m.mailboxId }),
        ).rejects.toBeInstanceOf(InjectedCrash);
        expect(crashing.fired).toEqual(point);
        // the cursor moved only with committed state, and the events written so far describe the mirror
        expect((await world.mailbox(m.mailboxId)).cursor ?? null).toBe(crashing.lastCommittedCursor(before));
        const replayed = replayEvents(await world.events(m.mailboxId));
        expect(
          [...replayed.messages].map(([id, x]) => [id, x.threadId, x.labelIds.join(',')]).sort(),
        ).toEqual(await world.mirrorView(m.mailboxId));
        world.clock.advance(DEFAULT_SYNC_OPTIONS.leaseTtlMs + 1);
        await syncMailbox(m.deps, { mailboxId: m.mailboxId });
        const events = await expectConverged(m.mailboxId, m.email);
        expect(conflictingEventIds(events)).toEqual([]);
        if (scenario === 'a revoked grant') {
          expect((await world.mailbox(m.mailboxId)).status).toBe('reconnect_required');
          expect(events.filter((e) => e.type === 'mailbox.reconnect_required')).toHaveLength(1);
        }
        log.push(`  #${point.n} ${point.when} ${point.method}: fired, converged`);
      }
      console.info(
        `crash points of ${scenario} on Firestore (${points.length}, each fired):\n${log.join('\n')}`,
      );
      expect([...new Set(points.map((p) => p.method))].sort()).toEqual(writes);
    },
    120_000,
  );

  it('serialises 10 concurrent triggers: one holder at a time, and a trigger mid-sync is picked up', async () => {
    const { mailboxId, email, deps } = await world.newMailbox('concurrent@example.com');
    for (let i = 0; i < 6; i += 1) await world.gmail.admin.addMessage(email, message(`x${i}`));
    let active = 0;
    let maxActive = 0;
    const store = deps.store;
    const guarded = {
      ...deps,
      store: Object.assign(Object.create(Object.getPrototypeOf(store)), store, {
        acquireLease: async (...args: Parameters<typeof store.acquireLease>) => {
          const lease = await store.acquireLease(...args);
          if (lease) {
            active += 1;
            maxActive = Math.max(maxActive, active);
          }
          return lease;
        },
        releaseLease: async (...args: Parameters<typeof store.releaseLease>) => {
          const result = await store.releaseLease(...args);
          if (!result.rerun) active -= 1;
          return result;
        },
      }),
    };
    let late = false;
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        if (i === 9) {
          await world.gmail.admin.addMessage(email, message('late'));
          late = true;
        }
        return syncMailbox(guarded, { mailboxId });
      }),
    );
    expect(late).toBe(true);
    expect(maxActive).toBe(1);
    expect(outcomes.filter((o) => o.outcome === 'succeeded').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => o.outcome === 'succeeded' || o.outcome === 'busy')).toBe(true);
    await expectConverged(mailboxId, email);
  });

  it('reconciles after expired history: vanished messages are deleted with events, unchanged ones emit nothing', async () => {
    const { mailboxId, email, deps } = await world.newMailbox('expired@example.com');
    const keep = await world.gmail.admin.addMessage(email, message('keep'));
    const gone = await world.gmail.admin.addMessage(email, message('gone'));
    await syncMailbox(deps, { mailboxId });
    const before = (await world.events(mailboxId)).length;
    await world.gmail.admin.deleteMessage(email, gone.id);
    await world.gmail.admin.expireHistory(email);
    await syncMailbox(deps, { mailboxId });
    const fresh = (await expectConverged(mailboxId, email)).slice(before);
    expect(fresh.map((e) => e.type)).toEqual([
      'mailbox.resync_started',
      'message.deleted',
      'thread.deleted',
      'mailbox.synced',
    ]);
    expect(fresh.some((e) => (e.data as { messageId?: string }).messageId === keep.id)).toBe(false);
  });

  it('clears a lagging mailbox’s error when the next sync succeeds without finding anything new', async () => {
    const { mailboxId, email, deps } = await world.newMailbox('recovered@example.com');
    await world.gmail.admin.addMessage(email, message('once'));
    await syncMailbox(deps, { mailboxId });
    const lastError = { code: 'retry_later', message: 'Gmail answered 503', at: world.clock.now() };
    await world.db.collection('mailboxes').doc(mailboxId).update({ syncState: 'lagging', lastError });
    const events = (await world.events(mailboxId)).length;
    world.clock.advance(1_000);
    expect(await syncMailbox(deps, { mailboxId })).toMatchObject({ outcome: 'succeeded' });
    expect(await world.mailbox(mailboxId)).toMatchObject({
      syncState: 'healthy',
      lastError: null,
      lastSuccessfulSyncAt: world.clock.now(),
    });
    expect(await world.events(mailboxId)).toHaveLength(events);
  });

  it('marks a mailbox reconnect_required once its grant is revoked, with one event and no retries', async () => {
    const { mailboxId, email, deps } = await world.newMailbox('revoked@example.com');
    await world.gmail.admin.addMessage(email, message('r'));
    await syncMailbox(deps, { mailboxId });
    await world.gmail.admin.revoke(email);
    const outcome = await syncMailbox(deps, { mailboxId });
    expect(outcome.outcome).toBe('reconnect_required');
    const mailbox = await world.mailbox(mailboxId);
    expect(mailbox.status).toBe('reconnect_required');
    expect(mailbox.lastError).toMatchObject({ code: 'reconnect_required' });
    const events = await world.events(mailboxId);
    expect(events.filter((e) => e.type === 'mailbox.reconnect_required')).toHaveLength(1);
    expect(await syncMailbox(deps, { mailboxId })).toMatchObject({ outcome: 'skipped' });
  });

  it('rides out a 429 storm honouring Retry-After, and gives the work back when it lasts too long', async () => {
    const { mailboxId, email, deps } = await world.newMailbox('storm@example.com');
    for (let i = 0; i < 7; i += 1) await world.gmail.admin.addMessage(email, message(`s${i}`));
    world.slept.length = 0;
    await world.gmail.admin.setFaults({ failNext: [429, 429, 429] });
    await syncMailbox(deps, { mailboxId });
    expect(world.slept.length).toBeGreaterThanOrEqual(3);
    await expectConverged(mailboxId, email);

    for (let i = 0; i < 3; i += 1) await world.gmail.admin.addMessage(email, message(`t${i}`));
    await world.gmail.admin.setFaults({ failNext: Array(20).fill(429) });
    await expect(
      syncMailbox({ ...deps, options: { ...deps.options, maxRetries: 2 } }, { mailboxId }),
    ).rejects.toBeInstanceOf(RetryAfterError);
    expect(await world.mailbox(mailboxId)).toMatchObject({
      syncState: 'lagging',
      lastError: { code: 'retry_later' },
    });
    await world.gmail.admin.setFaults({});
    await syncMailbox(deps, { mailboxId });
    await expectConverged(mailboxId, email);
  });
});
