import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProjectId, testFirestore } from '../../emulators/testing/index.js';
import { CreateConnectSessionInput } from '../../shared/connect/create-connect-session.js';
import { messageResourceId, threadResourceId } from '../../shared/events/resource-ids.js';
import { CreateEndpointInput, UpdateEndpointInput } from '../../shared/webhooks/manage-endpoints.js';
import {
  CreateSubscriptionInput,
  UpdateSubscriptionInput,
} from '../../shared/webhooks/subscriptions/manage-subscriptions.js';
import { apiRoutes } from './app.js';
import { CreateApiKeyInput } from './routes/keys-and-deliveries.js';
import { CreateEndpointSubscriptionsInput } from './routes/subscriptions.js';
import { firestoreApiDeps } from './testing/api-deps.js';
import {
  expectNotFound,
  expectNotJsonRefused,
  startTwoWorkspaceApi,
  type TwoWorkspaceApi,
} from './testing/two-workspace-api.js';

const db = testFirestore(newProjectId('api-isolation'));
let api: TwoWorkspaceApi;
let endpointOfA = '';
let subscriptionOfA = '';
const call: TwoWorkspaceApi['call'] = (...args) => api.call(...args);
// keys read `mm_live_<keyId>_<secret>`
const keyIdOf = (apiKey: string) => apiKey.split('_')[2];
/** The API's ids of Gmail message and thread ids, of mailbox `mbx_a` unless named. */
const msg = (gmailId: string, mailboxId = 'mbx_a') => messageResourceId(mailboxId, gmailId);
const thr = (gmailId: string, mailboxId = 'mbx_a') => threadResourceId(mailboxId, gmailId);

/** Thread `thr_a` of mailbox `mbx_a` as stored, less its members and owner fields. */
const threadOfA = {
  id: 'thr_a',
  messageIds: ['m1', 'm2'],
  labelIds: ['INBOX', 'STARRED'],
  messageCount: 2,
  subject: 'first',
  snippet: 'second',
  lastMessageAt: Date.parse('2026-02-01T00:00:00Z'),
};

async function seedMessagesAndThreads() {
  const messages = db.collection('mailboxes').doc('mbx_a').collection('messages');
  for (const [id, labelIds, receivedAt] of [
    ['m1', ['INBOX'], Date.parse('2026-01-01T00:00:00Z')],
    ['m2', ['INBOX', 'STARRED'], Date.parse('2026-02-01T00:00:00Z')],
    ['m3', ['SENT'], Date.parse('2026-03-01T00:00:00Z')],
  ] as const) {
    await messages.doc(id).set({
      id,
      threadId: id,
      labelIds,
      receivedAt,
      subject: id,
      generation: 1,
      workspaceId: 'ws_a',
      mailboxId: 'mbx_a',
    });
  }
  // the sync store's shape: derived thread state, the members it came from, and the owner fields
  await db
    .collection('mailboxes')
    .doc('mbx_a')
    .collection('threads')
    .doc('thr_a')
    .set({
      ...threadOfA,
      members: {
        m1: {
          labelIds: ['INBOX'],
          receivedAt: Date.parse('2026-01-01T00:00:00Z'),
          subject: 'first',
          snippet: 'first',
        },
        m2: {
          labelIds: ['INBOX', 'STARRED'],
          receivedAt: Date.parse('2026-02-01T00:00:00Z'),
          subject: 'Re: first',
          snippet: 'second',
        },
      },
      workspaceId: 'ws_a',
      mailboxId: 'mbx_a',
    });
}

async function seedDeliveries() {
  const dlvA = {
    id: 'dlv_a',
    workspaceId: 'ws_a',
    endpointId: endpointOfA,
    mailboxId: 'mbx_a',
    eventId: 'evt_1',
    eventType: 'message.created',
    state: 'pending',
    attempts: 0,
    nextAttemptAt: 1,
    lastStatus: null,
    createdAt: 1,
    updatedAt: 1,
  };
  await db.collection('deliveries').doc('dlv_a').set(dlvA);
  for (const [id, state, createdAt] of [
    ['dlv_a2', 'delivered', 2],
    ['dlv_a3', 'failed', 3],
  ] as const)
    await db
      .collection('deliveries')
      .doc(id)
      .set({ ...dlvA, id, state, createdAt, expireAt: new Date(86_400_000) });
  await db.collection('deliveries').doc('dlv_a3').update({ attempts: 1, failureReason: 'target_refused' });
  await db.collection('deliveries').doc('dlv_a3').collection('attempts').doc('1').set({
    attempt: 1,
    at: 3,
    durationMs: 0,
    status: 'refused',
    outcome: 'failed',
    responseSnippet: '',
    error: 'resolves to a private address',
    nextAttemptAt: null,
  });
  // one of workspace B's own, so B's list has something in it that is not A's
  await db
    .collection('deliveries')
    .doc('dlv_b')
    .set({ ...dlvA, id: 'dlv_b', workspaceId: 'ws_b', endpointId: 'ep_b', mailboxId: 'mbx_b', createdAt: 4 });
}

beforeAll(async () => {
  api = await startTwoWorkspaceApi('apiIsolationTest', firestoreApiDeps(db));
  await db.collection('mailboxes').doc('mbx_a').set({
    workspaceId: 'ws_a',
    tenantExternalId: 't',
    mailboxExternalId: 'm',
    emailAddress: 'a@example.com',
    status: 'active',
    createdAt: 1,
  });
  for (const seq of [1, 2, 3]) {
    await db
      .collection('mailboxes')
      .doc('mbx_a')
      .collection('events')
      .doc(`evt_${seq}`)
      .set({
        id: `evt_${seq}`,
        type: 'message.created',
        schemaVersion: 1,
        occurredAt: '2026-01-01T00:00:00.000Z',
        workspaceId: 'ws_a',
        tenantExternalId: 't',
        mailboxId: 'mbx_a',
        seq,
        data: {},
        fanout: 'done',
        feed: 'indexed',
        feedSeq: seq - 1,
      });
  }
  const created = await call('a', 'POST', '/v1/webhook-endpoints', { url: 'https://hooks.example/a' });
  endpointOfA = ((await created.json()) as { id: string }).id;
  const subscribed = await call('a', 'POST', '/v1/subscriptions', {
    endpointId: endpointOfA,
    mailboxIds: 'all',
  });
  subscriptionOfA = ((await subscribed.json()) as { id: string }).id;
  await seedMessagesAndThreads();
  // a second mailbox of A's with one message, for lists across a workspace's mailboxes
  await db.collection('mailboxes').doc('mbx_a2').set({
    workspaceId: 'ws_a',
    tenantExternalId: 't2',
    mailboxExternalId: 'm2',
    emailAddress: 'a2@example.com',
    status: 'active',
    createdAt: 2,
  });
  await db
    .collection('mailboxes')
    .doc('mbx_a2')
    .collection('messages')
    .doc('n1')
    .set({
      id: 'n1',
      threadId: 'n1',
      labelIds: ['INBOX'],
      receivedAt: Date.parse('2026-02-15T00:00:00Z'),
      subject: 'n1',
      generation: 1,
      workspaceId: 'ws_a',
      mailboxId: 'mbx_a2',
    });
  await seedDeliveries();
  // a finished replay of A's, stored as the dispatcher leaves one
  await db
    .collection('replays')
    .doc('rpl_a')
    .set({
      id: 'rpl_a',
      workspaceId: 'ws_a',
      endpointId: endpointOfA,
      selector: { kind: 'events', events: [{ id: 'evt_1', mailboxId: 'mbx_a', at: 1 }] },
      state: 'completed',
      cursor: null,
      enqueued: 1,
      createdAt: 1,
      updatedAt: 2,
      dispatchedAt: 1,
      completedAt: 2,
      cancelledAt: null,
    });
});
afterAll(async () => {
  await api.close();
  await db.terminate();
});

// every collection a POST or PATCH of this API can write, so "writes nothing" means nothing
async function snapshot() {
  const [apiKeys, endpoints, sessions, subscriptions] = await Promise.all([
    db.collection('apiKeys').get(),
    db.collection('webhookEndpoints').get(),
    db.collection('connectSessions').get(),
    db.collection('subscriptions').get(),
  ]);
  return JSON.stringify([
    apiKeys.docs.map((d) => {
      // lastUsedAt moves when a key authenticates (at most once a minute), so a refused request may touch it
      const { lastUsedAt: _touched, ...key } = d.data();
      return [d.id, key];
    }),
    endpoints.docs.map((d) => [d.id, d.data()]),
    sessions.docs.map((d) => [d.id, d.data()]),
    subscriptions.docs.map((d) => [d.id, d.data()]),
  ]);
}

async function ids(who: 'a' | 'b', path: string): Promise<string[]> {
  const response = await call(who, 'GET', path);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { id: string }[] }).data.map((x) => x.id);
}

async function createEndpointOfB(url: string): Promise<string> {
  const created = await call('b', 'POST', '/v1/webhook-endpoints', { url });
  expect(created.status).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

async function subscribeA(): Promise<string> {
  const created = await call('a', 'POST', '/v1/subscriptions', {
    endpointId: endpointOfA,
    mailboxIds: ['mbx_a', 'mbx_a'],
    eventTypes: ['message.created'],
  });
  expect(created.status).toBe(201);
  const subscription = (await created.json()) as { id: string; mailboxIds: string[] };
  expect(subscription.mailboxIds).toEqual(['mbx_a']);
  return subscription.id;
}

/** Strings only workspace A's data holds: none may appear in what workspace B is shown. */
const marksOfA = () => [
  'ws_a',
  'mbx_a',
  'a@example.com',
  'hooks.example/a',
  endpointOfA,
  subscriptionOfA,
  'rpl_a',
  'dlv_a',
  'thr_a',
  keyIdOf(api.keys.a)!,
];

/** Every document of workspace A, so a call of B's can be shown to have changed none of them. */
async function everythingOfA(): Promise<string> {
  const docs: [string, unknown][] = [];
  for (const name of [
    'apiKeys',
    'webhookEndpoints',
    'connectSessions',
    'subscriptions',
    'replays',
    'deliveries',
  ])
    for (const d of (await db.collection(name).where('workspaceId', '==', 'ws_a').get()).docs) {
      // lastUsedAt moves when a key authenticates (at most once a minute), so a refused request may touch it
      const { lastUsedAt: _touched, ...data } = d.data();
      docs.push([d.ref.path, data]);
    }
  const lock = await db.collection('replayLocks').doc(endpointOfA).get();
  docs.push([lock.ref.path, lock.data() ?? null]);
  for (const id of ['mbx_a', 'mbx_a2']) {
    const mailbox = db.collection('mailboxes').doc(id);
    docs.push([mailbox.path, (await mailbox.get()).data() ?? null]);
    for (const sub of await mailbox.listCollections())
      for (const d of (await sub.get()).docs) docs.push([d.ref.path, d.data()]);
  }
  return JSON.stringify(docs.sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * How a keyed route is called with workspace B's key. `own`: on B's own workspace (a list, or a create),
 * answered 2xx with none of A's data. `foreign`: naming one of A's resources (its id is given to `path` and
 * `body`), answered exactly as if no such resource existed (a 404, a 400 naming an unknown id, an empty list).
 */
type Probe =
  | { own: true; path: string; body?: unknown }
  | { own?: false; foreign: () => string; path: (id: string) => string; body?: (id: string) => unknown };

const MISSING = 'missing_0000';
const probes: Record<string, Probe[]> = {
  'POST /v1/mailboxes/connect-sessions': [
    // the same external ids as A's mailbox: B gets a session of its own, not A's mailbox
    {
      own: true,
      path: '/v1/mailboxes/connect-sessions',
      body: { tenantExternalId: 't', mailboxExternalId: 'm' },
    },
  ],
  'GET /v1/mailboxes': [{ own: true, path: '/v1/mailboxes' }],
  'GET /v1/mailboxes/:mailboxId': [{ foreign: () => 'mbx_a', path: (id) => `/v1/mailboxes/${id}` }],
  'DELETE /v1/mailboxes/:mailboxId': [{ foreign: () => 'mbx_a', path: (id) => `/v1/mailboxes/${id}` }],
  'GET /v1/mailboxes/:mailboxId/events': [
    { foreign: () => 'mbx_a', path: (id) => `/v1/mailboxes/${id}/events` },
  ],
  'GET /v1/events': [
    { own: true, path: '/v1/events' },
    { foreign: () => 'mbx_a', path: (id) => `/v1/events?mailboxId=${id}` },
  ],
  'GET /v1/messages': [
    { own: true, path: '/v1/messages' },
    { foreign: () => 'mbx_a', path: (id) => `/v1/messages?mailboxId=${id}` },
  ],
  'GET /v1/messages/:id': [
    { foreign: () => 'mbx_a', path: (id) => `/v1/messages/${msg('m1', id)}` },
    { foreign: () => 'mbx_a', path: (id) => `/v1/messages/${msg('m1', id)}?mailboxId=${id}` },
  ],
  'GET /v1/threads': [
    { own: true, path: '/v1/threads' },
    { foreign: () => 'mbx_a', path: (id) => `/v1/threads?mailboxId=${id}` },
  ],
  'GET /v1/threads/:id': [
    { foreign: () => 'mbx_a', path: (id) => `/v1/threads/${thr('thr_a', id)}` },
    { foreign: () => 'mbx_a', path: (id) => `/v1/threads/${thr('thr_a', id)}?mailboxId=${id}` },
  ],
  'GET /v1/mailboxes/:mailboxId/sync-runs': [
    { foreign: () => 'mbx_a', path: (id) => `/v1/mailboxes/${id}/sync-runs` },
  ],
  'GET /v1/mailboxes/:mailboxId/health': [
    { foreign: () => 'mbx_a', path: (id) => `/v1/mailboxes/${id}/health` },
  ],
  'GET /v1/observability': [{ own: true, path: '/v1/observability' }],
  'GET /v1/mailboxes/:mailboxId/observability': [
    { foreign: () => 'mbx_a', path: (id) => `/v1/mailboxes/${id}/observability` },
  ],
  'POST /v1/webhook-endpoints/:endpointId/subscriptions': [
    {
      foreign: () => endpointOfA,
      path: (id) => `/v1/webhook-endpoints/${id}/subscriptions`,
      body: () => ({ mailboxIds: ['all'], eventTypes: ['message.created'] }),
    },
  ],
  'GET /v1/webhook-endpoints/:endpointId/subscriptions': [
    { foreign: () => endpointOfA, path: (id) => `/v1/webhook-endpoints/${id}/subscriptions` },
  ],
  'DELETE /v1/webhook-endpoints/:endpointId/subscriptions/:subscriptionId': [
    {
      foreign: () => endpointOfA,
      path: (id) => `/v1/webhook-endpoints/${id}/subscriptions/${subscriptionOfA}`,
    },
    {
      foreign: () => subscriptionOfA,
      path: (id) => `/v1/webhook-endpoints/${endpointOfA}/subscriptions/${id}`,
    },
  ],
  'POST /v1/webhook-endpoints': [
    {
      foreign: () => 'mbx_a',
      path: () => '/v1/webhook-endpoints',
      body: (id) => ({ url: 'https://hooks.example/b-x', mailboxIds: [id] }),
    },
  ],
  'GET /v1/webhook-endpoints': [{ own: true, path: '/v1/webhook-endpoints' }],
  'GET /v1/webhook-endpoints/:id': [
    { foreign: () => endpointOfA, path: (id) => `/v1/webhook-endpoints/${id}` },
  ],
  'PATCH /v1/webhook-endpoints/:id': [
    {
      foreign: () => endpointOfA,
      path: (id) => `/v1/webhook-endpoints/${id}`,
      body: () => ({ status: 'disabled' }),
    },
  ],
  'DELETE /v1/webhook-endpoints/:id': [
    { foreign: () => endpointOfA, path: (id) => `/v1/webhook-endpoints/${id}` },
  ],
  'POST /v1/webhook-endpoints/:id/rotate-secret': [
    { foreign: () => endpointOfA, path: (id) => `/v1/webhook-endpoints/${id}/rotate-secret` },
  ],
  'POST /v1/subscriptions': [
    {
      foreign: () => endpointOfA,
      path: () => '/v1/subscriptions',
      body: (id) => ({ endpointId: id, mailboxIds: 'all' }),
    },
  ],
  'GET /v1/subscriptions': [
    { own: true, path: '/v1/subscriptions' },
    { foreign: () => endpointOfA, path: (id) => `/v1/subscriptions?endpointId=${id}` },
  ],
  'GET /v1/subscriptions/:id': [{ foreign: () => subscriptionOfA, path: (id) => `/v1/subscriptions/${id}` }],
  'PATCH /v1/subscriptions/:id': [
    {
      foreign: () => subscriptionOfA,
      path: (id) => `/v1/subscriptions/${id}`,
      body: () => ({ eventTypes: 'all' }),
    },
  ],
  'DELETE /v1/subscriptions/:id': [
    { foreign: () => subscriptionOfA, path: (id) => `/v1/subscriptions/${id}` },
  ],
  'POST /v1/replays': [
    {
      foreign: () => endpointOfA,
      path: () => '/v1/replays',
      body: (id) => ({ endpointId: id, eventIds: ['evt_1'] }),
    },
  ],
  'GET /v1/replays': [{ own: true, path: '/v1/replays' }],
  'GET /v1/replays/:replayId': [{ foreign: () => 'rpl_a', path: (id) => `/v1/replays/${id}` }],
  'POST /v1/replays/:replayId/cancel': [{ foreign: () => 'rpl_a', path: (id) => `/v1/replays/${id}/cancel` }],
  'POST /v1/api-keys': [{ own: true, path: '/v1/api-keys', body: { label: 'probe' } }],
  'GET /v1/api-keys': [{ own: true, path: '/v1/api-keys' }],
  'DELETE /v1/api-keys/:keyId': [{ foreign: () => keyIdOf(api.keys.a)!, path: (id) => `/v1/api-keys/${id}` }],
  'GET /v1/deliveries': [
    { own: true, path: '/v1/deliveries' },
    { foreign: () => endpointOfA, path: (id) => `/v1/deliveries?endpointId=${id}` },
  ],
  'GET /v1/deliveries/:deliveryId': [{ foreign: () => 'dlv_a', path: (id) => `/v1/deliveries/${id}` }],
};

const keyedRoutes = apiRoutes(() => undefined)
  .filter((r) => r.auth === 'apiKey')
  .map((r) => `${r.method} ${r.path}`);

describe('every keyed route, called with another workspace’s key', () => {
  it.each(keyedRoutes)(
    '%s reaches its handler as that workspace, shows nothing of A’s and changes nothing of A’s',
    async (route) => {
      const method = route.split(' ')[0]!;
      const routeProbes = probes[route];
      expect(routeProbes, `no probe calls ${route} with another workspace’s key`).toBeDefined();
      for (const probe of routeProbes!) {
        const before = await everythingOfA();
        const handled = api.handled.length;
        if (probe.own) {
          const response = await call('b', method, probe.path, probe.body);
          const text = await response.text();
          expect(response.status, text).toBeGreaterThanOrEqual(200);
          expect(response.status, text).toBeLessThan(300);
          for (const mark of marksOfA()) expect(text).not.toContain(mark);
        } else {
          const foreign = probe.foreign();
          const refused = await call('b', method, probe.path(foreign), probe.body?.(foreign));
          const refusedText = await refused.text();
          const missing = await call('b', method, probe.path(MISSING), probe.body?.(MISSING));
          // answered exactly as for a resource that does not exist: nothing tells B that A's is there
          expect(missing.status).toBeLessThan(500);
          expect([refused.status, refusedText.replaceAll(foreign, MISSING)]).toEqual([
            missing.status,
            await missing.text(),
          ]);
          for (const mark of marksOfA()) expect(refusedText.replaceAll(foreign, '')).not.toContain(mark);
        }
        // the call matched this route and its handler ran for workspace B, not a 404 for a path nothing serves
        expect(api.handled.slice(handled)).toContainEqual({ route, workspaceId: 'ws_b' });
        expect(await everythingOfA()).toBe(before);
      }
    },
  );
});

describe('workspace isolation', () => {
  it('GET /v1/webhook-endpoints/:id refuses another workspace’s key', async () => {
    await expectNotFound(await call('b', 'GET', `/v1/webhook-endpoints/${endpointOfA}`), marksOfA());
    const mine = await call('a', 'GET', `/v1/webhook-endpoints/${endpointOfA}`);
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ id: endpointOfA, status: 'enabled', failingSince: null });
  });

  it('POST /v1/webhook-endpoints files the endpoint under the caller’s workspace, invisible to another workspace', async () => {
    const endpointOfB = await createEndpointOfB('https://hooks.example/b-own');
    expect((await db.collection('webhookEndpoints').doc(endpointOfB).get()).get('workspaceId')).toBe('ws_b');
    await expectNotFound(await call('a', 'GET', `/v1/webhook-endpoints/${endpointOfB}`), [
      'ws_b',
      'hooks.example/b-own',
    ]);
    expect(await ids('a', '/v1/webhook-endpoints')).not.toContain(endpointOfB);
    expect((await call('b', 'GET', `/v1/webhook-endpoints/${endpointOfB}`)).status).toBe(200);
    // another workspace's mailbox cannot be named in an endpoint's filter, on create or update
    const before = await snapshot();
    for (const [method, path] of [
      ['POST', '/v1/webhook-endpoints'],
      ['PATCH', `/v1/webhook-endpoints/${endpointOfB}`],
    ] as const) {
      const refused = await call('b', method, path, {
        url: 'https://hooks.example/b2',
        mailboxIds: ['mbx_a'],
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        code: 'unknown_mailbox',
        detail: expect.stringContaining('mbx_a'),
      });
    }
    expect(await snapshot()).toBe(before);
    expect((await call('b', 'DELETE', `/v1/webhook-endpoints/${endpointOfB}`)).status).toBe(204);
  });

  it('GET /v1/webhook-endpoints lists only the caller’s endpoints, none of another workspace’s', async () => {
    const endpointOfB = await createEndpointOfB('https://hooks.example/b-listed');
    const mine = await ids('a', '/v1/webhook-endpoints');
    expect(mine).toContain(endpointOfA);
    expect(mine).not.toContain(endpointOfB);
    expect(await ids('b', '/v1/webhook-endpoints')).toEqual([endpointOfB]);
    expect((await call('b', 'DELETE', `/v1/webhook-endpoints/${endpointOfB}`)).status).toBe(204);
  });

  it('PATCH /v1/webhook-endpoints/:id refuses another workspace’s key and changes nothing', async () => {
    const before = await snapshot();
    await expectNotFound(
      await call('b', 'PATCH', `/v1/webhook-endpoints/${endpointOfA}`, { status: 'disabled' }),
      marksOfA(),
    );
    expect(await snapshot()).toBe(before);
  });

  it('POST /v1/webhook-endpoints/:id/rotate-secret refuses another workspace’s key', async () => {
    const before = await snapshot();
    await expectNotFound(
      await call('b', 'POST', `/v1/webhook-endpoints/${endpointOfA}/rotate-secret`),
      marksOfA(),
    );
    expect(await snapshot()).toBe(before);
  });

  it('DELETE /v1/webhook-endpoints/:id refuses another workspace’s key, and the endpoint keeps its subscriptions', async () => {
    const subscription = await subscribeA();
    const before = await snapshot();
    await expectNotFound(await call('b', 'DELETE', `/v1/webhook-endpoints/${endpointOfA}`), marksOfA());
    expect(await snapshot()).toBe(before);
    expect((await db.collection('webhookEndpoints').doc(endpointOfA).get()).exists).toBe(true);
    expect(await ids('a', `/v1/subscriptions?endpointId=${endpointOfA}`)).toEqual([
      subscriptionOfA,
      subscription,
    ]);
    expect((await call('a', 'GET', `/v1/subscriptions/${subscriptionOfA}`)).status).toBe(200);
    expect((await call('a', 'DELETE', `/v1/subscriptions/${subscription}`)).status).toBe(204);
  });

  it('POST /v1/subscriptions refuses another workspace’s endpoint and mailboxes, and writes nothing', async () => {
    const before = await snapshot();
    const foreignEndpoint = await call('b', 'POST', '/v1/subscriptions', {
      endpointId: endpointOfA,
      mailboxIds: 'all',
    });
    expect(foreignEndpoint.status).toBe(400);
    expect(await foreignEndpoint.json()).toMatchObject({ code: 'unknown_endpoint' });
    const endpointOfB = await createEndpointOfB('https://hooks.example/b');
    const afterEndpoint = await snapshot();
    const foreignMailbox = await call('b', 'POST', '/v1/subscriptions', {
      endpointId: endpointOfB,
      mailboxIds: ['mbx_a'],
    });
    expect(foreignMailbox.status).toBe(400);
    expect(await foreignMailbox.json()).toMatchObject({
      code: 'unknown_mailbox',
      detail: expect.stringContaining('mbx_a'),
    });
    expect(await snapshot()).toBe(afterEndpoint);
    expect(before).not.toBe(afterEndpoint);
    expect((await call('b', 'DELETE', `/v1/webhook-endpoints/${endpointOfB}`)).status).toBe(204);
  });

  it('GET /v1/subscriptions/:id refuses another workspace’s key', async () => {
    const subscription = await subscribeA();
    const before = await snapshot();
    await expectNotFound(await call('b', 'GET', `/v1/subscriptions/${subscription}`), marksOfA());
    expect(await snapshot()).toBe(before);
    const mine = await call('a', 'GET', `/v1/subscriptions/${subscription}`);
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ id: subscription, mailboxIds: ['mbx_a'] });
    expect((await call('a', 'DELETE', `/v1/subscriptions/${subscription}`)).status).toBe(204);
  });

  it('GET /v1/subscriptions lists only the caller’s subscriptions, none of another workspace’s', async () => {
    const subscription = await subscribeA();
    const endpointOfB = await createEndpointOfB('https://hooks.example/b-subscribed');
    const theirs = await call('b', 'POST', '/v1/subscriptions', {
      endpointId: endpointOfB,
      mailboxIds: 'all',
    });
    expect(theirs.status).toBe(201);
    const subscriptionOfB = ((await theirs.json()) as { id: string }).id;
    const before = await snapshot();
    expect(await ids('b', '/v1/subscriptions')).toEqual([subscriptionOfB]);
    expect(await ids('b', `/v1/subscriptions?endpointId=${endpointOfA}`)).toEqual([]);
    expect(await ids('a', `/v1/subscriptions?endpointId=${endpointOfA}`)).toEqual([
      subscriptionOfA,
      subscription,
    ]);
    const mine = await ids('a', '/v1/subscriptions');
    expect(mine).toEqual(expect.arrayContaining([subscriptionOfA, subscription]));
    expect(mine).not.toContain(subscriptionOfB);
    expect(await snapshot()).toBe(before);
    expect((await call('a', 'DELETE', `/v1/subscriptions/${subscription}`)).status).toBe(204);
    expect((await call('b', 'DELETE', `/v1/webhook-endpoints/${endpointOfB}`)).status).toBe(204);
  });

  it('PATCH /v1/subscriptions/:id refuses another workspace’s key and changes nothing', async () => {
    const subscription = await subscribeA();
    const before = await snapshot();
    await expectNotFound(
      await call('b', 'PATCH', `/v1/subscriptions/${subscription}`, { eventTypes: 'all' }),
      [...marksOfA(), subscription],
    );
    expect(await snapshot()).toBe(before);
    const patched = await call('a', 'PATCH', `/v1/subscriptions/${subscription}`, { eventTypes: 'all' });
    expect(await patched.json()).toMatchObject({
      id: subscription,
      eventTypes: 'all',
      mailboxIds: ['mbx_a'],
    });
    expect((await call('a', 'DELETE', `/v1/subscriptions/${subscription}`)).status).toBe(204);
  });

  it('DELETE /v1/subscriptions/:id refuses another workspace’s key and deletes nothing', async () => {
    const subscription = await subscribeA();
    const before = await snapshot();
    await expectNotFound(await call('b', 'DELETE', `/v1/subscriptions/${subscription}`), marksOfA());
    expect(await snapshot()).toBe(before);
    expect((await call('a', 'DELETE', `/v1/subscriptions/${subscription}`)).status).toBe(204);
    expect((await call('a', 'GET', `/v1/subscriptions/${subscription}`)).status).toBe(404);
  });

  it('DELETE /v1/webhook-endpoints/:id deletes the endpoint’s subscriptions with it', async () => {
    const { id: endpoint } = (await (
      await call('a', 'POST', '/v1/webhook-endpoints', { url: 'https://hooks.example/doomed' })
    ).json()) as { id: string };
    await call('a', 'POST', '/v1/subscriptions', { endpointId: endpoint, mailboxIds: 'all' });
    await call('a', 'POST', '/v1/subscriptions', { endpointId: endpoint, mailboxIds: ['mbx_a'] });
    expect((await db.collection('subscriptions').where('endpointId', '==', endpoint).get()).size).toBe(2);
    expect((await call('a', 'DELETE', `/v1/webhook-endpoints/${endpoint}`)).status).toBe(204);
    expect((await db.collection('subscriptions').where('endpointId', '==', endpoint).get()).size).toBe(0);
  });

  it('GET /v1/mailboxes lists only the caller’s mailboxes, none of another workspace’s', async () => {
    const theirs = await ids('b', '/v1/mailboxes');
    expect(theirs).not.toContain('mbx_a');
    expect(theirs).toEqual([]);
    expect(await ids('a', '/v1/mailboxes')).toEqual(['mbx_a2', 'mbx_a']);
  });

  it('GET /v1/mailboxes/:mailboxId refuses another workspace’s key', async () => {
    await expectNotFound(await call('b', 'GET', '/v1/mailboxes/mbx_a'), marksOfA());
    expect((await call('a', 'GET', '/v1/mailboxes/mbx_a')).status).toBe(200);
  });

  it('DELETE /v1/mailboxes/:mailboxId refuses another workspace’s key and deletes nothing', async () => {
    const before = (await db.collection('mailboxes').doc('mbx_a').get()).data();
    const events = (await db.collection('mailboxes').doc('mbx_a').collection('events').get()).size;
    await expectNotFound(await call('b', 'DELETE', '/v1/mailboxes/mbx_a'), marksOfA());
    expect((await db.collection('mailboxes').doc('mbx_a').get()).data()).toEqual(before);
    expect((await db.collection('mailboxes').doc('mbx_a').collection('events').get()).size).toBe(events);
    expect((await db.collection('mailboxes').doc('mbx_a').collection('lease').get()).size).toBe(0);
  });
  it('GET /v1/mailboxes/:mailboxId/sync-runs refuses another workspace’s key, and pages newest first', async () => {
    const runs = db.collection('mailboxes').doc('mbx_a').collection('syncRuns');
    for (const [id, startedAt] of [
      ['run_1', 1000],
      ['run_2', 2000],
      ['run_3', 3000],
    ] as const)
      await runs.doc(id).set({
        id,
        mailboxId: 'mbx_a',
        kind: 'incremental',
        previousCursor: '1',
        nextCursor: '2',
        startedAt,
        finishedAt: startedAt + 10,
        outcome: 'succeeded',
        counts: { pages: 1, fetched: 1, events: 1, messagesWritten: 1, messagesDeleted: 0 },
        expireAt: new Date(startedAt + 86_400_000),
      });
    await expectNotFound(await call('b', 'GET', '/v1/mailboxes/mbx_a/sync-runs'), marksOfA());
    const first = (await (await call('a', 'GET', '/v1/mailboxes/mbx_a/sync-runs?limit=2')).json()) as {
      data: { id: string }[];
      nextCursor: string;
    };
    expect(first.data.map((r) => r.id)).toEqual(['run_3', 'run_2']);
    expect(first.data[0]).not.toHaveProperty('expireAt');
    const second = (await (
      await call('a', 'GET', `/v1/mailboxes/mbx_a/sync-runs?limit=2&cursor=${first.nextCursor}`)
    ).json()) as { data: { id: string }[]; nextCursor: string | null };
    expect(second).toMatchObject({ data: [{ id: 'run_1' }], nextCursor: null });
  });

  it('GET /v1/mailboxes/:mailboxId/health refuses another workspace’s key, and shows lag, counts and backlog', async () => {
    await db
      .collection('mailboxes')
      .doc('mbx_a')
      .update({ cursor: '100', hintHistoryId: '130', lastSuccessfulSyncAt: Date.now() - 60_000 });
    await expectNotFound(await call('b', 'GET', '/v1/mailboxes/mbx_a/health'), marksOfA());
    const health = (await (await call('a', 'GET', '/v1/mailboxes/mbx_a/health')).json()) as Record<
      string,
      unknown
    >;
    expect(health).toMatchObject({
      mailboxId: 'mbx_a',
      cursor: '100',
      latestKnownHistoryId: '130',
      cursorLagHistoryIds: 30,
      events: { total: 3, pendingFanOut: 0 },
    });
    expect(health.msSinceLastSync).toBeGreaterThanOrEqual(60_000);
    // a hint older than the cursor (a watch set up before the initial sync) never shows less than the cursor
    await db.collection('mailboxes').doc('mbx_a').update({ hintHistoryId: '90' });
    expect(await (await call('a', 'GET', '/v1/mailboxes/mbx_a/health')).json()).toMatchObject({
      latestKnownHistoryId: '100',
      cursorLagHistoryIds: 0,
    });
  });

  it('GET /v1/observability counts only the caller’s workspace, nothing of another workspace', async () => {
    const mine = (await (await call('a', 'GET', '/v1/observability')).json()) as {
      mailboxes: { total: number };
      events: { total: number };
      endpoints: { enabled: number };
    };
    expect(mine).toMatchObject({ mailboxes: { total: 2 }, events: { total: 3 } });
    expect(mine.endpoints.enabled).toBeGreaterThanOrEqual(1);
    const theirs = (await (await call('b', 'GET', '/v1/observability')).json()) as typeof mine;
    expect(theirs).toMatchObject({
      mailboxes: { total: 0 },
      events: { total: 0 },
      endpoints: { enabled: 0 },
    });
  });

  it('GET /v1/mailboxes/:mailboxId/events refuses another workspace’s key, and pages by seq for the owner', async () => {
    await expectNotFound(await call('b', 'GET', '/v1/mailboxes/mbx_a/events'), marksOfA());
    const page = (await (await call('a', 'GET', '/v1/mailboxes/mbx_a/events?afterSeq=1&limit=1')).json()) as {
      data: { seq: number }[];
      nextAfterSeq: number;
    };
    expect(page).toMatchObject({ data: [{ seq: 2 }], nextAfterSeq: 2 });
    expect((await call('a', 'GET', '/v1/mailboxes/mbx_a/events?limit=9999')).status).toBe(400);
  });

  it('POST /v1/api-keys creates the key in the caller’s workspace, never in another workspace', async () => {
    const created = await call('b', 'POST', '/v1/api-keys', { label: 'second' });
    expect(created.status).toBe(201);
    const { apiKey, keyId } = (await created.json()) as { apiKey: string; keyId: string };
    expect(apiKey.startsWith(`mm_live_${keyId}_`)).toBe(true);
    expect((await db.collection('apiKeys').doc(keyId).get()).data()).toMatchObject({
      workspaceId: 'ws_b',
      label: 'second',
    });
    const listedForA = (await (await call('a', 'GET', '/v1/api-keys')).json()) as {
      data: { keyId: string }[];
    };
    expect(listedForA.data.map((k) => k.keyId)).not.toContain(keyId);
    // the new key acts as its own workspace: it sees itself
    const asNewKey = await fetch(`${api.url}/v1/api-keys`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(((await asNewKey.json()) as { data: { keyId: string }[] }).data.map((k) => k.keyId)).toContain(
      keyId,
    );
  });

  it('GET /v1/api-keys lists only the caller’s keys, none of another workspace’s', async () => {
    const { keyId: newOfB } = (await (
      await call('b', 'POST', '/v1/api-keys', { label: 'listed' })
    ).json()) as {
      keyId: string;
    };
    const listed = (await (await call('a', 'GET', '/v1/api-keys')).json()) as {
      data: { keyId: string; workspaceId: string }[];
    };
    expect(listed.data.length).toBeGreaterThan(0);
    expect(listed.data.every((k) => k.workspaceId === 'ws_a')).toBe(true);
    expect(listed.data.map((k) => k.keyId)).toContain(keyIdOf(api.keys.a));
    expect(listed.data.map((k) => k.keyId)).not.toContain(newOfB);
    expect(JSON.stringify(listed)).not.toContain('secretHash');
    const theirs = (await (await call('b', 'GET', '/v1/api-keys')).json()) as {
      data: { keyId: string; workspaceId: string }[];
    };
    expect(theirs.data.map((k) => k.keyId)).toEqual(expect.arrayContaining([newOfB, keyIdOf(api.keys.b)]));
    expect(theirs.data.map((k) => k.keyId)).not.toContain(keyIdOf(api.keys.a));
    expect(theirs.data.every((k) => k.workspaceId === 'ws_b')).toBe(true);
  });

  it('DELETE /v1/api-keys/:keyId refuses another workspace’s key, and a revoked key stops working', async () => {
    const { apiKey, keyId } = (await (
      await call('b', 'POST', '/v1/api-keys', { label: 'doomed' })
    ).json()) as { apiKey: string; keyId: string };
    await expectNotFound(await call('a', 'DELETE', `/v1/api-keys/${keyId}`), [keyId]);
    const ok = await fetch(`${api.url}/v1/api-keys`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(ok.status).toBe(200);
    expect((await call('b', 'DELETE', `/v1/api-keys/${keyId}`)).status).toBe(204);
    const refused = await fetch(`${api.url}/v1/api-keys`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(refused.status).toBe(401);
  });

  it('GET /v1/deliveries lists only the caller’s deliveries, none of another workspace’s, newest first and by state', async () => {
    expect(await ids('b', '/v1/deliveries')).toEqual(['dlv_b']);
    const first = (await (await call('a', 'GET', '/v1/deliveries?limit=2')).json()) as {
      data: { id: string }[];
      nextCursor: string;
    };
    expect(first.data.map((d) => d.id)).toEqual(['dlv_a3', 'dlv_a2']);
    expect(first.data[0]).not.toHaveProperty('expireAt');
    const rest = (await (
      await call('a', 'GET', `/v1/deliveries?limit=2&cursor=${first.nextCursor}`)
    ).json()) as {
      data: { id: string }[];
      nextCursor: null;
    };
    expect(rest).toEqual({
      object: 'list',
      data: [expect.objectContaining({ id: 'dlv_a' })],
      nextCursor: null,
    });
    const failed = (await (await call('a', 'GET', '/v1/deliveries?state=failed')).json()) as {
      data: { id: string }[];
    };
    expect(failed.data.map((d) => d.id)).toEqual(['dlv_a3']);
    expect(failed.data[0]).toMatchObject({ failureReason: 'target_refused' });
    // a cursor is only a position: in another workspace it finds nothing of this one
    const stolen = await call('b', 'GET', `/v1/deliveries?cursor=${first.nextCursor}`);
    expect(stolen.status).toBe(200);
    expect(await stolen.json()).toEqual({ object: 'list', data: [], nextCursor: null });
    expect((await call('a', 'GET', '/v1/deliveries?state=lost')).status).toBe(400);
  });

  it('GET /v1/deliveries/:deliveryId refuses another workspace’s key, and shows the attempt log', async () => {
    await expectNotFound(await call('b', 'GET', '/v1/deliveries/dlv_a'), marksOfA());
    await expectNotFound(await call('b', 'GET', '/v1/deliveries/dlv_a3'), marksOfA());
    await expectNotFound(await call('a', 'GET', '/v1/deliveries/dlv_b'), ['ws_b', 'mbx_b', 'ep_b']);
    const mine = (await (await call('a', 'GET', '/v1/deliveries/dlv_a')).json()) as {
      id: string;
      attemptLog: unknown[];
    };
    expect(mine).toMatchObject({ id: 'dlv_a', attemptLog: [] });
    expect(await (await call('a', 'GET', '/v1/deliveries/dlv_a3')).json()).toMatchObject({
      failureReason: 'target_refused',
      attemptLog: [{ attempt: 1, status: 'refused', error: 'resolves to a private address' }],
    });
  });

  it('GET /v1/messages refuses another workspace’s mailbox, lists none of another workspace’s, and filters by label and date', async () => {
    await expectNotFound(await call('b', 'GET', '/v1/messages?mailboxId=mbx_a'), marksOfA());
    expect(await ids('b', '/v1/messages')).toEqual([]);
    expect(await ids('a', '/v1/messages?mailboxId=mbx_a')).toEqual([msg('m3'), msg('m2'), msg('m1')]);
    expect(await ids('a', '/v1/messages?mailboxId=mbx_a&labelId=INBOX')).toEqual([msg('m2'), msg('m1')]);
    expect(await ids('a', '/v1/messages?mailboxId=mbx_a&since=2026-01-15T00:00:00Z')).toEqual([
      msg('m3'),
      msg('m2'),
    ]);
    const first = (await (await call('a', 'GET', '/v1/messages?mailboxId=mbx_a&limit=2')).json()) as {
      data: { id: string }[];
      nextCursor: string;
    };
    const second = (await (
      await call('a', 'GET', `/v1/messages?mailboxId=mbx_a&limit=2&cursor=${first.nextCursor}`)
    ).json()) as { data: { id: string }[]; nextCursor: null };
    expect([...first.data, ...second.data].map((m) => m.id)).toEqual([msg('m3'), msg('m2'), msg('m1')]);
    expect(second.nextCursor).toBeNull();
    expect((await call('a', 'GET', '/v1/messages?mailboxId=mbx_a&since=yesterday')).status).toBe(400);
  });

  it('GET /v1/messages/:id refuses another workspace’s key, and shows the message without sync bookkeeping', async () => {
    await expectNotFound(await call('b', 'GET', `/v1/messages/${msg('m1')}`), marksOfA());
    await expectNotFound(await call('b', 'GET', `/v1/messages/${msg('m1')}?mailboxId=mbx_a`), marksOfA());
    const one = (await (await call('a', 'GET', `/v1/messages/${msg('m2')}`)).json()) as Record<
      string,
      unknown
    >;
    expect(one).toMatchObject({
      id: msg('m2'),
      object: 'message',
      mailboxId: 'mbx_a',
      threadId: thr('m2'),
      providerMessageId: 'm2',
      providerThreadId: 'm2',
      labelIds: ['INBOX', 'STARRED'],
      receivedAt: '2026-02-01T00:00:00.000Z',
    });
    expect(one).not.toHaveProperty('generation');
    // a mailboxId beside the id must be the mailbox the id names
    expect((await call('a', 'GET', `/v1/messages/${msg('m2')}?mailboxId=mbx_a`)).status).toBe(200);
    expect((await call('a', 'GET', `/v1/messages/${msg('m2')}?mailboxId=mbx_a2`)).status).toBe(404);
    // a Gmail id is not the API's id of a message
    expect((await call('a', 'GET', '/v1/messages/m2?mailboxId=mbx_a')).status).toBe(404);
  });
  it('GET /v1/messages without mailboxId lists every mailbox of the caller’s workspace, newest first, and pages', async () => {
    const theirs = (await (await call('b', 'GET', '/v1/messages')).json()) as { data: unknown[] };
    expect(theirs.data).toEqual([]);
    const all = (await (await call('a', 'GET', '/v1/messages?labelId=INBOX')).json()) as {
      data: { id: string; mailboxId: string }[];
    };
    expect(all.data.map((m) => m.id)).toEqual([msg('n1', 'mbx_a2'), msg('m2'), msg('m1')]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await call('a', 'GET', `/v1/messages?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()) as { data: { id: string }[]; nextCursor: string | null };
      seen.push(...page.data.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([msg('m3'), msg('n1', 'mbx_a2'), msg('m2'), msg('m1')]);
    // a cursor is only a position: in another workspace it finds nothing of this one
    const first = (await (await call('a', 'GET', '/v1/messages?limit=1')).json()) as { nextCursor: string };
    const stolen = (await (await call('b', 'GET', `/v1/messages?cursor=${first.nextCursor}`)).json()) as {
      data: unknown[];
    };
    expect(stolen.data).toEqual([]);
  });

  it('GET /v1/threads refuses another workspace’s mailbox, and lists none of another workspace’s threads', async () => {
    await expectNotFound(await call('b', 'GET', '/v1/threads?mailboxId=mbx_a'), marksOfA());
    expect(await ids('b', '/v1/threads')).toEqual([]);
    expect(await ids('a', '/v1/threads?mailboxId=mbx_a')).toEqual([thr('thr_a')]);
    expect(await ids('a', '/v1/threads?labelId=STARRED')).toEqual([thr('thr_a')]);
  });

  it('GET /v1/threads/:id refuses another workspace’s key, and shows the thread without sync bookkeeping', async () => {
    await expectNotFound(await call('b', 'GET', `/v1/threads/${thr('thr_a')}`), marksOfA());
    await expectNotFound(await call('b', 'GET', `/v1/threads/${thr('thr_a')}?mailboxId=mbx_a`), marksOfA());
    const mine = await call('a', 'GET', `/v1/threads/${thr('thr_a')}`);
    expect(mine.status).toBe(200);
    expect(await mine.json()).toEqual({
      id: thr('thr_a'),
      object: 'thread',
      mailboxId: 'mbx_a',
      providerThreadId: 'thr_a',
      subject: threadOfA.subject,
      snippet: threadOfA.snippet,
      lastMessageAt: '2026-02-01T00:00:00.000Z',
      labelIds: threadOfA.labelIds,
      messageCount: 2,
      messageIds: [msg('m1'), msg('m2')],
      messages: [
        { id: msg('m1'), subject: 'first', receivedAt: '2026-01-01T00:00:00.000Z' },
        { id: msg('m2'), subject: 'Re: first', receivedAt: '2026-02-01T00:00:00.000Z' },
      ],
    });
  });

  it('POST /v1/mailboxes/connect-sessions files the session under the caller’s own workspace, never another workspace', async () => {
    const created = await call('b', 'POST', '/v1/mailboxes/connect-sessions', {
      tenantExternalId: 't',
      mailboxExternalId: 'm',
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await db.collection('connectSessions').doc(id).get()).get('workspaceId')).toBe('ws_b');
  });
});

describe('query parameters', () => {
  it('refuse a cursor a list did not give out with 400 invalid_cursor, rather than answer an empty last page', async () => {
    for (const path of ['/v1/deliveries?cursor=dlv_0123', '/v1/messages?cursor=bm90LWEtY3Vyc29y']) {
      const response = await call('a', 'GET', path);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'invalid_cursor' });
    }
  });

  it('are refused with 400 problem JSON on a route that takes none, as unknown ones are elsewhere', async () => {
    for (const path of ['/v1/webhook-endpoints?status=enabled', '/v1/mailboxes?limit=5&colour=blue']) {
      const response = await call('a', 'GET', path);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({
        code: 'invalid_request',
        errors: [expect.objectContaining({ in: 'query', path: expect.stringMatching(/^(status|colour)$/) })],
      });
    }
  });
});

describe('invalid and fuzzed bodies', () => {
  // titles are built from `label`, so route-coverage.test.ts reads each `method`/`label` pair of this table
  const routes = [
    {
      method: 'POST',
      label: '/v1/mailboxes/connect-sessions',
      path: () => '/v1/mailboxes/connect-sessions',
      schema: CreateConnectSessionInput,
    },
    {
      method: 'POST',
      label: '/v1/webhook-endpoints',
      path: () => '/v1/webhook-endpoints',
      schema: CreateEndpointInput,
    },
    { method: 'POST', label: '/v1/api-keys', path: () => '/v1/api-keys', schema: CreateApiKeyInput },
    {
      method: 'POST',
      label: '/v1/subscriptions',
      path: () => '/v1/subscriptions',
      schema: CreateSubscriptionInput,
    },
    {
      method: 'POST',
      label: '/v1/webhook-endpoints/:endpointId/subscriptions',
      path: () => `/v1/webhook-endpoints/${endpointOfA}/subscriptions`,
      schema: CreateEndpointSubscriptionsInput,
    },
    {
      method: 'PATCH',
      label: '/v1/subscriptions/:id',
      path: () => `/v1/subscriptions/${subscriptionOfA}`,
      schema: UpdateSubscriptionInput,
    },
    {
      method: 'PATCH',
      label: '/v1/webhook-endpoints/:id',
      path: () => `/v1/webhook-endpoints/${endpointOfA}`,
      schema: UpdateEndpointInput,
    },
  ];
  // few keys with plausible values next to arbitrary ones, so bodies get close to valid, not only lacking a key
  const plausible = fc.constantFrom<unknown>(
    'https://hooks.example/fuzz',
    'http://127.0.0.1/',
    'fuzz',
    ' ',
    '',
    'all',
    'disabled',
    'message.created',
    ['message.created'],
    ['mbx_a'],
    ['mbx_unknown'],
    'someone@example.com',
  );
  const bodies = fc.oneof(
    fc.object(),
    fc.array(fc.anything()),
    fc.dictionary(
      fc.constantFrom(
        'url',
        'description',
        'tenantExternalId',
        'mailboxExternalId',
        'returnUrl',
        'loginHint',
        'label',
        'eventTypes',
        'mailboxIds',
        'endpointId',
        'status',
        'extra',
      ),
      fc.oneof(plausible, fc.anything()),
      { maxKeys: 3 },
    ),
  );
  // what is actually sent: the JSON round trip drops undefined, turns -0 into 0, and so on
  const sent = bodies.map((x): unknown => JSON.parse(JSON.stringify(x) ?? 'null'));
  for (const route of routes) {
    it(`${route.method} ${route.label} answers 400 problem JSON and writes nothing`, async () => {
      const before = await snapshot();
      await fc.assert(
        fc.asyncProperty(
          // top-level JSON primitives are refused by the Functions Framework's strict body parser before any handler
          sent.filter((x) => typeof x === 'object' && x !== null && !v.is(route.schema, x)),
          async (body) => {
            const response = await call('a', route.method, route.path(), body);
            expect(response.status).toBe(400);
            expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            expect((await response.json()) as { code: string }).toMatchObject({ code: 'invalid_request' });
          },
        ),
        { numRuns: 40, seed: 7 },
      );
      expect(await snapshot()).toBe(before);
    });
  }

  it('POST and PATCH routes answer a body that is not JSON with 400 and write nothing', async () => {
    const before = await snapshot();
    for (const route of routes)
      await expectNotJsonRefused(api, route.method, route.path(), '{"label": "unterminated');
    expect(await snapshot()).toBe(before);
  });
});
