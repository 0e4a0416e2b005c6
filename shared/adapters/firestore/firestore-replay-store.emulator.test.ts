import { afterAll, describe, expect, it } from 'vitest';
import { missingIndex, readDeclaredIndexes } from '../../../emulators/harness/firestore-indexes.js';
import { newProjectId, testFirestore } from '../../../emulators/testing/index.js';
import { ManualClock } from '../../core/clock.js';
import { randomIds } from '../../core/ids.js';
import type { EventType } from '../../events/event.js';
import { RecordingQueue } from '../../tasks/testing/recording-queue.js';
import { cancelReplay } from '../../webhooks/replays/cancel-replay.js';
import { createReplay } from '../../webhooks/replays/create-replay.js';
import { dispatchReplay, dispatchReplays } from '../../webhooks/replays/dispatch-replays.js';
import { webhookEndpointFixture } from '../../webhooks/testing/webhook-endpoint-fixture.js';
import { FirestoreReadModel } from './firestore-read-model.js';
import { FirestoreReplayStore } from './firestore-replay-store.js';
import { FirestoreSubscriptionStore } from './firestore-subscription-store.js';
import { FirestoreWebhookStore } from './firestore-webhook-store.js';

const db = testFirestore(newProjectId('replays'));
afterAll(() => db.terminate());

const T0 = Date.UTC(2026, 5, 1);
const clock = new ManualClock(T0 + 10 * 86_400_000);

async function seedEvents(
  workspaceId: string,
  mailboxId: string,
  count: number,
  type: EventType = 'message.created',
) {
  const writer = db.bulkWriter();
  for (let i = 0; i < count; i += 1) {
    const id = `evt_${mailboxId}_${String(i).padStart(3, '0')}`;
    void writer.set(db.collection('mailboxes').doc(mailboxId).collection('events').doc(id), {
      id,
      type,
      schemaVersion: 1,
      occurredAt: new Date(T0 + i * 60_000).toISOString(),
      workspaceId,
      tenantExternalId: 't',
      mailboxId,
      seq: i + 1,
      data: {},
      fanout: 'done',
    });
  }
  await writer.close();
}

function deps(batch = 200) {
  return {
    replays: new FirestoreReplayStore(db),
    webhooks: new FirestoreWebhookStore(db),
    subscriptions: new FirestoreSubscriptionStore(db),
    reads: new FirestoreReadModel(db),
    tasks: new RecordingQueue(),
    clock,
    ids: randomIds,
    deliverUrl: 'http://127.0.0.1:9/deliverWebhook',
    batch,
  };
}

const replayDeliveries = async (replayId: string) =>
  (await db.collection('deliveries').where('replayId', '==', replayId).get()).docs.map((d) => d.data());

describe('replays on Firestore', () => {
  it('declares the composite indexes of the dispatch_replays queries (the emulator does not enforce them)', () => {
    const declared = readDeclaredIndexes();
    const dispatching = {
      collectionGroup: 'replays',
      equality: ['state', 'dispatchedAt'],
      orderBy: [{ fieldPath: 'createdAt', order: 'ASCENDING' as const }],
    };
    // a range filter on dispatchedAt, ordered by it
    const delivering = {
      collectionGroup: 'replays',
      equality: ['state'],
      orderBy: [{ fieldPath: 'dispatchedAt', order: 'ASCENDING' as const }],
    };
    expect(missingIndex(dispatching, declared)).toBeUndefined();
    expect(missingIndex(delivering, declared)).toBeUndefined();
  });

  it('of two racing overlapping replays to one endpoint, stores exactly one', async () => {
    await new FirestoreWebhookStore(db).createEndpoint(webhookEndpointFixture('we_race', 'ws_r'));
    await seedEvents('ws_r', 'mbx_race', 5);
    // one event a batch: the replays stay running after their first batch
    const d = deps(1);
    const window = { endpointId: 'we_race', from: T0, to: T0 + 3_600_000 };
    const results = await Promise.all([
      createReplay(d, 'ws_r', window),
      createReplay(d, 'ws_r', { ...window, from: T0 + 60_000, to: T0 + 7_200_000 }),
    ]);
    const created = results.filter((r) => 'created' in r);
    const refused = results.filter((r) => 'conflictWith' in r);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((await db.collection('replays').where('endpointId', '==', 'we_race').get()).size).toBe(1);
    // a window next to it does not overlap
    expect(
      await createReplay(d, 'ws_r', { endpointId: 'we_race', from: T0 + 7_200_000, to: T0 + 9_000_000 }),
    ).toHaveProperty('created');
  });

  it('dispatches a window in batches, only events the endpoint takes, without duplicates when run again, and completes once they settle', async () => {
    await seedEvents('ws_win', 'mbx_w1', 25);
    await seedEvents('ws_win', 'mbx_w2', 10, 'message.deleted');
    await new FirestoreWebhookStore(db).createEndpoint(
      webhookEndpointFixture('we_win', 'ws_win', { eventTypes: ['message.created'] }),
    );
    const d = deps(10);
    const result = await createReplay(d, 'ws_win', { endpointId: 'we_win', from: T0, to: T0 + 86_400_000 });
    if (!('created' in result)) throw new Error('expected a replay');
    const replay = result.created;
    // the first 10 events in time order are 5 of each mailbox; the endpoint takes only message.created
    expect(replay).toMatchObject({ state: 'running', enqueued: 5 });
    // disabled mid-replay, the endpoint still gets its deliveries (an attempt refuses them as endpoint_disabled)
    await new FirestoreWebhookStore(db).updateEndpoint('ws_win', 'we_win', { status: 'disabled' });
    // other tests' replays share the project: the job's totals are theirs too, so this replay is read back
    expect((await dispatchReplays(d, { batchesPerReplay: 10 })).failed).toBe(0);
    const dispatched = await d.replays.get('ws_win', replay.id);
    expect(dispatched).toMatchObject({ state: 'running', enqueued: 25, dispatchedAt: clock.now() });
    await new FirestoreWebhookStore(db).updateEndpoint('ws_win', 'we_win', { status: 'enabled' });
    const delivered = await replayDeliveries(replay.id);
    expect(delivered).toHaveLength(25);
    expect(new Set(delivered.map((x) => x.eventId)).size).toBe(25);
    expect(delivered.every((x) => x.eventType === 'message.created' && x.state === 'pending')).toBe(true);
    const queued = new Set(d.tasks.tasks.map((t) => (t.body as { deliveryId: string }).deliveryId));
    expect(delivered.every((x) => queued.has(x.id))).toBe(true);
    // a stale dispatch of the first batch (a crashed run retried) is fenced out
    expect(await dispatchReplay(d, replay)).toBe(0);
    expect(await replayDeliveries(replay.id)).toHaveLength(25);
    // its deliveries still pending, the replay holds the endpoint against an overlapping one
    expect(await createReplay(d, 'ws_win', { endpointId: 'we_win', from: T0, to: T0 + 86_400_000 })).toEqual({
      conflictWith: replay.id,
    });
    const [last, ...settled] = delivered;
    for (const x of settled) await db.collection('deliveries').doc(x.id).update({ state: 'delivered' });
    await dispatchReplays(d);
    expect(await d.replays.get('ws_win', replay.id)).toMatchObject({ state: 'running' });
    await db.collection('deliveries').doc(last!.id).update({ state: 'failed' });
    expect((await dispatchReplays(d)).failed).toBe(0);
    expect(await d.replays.get('ws_win', replay.id)).toMatchObject({
      state: 'completed',
      completedAt: clock.now(),
    });
    // finished: a replay over the same window may run again
    expect(
      await createReplay(d, 'ws_win', { endpointId: 'we_win', from: T0, to: T0 + 86_400_000 }),
    ).toHaveProperty('created');
  });

  it('replays exactly the listed events, and refuses ids that are not the workspace’s', async () => {
    await seedEvents('ws_ids', 'mbx_ids', 5);
    await new FirestoreWebhookStore(db).createEndpoint(
      webhookEndpointFixture('we_ids', 'ws_ids', { eventTypes: ['message.deleted'] }),
    );
    const d = deps();
    await expect(
      createReplay(d, 'ws_ids', { endpointId: 'we_ids', eventIds: ['evt_mbx_ids_001', 'evt_nope'] }),
    ).rejects.toMatchObject({ code: 'unknown_event', message: expect.stringContaining('evt_nope') });
    await expect(
      createReplay(d, 'ws_x', { endpointId: 'we_ids', eventIds: ['evt_mbx_ids_001'] }),
    ).rejects.toMatchObject({
      code: 'unknown_endpoint',
    });
    const result = await createReplay(d, 'ws_ids', {
      endpointId: 'we_ids',
      eventIds: ['evt_mbx_ids_003', 'evt_mbx_ids_001'],
    });
    if (!('created' in result)) throw new Error('expected a replay');
    expect(result.created).toMatchObject({ state: 'running', enqueued: 2, dispatchedAt: clock.now() });
    expect((await replayDeliveries(result.created.id)).map((x) => x.eventId).sort()).toEqual([
      'evt_mbx_ids_001',
      'evt_mbx_ids_003',
    ]);
    const again = () => createReplay(d, 'ws_ids', { endpointId: 'we_ids', eventIds: ['evt_mbx_ids_001'] });
    expect(await again()).toEqual({ conflictWith: result.created.id });
    // dispatched in full, its deliveries still pending: cancelling fails them and frees the endpoint
    expect(await cancelReplay(d, 'ws_ids', result.created.id)).toMatchObject({ state: 'cancelled' });
    expect(await d.replays.progress(result.created.id)).toEqual({ pending: 0, delivered: 0, failed: 2 });
    expect(await again()).toHaveProperty('created');
  });

  it('cancelling stops dispatch and fails the deliveries still pending', async () => {
    await seedEvents('ws_cancel', 'mbx_cancel', 30);
    await new FirestoreWebhookStore(db).createEndpoint(webhookEndpointFixture('we_cancel', 'ws_cancel'));
    const d = deps(10);
    const result = await createReplay(d, 'ws_cancel', {
      endpointId: 'we_cancel',
      from: T0,
      to: T0 + 86_400_000,
    });
    if (!('created' in result)) throw new Error('expected a replay');
    const first = (d.tasks.tasks[0]!.body as { deliveryId: string }).deliveryId;
    await db.collection('deliveries').doc(first).update({ state: 'delivered' });
    expect(await cancelReplay(d, 'ws_x', result.created.id)).toBeUndefined();
    expect(await cancelReplay(d, 'ws_cancel', result.created.id)).toMatchObject({ state: 'cancelled' });
    await dispatchReplays(d);
    expect(await replayDeliveries(result.created.id)).toHaveLength(10);
    expect(await d.replays.progress(result.created.id)).toEqual({ pending: 0, delivered: 1, failed: 9 });
    const failed = await replayDeliveries(result.created.id);
    expect(
      failed.filter((x) => x.state === 'failed').every((x) => x.failureReason === 'replay_cancelled'),
    ).toBe(true);
    expect(
      await createReplay(d, 'ws_cancel', { endpointId: 'we_cancel', from: T0, to: T0 + 86_400_000 }),
    ).toHaveProperty('created');
  });
});
