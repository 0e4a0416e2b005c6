import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProjectId, testFirestore } from '../../emulators/testing/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../emulators/testing/webhook-receiver.js';
import { FirestoreDeliveryStore } from '../../shared/adapters/firestore/firestore-delivery-store.js';
import { NodeHttpSender } from '../../shared/adapters/http-sender/node-http-sender.js';
import { systemClock } from '../../shared/core/clock.js';
import { RecordingQueue } from '../../shared/tasks/testing/recording-queue.js';
import { attemptDelivery } from '../../shared/webhooks/attempt-delivery.js';
import { CreateReplayInput } from '../../shared/webhooks/replays/create-replay.js';
import { dispatchReplays } from '../../shared/webhooks/replays/dispatch-replays.js';
import { allowAll } from '../../shared/webhooks/ssrf-guard.js';
import { firestoreApiDeps } from './testing/api-deps.js';
import {
  expectNotFound,
  expectNotJsonRefused,
  startTwoWorkspaceApi,
  type TwoWorkspaceApi,
} from './testing/two-workspace-api.js';

const db = testFirestore(newProjectId('api-replays'));
const queue = new RecordingQueue();
const deps = firestoreApiDeps(db, { tasks: queue });
let api: TwoWorkspaceApi;
let receiver: WebhookReceiver;
let endpointId = '';
const HOUR = 3_600_000;
const base = Date.now() - 48 * HOUR;
const call: TwoWorkspaceApi['call'] = (...args) => api.call(...args);

beforeAll(async () => {
  api = await startTwoWorkspaceApi('apiReplaysTest', deps);
  receiver = await startWebhookReceiver();
  await db.collection('mailboxes').doc('mbx_a').set({
    workspaceId: 'ws_a',
    tenantExternalId: 't',
    mailboxExternalId: 'm',
    emailAddress: 'a@example.com',
    status: 'active',
    createdAt: 1,
  });
  for (let seq = 1; seq <= 4; seq += 1)
    await db
      .collection('mailboxes')
      .doc('mbx_a')
      .collection('events')
      .doc(`evt_${seq}`)
      .set({
        id: `evt_${seq}`,
        type: 'message.created',
        schemaVersion: 1,
        occurredAt: new Date(base + seq * HOUR).toISOString(),
        workspaceId: 'ws_a',
        tenantExternalId: 't',
        mailboxId: 'mbx_a',
        seq,
        data: { messageId: `m${seq}` },
        fanout: 'done',
      });
  endpointId = (await newEndpointOfA()).id;
});
afterAll(async () => {
  await api.close();
  await receiver.close();
  await db.terminate();
});

// everything creating or cancelling a replay can write: replays, their locks, deliveries and queued tasks
async function snapshot() {
  const [replays, locks, deliveries] = await Promise.all([
    db.collection('replays').get(),
    db.collection('replayLocks').get(),
    db.collection('deliveries').get(),
  ]);
  return JSON.stringify([
    replays.docs.map((d) => [d.id, d.data()]),
    locks.docs.map((d) => [d.id, d.data()]),
    deliveries.docs.map((d) => [d.id, d.data()]),
    queue.tasks,
  ]);
}

/** Plays Cloud Tasks: runs every queued delivery task once, through the real sender, to the receiver. */
async function runQueuedTasks() {
  const store = new FirestoreDeliveryStore({ db, tasks: queue, box: deps.box, deliverUrl: deps.deliverUrl });
  const sender = new NodeHttpSender({ timeoutMs: 5000, maxResponseBytes: 1024 });
  for (let task = queue.tasks.shift(); task; task = queue.tasks.shift())
    await attemptDelivery(
      { store, sender, clock: systemClock, random: () => 0.5, guard: allowAll },
      task.body as { deliveryId: string; attempt: number },
    );
}

/** A new endpoint of workspace A delivering to the receiver, so each test's replays hold an endpoint of their own. */
async function newEndpointOfA(): Promise<{ id: string; secret: string }> {
  const created = await call('a', 'POST', '/v1/webhook-endpoints', { url: receiver.url });
  expect(created.status).toBe(201);
  return (await created.json()) as { id: string; secret: string };
}

/** Stores a running replay of A's to `endpoint`, as the dispatcher leaves one mid-way, holding the endpoint. */
async function runningReplay(id: string, endpoint: string) {
  const selector = { kind: 'events', events: [{ id: 'evt_4', mailboxId: 'mbx_a', at: base + 4 * HOUR }] };
  await db.collection('replays').doc(id).set({
    id,
    workspaceId: 'ws_a',
    endpointId: endpoint,
    selector,
    state: 'running',
    cursor: null,
    enqueued: 0,
    createdAt: 1,
    updatedAt: 1,
    dispatchedAt: null,
    completedAt: null,
    cancelledAt: null,
  });
  await db
    .collection('replayLocks')
    .doc(endpoint)
    .set({ running: { [id]: selector } });
}

/** Strings only workspace A's data holds: none may appear in what workspace B is shown. */
const marksOfA = () => ['ws_a', 'mbx_a', endpointId, receiver.url];

describe('replays over the api function', () => {
  it('POST /v1/replays re-sends a window’s events with their original webhook-id, and shows progress', async () => {
    const endpoint = await newEndpointOfA();
    queue.tasks.length = 0;
    receiver.received.length = 0;
    const response = await call('a', 'POST', '/v1/replays', {
      endpointId: endpoint.id,
      from: new Date(base + 1.5 * HOUR).toISOString(),
      to: new Date(base + 3.5 * HOUR).toISOString(),
    });
    expect(response.status).toBe(201);
    const replay = (await response.json()) as {
      id: string;
      state: string;
      progress: Record<string, unknown>;
    };
    // dispatched at once (two events), running until both deliveries settle
    expect(replay).toMatchObject({
      object: 'replay',
      status: 'running',
      state: 'running',
      webhookEndpointId: endpoint.id,
      eventsReplayed: 2,
      dispatchedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      progress: { total: 2, enqueued: 2, pending: 2 },
    });
    await runQueuedTasks();
    const events = receiver.received.map(
      (r) => new Webhook(endpoint.secret).verify(r.body, r.headers) as { id: string },
    );
    expect(events.map((e) => e.id).sort()).toEqual(['evt_2', 'evt_3']);
    expect(receiver.received.map((r) => r.headers['webhook-id']).sort()).toEqual(['evt_2', 'evt_3']);
    const progress = (await (await call('a', 'GET', `/v1/replays/${replay.id}`)).json()) as {
      progress: Record<string, unknown>;
    };
    expect(progress.progress).toEqual({ total: 2, enqueued: 2, pending: 0, delivered: 2, failed: 0 });
    await dispatchReplays(deps);
    expect(await (await call('a', 'GET', `/v1/replays/${replay.id}`)).json()).toMatchObject({
      status: 'completed',
      state: 'completed',
      completedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastError: null,
    });
  });

  it('POST /v1/replays refuses a replay overlapping a running one to the same endpoint with 409', async () => {
    const endpoint = await newEndpointOfA();
    await runningReplay('rpl_overlapped', endpoint.id);
    const before = await snapshot();
    const refused = await call('a', 'POST', '/v1/replays', {
      endpointId: endpoint.id,
      from: new Date(base).toISOString(),
      to: new Date(base + 5 * HOUR).toISOString(),
    });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({
      code: 'replay_overlaps',
      conflictingReplayId: 'rpl_overlapped',
    });
    expect(await snapshot()).toBe(before);
    const separate = await call('a', 'POST', '/v1/replays', { endpointId: endpoint.id, eventIds: ['evt_1'] });
    expect(separate.status).toBe(201);
  });

  it('POST /v1/replays refuses another workspace’s endpoint and events, writing nothing', async () => {
    const before = await snapshot();
    const foreign = await call('b', 'POST', '/v1/replays', { endpointId, eventIds: ['evt_1'] });
    expect(foreign.status).toBe(400);
    const foreignText = await foreign.text();
    expect(JSON.parse(foreignText)).toMatchObject({ code: 'unknown_endpoint' });
    for (const mark of marksOfA().filter((m) => m !== endpointId)) expect(foreignText).not.toContain(mark);
    const { id: endpointOfB } = (await (
      await call('b', 'POST', '/v1/webhook-endpoints', { url: 'https://hooks.example/b' })
    ).json()) as { id: string };
    const foreignEvents = await call('b', 'POST', '/v1/replays', {
      endpointId: endpointOfB,
      eventIds: ['evt_1'],
    });
    expect(foreignEvents.status).toBe(400);
    const foreignEventsText = await foreignEvents.text();
    expect(JSON.parse(foreignEventsText)).toMatchObject({ code: 'unknown_event' });
    for (const mark of marksOfA()) expect(foreignEventsText).not.toContain(mark);
    expect(await snapshot()).toBe(before);
  });

  it('GET /v1/replays/:replayId refuses another workspace’s key', async () => {
    const endpoint = await newEndpointOfA();
    const created = await call('a', 'POST', '/v1/replays', { endpointId: endpoint.id, eventIds: ['evt_2'] });
    const { id } = (await created.json()) as { id: string };
    await expectNotFound(await call('b', 'GET', `/v1/replays/${id}`), [...marksOfA(), endpoint.id]);
    expect(await (await call('a', 'GET', `/v1/replays/${id}`)).json()).toMatchObject({
      id,
      endpointId: endpoint.id,
    });
  });

  it('GET /v1/replays lists only the caller’s replays, none of another workspace’s, newest first', async () => {
    const endpoint = await newEndpointOfA();
    const created = await call('a', 'POST', '/v1/replays', { endpointId: endpoint.id, eventIds: ['evt_3'] });
    const { id } = (await created.json()) as { id: string };
    const theirs = await call('b', 'GET', '/v1/replays');
    const theirsText = await theirs.text();
    expect(JSON.parse(theirsText)).toEqual({ object: 'list', data: [], nextCursor: null });
    for (const mark of [...marksOfA(), id]) expect(theirsText).not.toContain(mark);
    const mine = (await (await call('a', 'GET', '/v1/replays?limit=10')).json()) as {
      data: { id: string; createdAt: string }[];
    };
    expect(mine.data[0]?.id).toBe(id);
    const times = mine.data.map((r) => Date.parse(r.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  it('POST /v1/replays/:replayId/cancel refuses another workspace’s key, and cancels for the owner', async () => {
    const endpoint = await newEndpointOfA();
    await runningReplay('rpl_to_cancel', endpoint.id);
    const before = await snapshot();
    await expectNotFound(await call('b', 'POST', '/v1/replays/rpl_to_cancel/cancel'), [
      ...marksOfA(),
      endpoint.id,
    ]);
    expect(await snapshot()).toBe(before);
    const cancelled = await call('a', 'POST', '/v1/replays/rpl_to_cancel/cancel');
    expect(await cancelled.json()).toMatchObject({ id: 'rpl_to_cancel', state: 'cancelled' });
    const again = await call('a', 'POST', '/v1/replays', { endpointId: endpoint.id, eventIds: ['evt_4'] });
    expect(again.status).toBe(201);
  });

  it('POST /v1/replays answers invalid and fuzzed bodies with 400 problem JSON and writes nothing', async () => {
    const before = await snapshot();
    // few keys with plausible values next to arbitrary ones, so bodies get close to valid, not only lacking a key
    const plausible = fc.oneof(
      fc.constant(endpointId),
      fc.constantFrom<unknown>(
        new Date(base).toISOString(),
        new Date(base + 2 * HOUR).toISOString(),
        '2026-13-01T00:00:00Z',
        ['evt_1'],
        [],
        'evt_1',
      ),
    );
    const bodies = fc.oneof(
      fc.object(),
      fc.array(fc.anything()),
      fc.dictionary(
        fc.constantFrom('endpointId', 'from', 'to', 'eventIds', 'extra'),
        fc.oneof(plausible, fc.anything()),
        { maxKeys: 3 },
      ),
      fc.record({ endpointId: fc.constant(endpointId), from: fc.string(), to: fc.string() }),
    );
    await fc.assert(
      fc.asyncProperty(
        bodies
          // what is actually sent: the JSON round trip drops undefined, turns -0 into 0, and so on
          .map((x): unknown => JSON.parse(JSON.stringify(x) ?? 'null'))
          // top-level JSON primitives are refused by the Functions Framework's strict body parser before any handler
          .filter((x) => typeof x === 'object' && x !== null && !v.is(CreateReplayInput, x)),
        async (body) => {
          const response = await call('a', 'POST', '/v1/replays', body);
          expect(response.status).toBe(400);
          expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect((await response.json()) as { code: string }).toMatchObject({ code: 'invalid_request' });
        },
      ),
      { numRuns: 40, seed: 11 },
    );
    for (const [body, code] of [
      [
        { endpointId, from: new Date(base + HOUR).toISOString(), to: new Date(base).toISOString() },
        'invalid_window',
      ],
      [
        { endpointId, from: new Date(base).toISOString(), to: new Date(Date.now() + HOUR).toISOString() },
        'invalid_window',
      ],
      [
        { endpointId, from: new Date(base - 40 * 24 * HOUR).toISOString(), to: new Date(base).toISOString() },
        'invalid_window',
      ],
      [{ endpointId, eventIds: ['evt_nope'] }, 'unknown_event'],
    ] as const) {
      const response = await call('a', 'POST', '/v1/replays', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code });
    }
    expect(await snapshot()).toBe(before);
  });

  it('POST /v1/replays answers a body that is not JSON with 400 and writes nothing', async () => {
    const before = await snapshot();
    await expectNotJsonRefused(api, 'POST', '/v1/replays', `{"endpointId": "${endpointId}", "eventIds": [`);
    expect(await snapshot()).toBe(before);
  });
});
