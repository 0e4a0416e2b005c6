import { randomBytes } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { newProjectId, testFirestore } from '../../../emulators/testing/index.js';
import { ManualClock } from '../../core/clock.js';
import { randomIds } from '../../core/ids.js';
import { CredentialBox } from '../../secrets/credentials.js';
import { RecordingQueue } from '../../tasks/testing/recording-queue.js';
import { attemptDelivery } from '../../webhooks/attempt-delivery.js';
import { endpointSecretContext } from '../../webhooks/endpoint-secrets.js';
import { createEndpoint } from '../../webhooks/manage-endpoints.js';
import type { DeliveryAttempt } from '../../webhooks/model.js';
import type { HttpSender, OperatorEvent } from '../../webhooks/ports.js';
import { allowAll } from '../../webhooks/ssrf-guard.js';
import { describeDeliveryStoreContract } from '../../webhooks/testing/delivery-store-contract.js';
import { LocalKeyWrapper } from '../local-key-wrapper/local-key-wrapper.js';
import { FirestoreDeliveryStore } from './firestore-delivery-store.js';
import { FirestoreWebhookStore } from './firestore-webhook-store.js';

const clients: Firestore[] = [];
afterAll(() => Promise.all(clients.map((db) => db.terminate())));

describeDeliveryStoreContract('FirestoreDeliveryStore', () => {
  const db = testFirestore(newProjectId('delivery-store'));
  clients.push(db);
  const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));
  const tasks = new RecordingQueue();
  const store = new FirestoreDeliveryStore({
    db,
    tasks,
    box,
    deliverUrl: 'http://127.0.0.1:9/deliverWebhook',
  });
  const mailboxOf = new Map<string, string>();
  return {
    store,
    async seed(fixture) {
      if (fixture.endpoint) {
        const { secrets, ...endpoint } = fixture.endpoint;
        await db
          .collection('webhookEndpoints')
          .doc(endpoint.id)
          .set({
            ...endpoint,
            description: '',
            eventTypes: [],
            mailboxIds: [],
            createdAt: 1,
            updatedAt: 1,
            secrets: await Promise.all(
              secrets.map(async (s) => ({
                sealed: await box.sealSecret(endpointSecretContext(endpoint.id), s.secret),
                createdAt: 1,
                expiresAt: s.expiresAt,
              })),
            ),
          });
      }
      if (fixture.event) {
        mailboxOf.set(fixture.event.id, fixture.event.mailboxId);
        await db
          .collection('mailboxes')
          .doc(fixture.event.mailboxId)
          .collection('events')
          .doc(fixture.event.id)
          .set({ ...fixture.event, fanout: 'done', deliveries: 1 });
      }
      const d = fixture.delivery;
      await db
        .collection('deliveries')
        .doc(d.id)
        .set({
          ...d,
          mailboxId: mailboxOf.get(d.eventId) ?? 'mbx_1',
          eventType: 'message.created',
          nextAttemptAt: null,
          lastStatus: null,
          failureReason: null,
          createdAt: 1,
          updatedAt: 1,
          expireAt: new Date(86_400_000),
        });
    },
    async readDelivery(id) {
      const snap = await db.collection('deliveries').doc(id).get();
      if (!snap.exists) return undefined;
      const d = snap.data()!;
      return {
        id: snap.id,
        state: d.state,
        attempts: d.attempts,
        deferrals: d.deferrals ?? 0,
        nextAttemptAt: d.nextAttemptAt,
        failureReason: d.failureReason,
      };
    },
    async readAttempts(id) {
      const snap = await db.collection('deliveries').doc(id).collection('attempts').get();
      return snap.docs
        .map((d) => {
          const { expireAt: _ttl, ...attempt } = d.data();
          return attempt as DeliveryAttempt;
        })
        .sort((a, b) => a.attempt - b.attempt);
    },
    async readEndpoint(id) {
      const snap = await db.collection('webhookEndpoints').doc(id).get();
      return snap.exists ? { status: snap.get('status'), failingSince: snap.get('failingSince') } : undefined;
    },
    async readOperatorEvents() {
      const snap = await db.collection('operatorEvents').get();
      return snap.docs.map((d) => {
        const { expireAt: _ttl, ...event } = d.data();
        return event as OperatorEvent;
      });
    },
    async readScheduled() {
      return tasks.tasks.map((t) => {
        const body = t.body as { deliveryId: string; attempt: number };
        return { deliveryId: body.deliveryId, attempt: body.attempt, at: t.scheduleAt! };
      });
    },
  };
});

/** A delivery store on a project of its own, with a fresh local key and a queue that only records. */
function freshStore(prefix: string) {
  const db = testFirestore(newProjectId(prefix));
  clients.push(db);
  const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));
  return {
    db,
    box,
    store: new FirestoreDeliveryStore({ db, tasks: new RecordingQueue(), box, deliverUrl: 'http://x/d' }),
  };
}

describe('attempts through FirestoreDeliveryStore', () => {
  it('gives each attempt its delivery’s expiry, so Firestore TTL removes them together', async () => {
    const { db, store } = freshStore('delivery-ttl');
    const expireAt = new Date(Date.UTC(2026, 6, 1));
    await db.collection('deliveries').doc('dlv_ttl').set({
      id: 'dlv_ttl',
      workspaceId: 'ws_ttl',
      endpointId: 'we_ttl',
      eventId: 'evt_ttl',
      state: 'pending',
      attempts: 0,
      expireAt,
    });
    const attempt = {
      attempt: 1,
      at: Date.UTC(2026, 5, 1),
      durationMs: 3,
      status: 503,
      outcome: 'retry' as const,
      responseSnippet: '',
      error: null,
      nextAttemptAt: Date.UTC(2026, 5, 1) + 5000,
    };
    expect(
      await store.recordAttempt({
        deliveryId: 'dlv_ttl',
        endpointId: 'we_ttl',
        attempt,
        delivery: { state: 'pending', nextAttemptAt: attempt.nextAttemptAt },
      }),
    ).toBe('recorded');
    const stored = await db.collection('deliveries').doc('dlv_ttl').collection('attempts').doc('1').get();
    expect(stored.get('expireAt').toMillis()).toBe(expireAt.getTime());
    expect(await new FirestoreWebhookStore(db).listAttempts('dlv_ttl')).toEqual([attempt]);
  });

  it('opens an endpoint’s signing secrets only under its own id: a document copied under another id does not sign', async () => {
    const { db, box, store } = freshStore('delivery-copied-endpoint');
    const deps = { webhooks: new FirestoreWebhookStore(db), box, clock: new ManualClock(), ids: randomIds };
    const reads = { unknownMailboxes: async () => [] };
    const created = await createEndpoint({ ...deps, reads }, 'ws_copy', {
      url: 'https://hooks.example/a',
      description: '',
      eventTypes: [],
      mailboxIds: [],
    });
    const original = (await db.collection('webhookEndpoints').doc(created.id).get()).data()!;
    await db.collection('webhookEndpoints').doc('we_copied').set(original);
    for (const [id, endpointId] of [
      ['dlv_original', created.id],
      ['dlv_copied', 'we_copied'],
    ] as const)
      await db.collection('deliveries').doc(id).set({
        id,
        workspaceId: 'ws_copy',
        endpointId,
        eventId: 'evt_1',
        mailboxId: 'mbx_1',
        state: 'pending',
        attempts: 0,
      });
    expect((await store.load('dlv_original', Date.now()))?.endpoint?.secrets).toEqual([created.secret]);
    await expect(store.load('dlv_copied', Date.now())).rejects.toMatchObject({ name: 'SecretOpenError' });
  });

  it('caps the attempts in flight to one endpoint: the extra one is deferred to a task of its own and records nothing', async () => {
    const db = testFirestore(newProjectId('delivery-cap'));
    clients.push(db);
    const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    const webhooks = new FirestoreWebhookStore(db);
    const { id: endpointId } = await createEndpoint(
      { webhooks, box, clock, ids: randomIds, reads: { unknownMailboxes: async () => [] } },
      'ws_cap',
      {
        url: 'https://hooks.example/slow',
        description: '',
        eventTypes: [],
        mailboxIds: [],
      },
    );
    for (const n of [1, 2, 3]) {
      await db
        .collection('mailboxes')
        .doc('mbx_cap')
        .collection('events')
        .doc(`evt_${n}`)
        .set({
          id: `evt_${n}`,
          type: 'message.created',
          schemaVersion: 1,
          occurredAt: new Date(clock.now()).toISOString(),
          workspaceId: 'ws_cap',
          tenantExternalId: 't',
          mailboxId: 'mbx_cap',
          seq: n,
          data: {},
          fanout: 'done',
        });
      await db
        .collection('deliveries')
        .doc(`dlv_${n}`)
        .set({
          id: `dlv_${n}`,
          workspaceId: 'ws_cap',
          endpointId,
          mailboxId: 'mbx_cap',
          eventId: `evt_${n}`,
          eventType: 'message.created',
          state: 'pending',
          attempts: 0,
          nextAttemptAt: clock.now(),
          lastStatus: null,
          createdAt: clock.now(),
          updatedAt: clock.now(),
        });
    }
    let inFlight = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let reached!: () => void;
    const twoInFlight = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const sender: HttpSender = {
      async send() {
        inFlight += 1;
        if (inFlight === 2) reached();
        await gate;
        inFlight -= 1;
        return { kind: 'response', status: 200, headers: {}, body: '' };
      },
    };
    const tasks = new RecordingQueue();
    const deps = {
      store: new FirestoreDeliveryStore({ db, tasks, box, deliverUrl: 'http://127.0.0.1:9/d' }),
      sender,
      clock,
      random: () => 0.5,
      guard: allowAll,
      limits: { maxConcurrentPerEndpoint: 2 },
    };
    const first = attemptDelivery(deps, { deliveryId: 'dlv_1', attempt: 1 });
    const second = attemptDelivery(deps, { deliveryId: 'dlv_2', attempt: 1 });
    await twoInFlight;
    expect(await webhooks.overdueDeliveries(clock.now() + 1, 10)).toContainEqual(
      expect.objectContaining({ id: 'dlv_3' }),
    );
    const deferred = await attemptDelivery(deps, { deliveryId: 'dlv_3', attempt: 1 });
    expect(deferred).toMatchObject({ kind: 'deferred', deferral: 1 });
    const until = (deferred as { until: number }).until;
    expect((await db.collection('deliveries').doc('dlv_3').get()).data()).toMatchObject({
      attempts: 0,
      deferrals: 1,
      nextAttemptAt: until,
    });
    expect(tasks.tasks).toContainEqual(
      expect.objectContaining({ body: { deliveryId: 'dlv_3', attempt: 1 }, scheduleAt: until }),
    );
    // recovery looks for lost tasks by nextAttemptAt: the deferred attempt is not one
    expect(await webhooks.overdueDeliveries(clock.now() + 1, 10)).not.toContainEqual(
      expect.objectContaining({ id: 'dlv_3' }),
    );
    open();
    await Promise.all([first, second]);
    expect(await attemptDelivery(deps, { deliveryId: 'dlv_3', attempt: 1 })).toMatchObject({
      kind: 'attempted',
      delivery: { state: 'delivered' },
    });
    expect((await db.collection('endpointSlots').doc(endpointId).collection('slots').get()).size).toBe(0);
  });
});
