import { afterAll, describe, expect, it } from 'vitest';
import { newProjectId, testFirestore } from '../../emulators/testing/index.js';
import { FirestoreSubscriptionStore } from '../adapters/firestore/firestore-subscription-store.js';
import { FirestoreWebhookStore } from '../adapters/firestore/firestore-webhook-store.js';
import { ManualClock } from '../core/clock.js';
import type { EventType } from '../events/event.js';
import { RecordingQueue } from '../tasks/testing/recording-queue.js';
import { fanOutBacklog, fanOutEvents, recoverDeliveries } from './fan-out-events.js';
import { webhookEndpointFixture } from './testing/webhook-endpoint-fixture.js';

const db = testFirestore(newProjectId('fan-out'));
afterAll(() => db.terminate());

async function event(id: string, mailboxId: string, type: EventType, seq: number, workspaceId = 'ws_1') {
  await db.collection('mailboxes').doc(mailboxId).collection('events').doc(id).set({
    id,
    type,
    schemaVersion: 1,
    occurredAt: '2026-06-01T00:00:00.000Z',
    workspaceId,
    tenantExternalId: 't',
    mailboxId,
    seq,
    data: {},
    fanout: 'pending',
  });
}

describe('fan-out through subscriptions', () => {
  it('sends each event to the endpoints whose subscriptions (or, without any, own filter) take it', async () => {
    const webhooks = new FirestoreWebhookStore(db);
    const subscriptions = new FirestoreSubscriptionStore(db);
    await webhooks.createEndpoint(
      webhookEndpointFixture('we_own_filter', 'ws_1', { eventTypes: ['message.created'] }),
    );
    await webhooks.createEndpoint(webhookEndpointFixture('we_mailbox_1', 'ws_1'));
    await webhooks.createEndpoint(webhookEndpointFixture('we_deletes', 'ws_1'));
    await webhooks.createEndpoint(webhookEndpointFixture('we_disabled', 'ws_1', { status: 'disabled' }));
    const sub = (
      id: string,
      endpointId: string,
      mailboxIds: 'all' | string[],
      eventTypes: 'all' | EventType[],
    ) =>
      subscriptions.create({
        id,
        workspaceId: 'ws_1',
        endpointId,
        mailboxIds,
        eventTypes,
        createdAt: 1,
        updatedAt: 1,
      });
    await sub('sub_1', 'we_mailbox_1', ['mbx_1'], 'all');
    await sub('sub_2', 'we_deletes', 'all', ['message.deleted']);
    await sub('sub_3', 'we_disabled', 'all', 'all');
    await subscriptions.create({
      id: 'sub_other_ws',
      workspaceId: 'ws_2',
      endpointId: 'we_own_filter',
      mailboxIds: 'all',
      eventTypes: 'all',
      createdAt: 1,
      updatedAt: 1,
    });
    await event('evt_created_1', 'mbx_1', 'message.created', 1);
    await event('evt_deleted_2', 'mbx_2', 'message.deleted', 1);
    await event('evt_synced_2', 'mbx_2', 'mailbox.synced', 2);

    const queue = new RecordingQueue();
    const deps = {
      webhooks,
      subscriptions,
      tasks: queue,
      clock: new ManualClock(),
      deliverUrl: 'http://x/deliver',
    };
    expect(await fanOutEvents(deps)).toEqual({ events: 3, deliveries: 3 });
    const routed = (await db.collection('deliveries').get()).docs
      .map((d) => `${d.get('eventId')}→${d.get('endpointId')}`)
      .sort();
    expect(routed).toEqual([
      'evt_created_1→we_mailbox_1',
      'evt_created_1→we_own_filter',
      'evt_deleted_2→we_deletes',
    ]);
    expect(queue.tasks).toHaveLength(3);
    expect(await fanOutEvents(deps)).toEqual({ events: 0, deliveries: 0 });
  });
});

describe('fan-out of a backlog', () => {
  it('drains a backlog of many batches, then stops at its time budget when one is set', async () => {
    const webhooks = new FirestoreWebhookStore(db);
    const subscriptions = new FirestoreSubscriptionStore(db);
    await webhooks.createEndpoint(webhookEndpointFixture('we_backlog', 'ws_backlog'));
    for (let seq = 1; seq <= 25; seq += 1)
      await event(`evt_backlog_${seq}`, 'mbx_backlog', 'message.created', seq, 'ws_backlog');
    let t = 0;
    // every reading of the clock is a second later: a budget of 5 s ends after the first batch
    const slow = { now: () => (t += 1000) };
    const deps = { webhooks, subscriptions, tasks: new RecordingQueue(), deliverUrl: 'http://127.0.0.1:9/d' };
    expect(
      await fanOutBacklog({ ...deps, clock: slow }, { mailboxId: 'mbx_backlog', batch: 10, budgetMs: 5000 }),
    ).toEqual({ events: 10, deliveries: 10, drained: false });
    expect(
      await fanOutBacklog(
        { ...deps, clock: new ManualClock(0) },
        { mailboxId: 'mbx_backlog', batch: 10, budgetMs: 5000 },
      ),
    ).toEqual({ events: 15, deliveries: 15, drained: true });
    expect(deps.tasks.tasks).toHaveLength(25);
  });
});

describe('fan-out of a mailbox being deleted', () => {
  it('closes its pending events without deliveries', async () => {
    const webhooks = new FirestoreWebhookStore(db);
    await webhooks.createEndpoint(webhookEndpointFixture('we_closing', 'ws_closing'));
    await db
      .collection('mailboxes')
      .doc('mbx_closing')
      .set({ workspaceId: 'ws_closing', status: 'deleting' });
    await event('evt_closing_1', 'mbx_closing', 'message.created', 1, 'ws_closing');
    const tasks = new RecordingQueue();
    const deps = {
      webhooks,
      subscriptions: new FirestoreSubscriptionStore(db),
      tasks,
      clock: new ManualClock(0),
      deliverUrl: 'http://127.0.0.1:9/d',
    };
    expect(await fanOutEvents(deps, { mailboxId: 'mbx_closing' })).toEqual({ events: 1, deliveries: 0 });
    const stored = await db
      .collection('mailboxes')
      .doc('mbx_closing')
      .collection('events')
      .doc('evt_closing_1')
      .get();
    expect(stored.data()).toMatchObject({ fanout: 'done', deliveries: 0 });
    expect(tasks.tasks).toEqual([]);
    expect((await db.collection('deliveries').where('mailboxId', '==', 'mbx_closing').get()).size).toBe(0);
  });
});

describe('recovery of lost delivery tasks', () => {
  // a project of its own: the fan-out tests above leave pending deliveries behind
  const lostDb = testFirestore(newProjectId('lost-tasks'));
  afterAll(() => lostDb.terminate());

  it('re-enqueues the next attempt of a delivery overdue past the grace period, once per due time', async () => {
    const webhooks = new FirestoreWebhookStore(lostDb);
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    const now = clock.now();
    const delivery = (id: string, fields: Record<string, unknown>) =>
      lostDb
        .collection('deliveries')
        .doc(id)
        .set({
          id,
          endpointId: 'we_1',
          workspaceId: 'ws_lost',
          attempts: 2,
          createdAt: now - 3_600_000,
          ...fields,
        });
    await delivery('dlv_lost', { state: 'pending', nextAttemptAt: now - 120_000 });
    await delivery('dlv_in_grace', { state: 'pending', nextAttemptAt: now - 30_000 });
    await delivery('dlv_later', { state: 'pending', nextAttemptAt: now + 60_000 });
    await delivery('dlv_done', { state: 'delivered', nextAttemptAt: now - 600_000 });
    const queue = new RecordingQueue();
    const deps = { webhooks, tasks: queue, clock, deliverUrl: 'http://127.0.0.1:1/deliverWebhook' };

    expect(await recoverDeliveries(deps)).toBe(1);
    expect(await recoverDeliveries(deps)).toBe(1);
    expect(queue.tasks).toEqual([
      expect.objectContaining({ body: { deliveryId: 'dlv_lost', attempt: 3 }, url: deps.deliverUrl }),
    ]);
    // once the delivery moved on (its attempt ran and set a new due time), a later loss is recovered again
    await lostDb
      .collection('deliveries')
      .doc('dlv_lost')
      .update({ attempts: 3, nextAttemptAt: now - 90_000 });
    await recoverDeliveries(deps);
    expect(queue.tasks.map((t) => t.body)).toEqual([
      { deliveryId: 'dlv_lost', attempt: 3 },
      { deliveryId: 'dlv_lost', attempt: 4 },
    ]);
  });
});
