import { createServer } from 'node:net';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveConsent } from '../../emulators/gmail/approve-consent.js';
import { type LocalStack, startLocalStack } from '../../emulators/stack.js';
import { eventually } from '../../emulators/testing/eventually.js';
import { emulatorHosts, newProjectId } from '../../emulators/testing/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../emulators/testing/webhook-receiver.js';
import { messageResourceId, threadResourceId } from '../../shared/events/resource-ids.js';
import { replayDeliveryId } from '../../shared/webhooks/replays/dispatch-replays.js';
import { issueApiKey } from '../../shared/workspaces/api-keys.js';
import { seedOperations, seedSchemas } from './testing/seed-contract.js';

// The seed README's API examples, run as written there through the real functions of the local stack; only
// its placeholders (`mbx_...`, `whe_...`, `rpl_...`, the host) are filled in, and its replay window, an hour
// in May 2026, is moved to the hour before the test so that it holds the mailbox's events.
let stack: LocalStack;
let receiver: WebhookReceiver;
let apiKey = '';
let mailboxId = '';
let endpointId = '';
let replayId = '';
let deadEndpointId = '';
const email = 'seed-readme@example.com';

type Json = Record<string, unknown>;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Json) : {} };
}

/** The seed README's connect-session request body. */
const seedConnectBody = {
  provider: 'gmail',
  tenantExternalId: 'tenant_demo',
  mailboxExternalId: 'primary',
  redirectUrl: 'http://localhost:3000/connected',
};
const seedEventTypes = ['message.created', 'message.updated', 'thread.updated'];
const lastHour = () => ({
  startTime: new Date(Date.now() - 3_600_000).toISOString(),
  endTime: new Date().toISOString(),
});

async function closedLoopbackPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  stack = await startLocalStack({ ...emulatorHosts(), projectId: newProjectId('seed'), logWrite: () => {} });
  await stack.runtime.workspaces.createWorkspace({ id: 'ws_seed', name: 'Seed', createdAt: Date.now() });
  ({ apiKey } = await issueApiKey(
    { workspaces: stack.runtime.workspaces, clock: stack.runtime.clock },
    'ws_seed',
    'seed',
  ));
  receiver = await startWebhookReceiver();
  await stack.gmail.admin.createUser(email);
  await stack.gmail.admin.addMessage(email, {
    from: 'Billing Team <billing@example.com>',
    to: email,
    subject: 'Hello',
    text: 'Email snippet',
  });
  await stack.gmail.admin.addMessage(email, {
    from: 'ops@example.com',
    to: email,
    subject: 'Re: Hello',
    text: '.',
  });
  const session = await call('POST', '/v1/mailboxes/connect-sessions', seedConnectBody);
  expect(session.status).toBe(201);
  const consent = (await fetch(String(session.json.connectUrl), { redirect: 'manual' })).headers.get(
    'location',
  )!;
  const done = await fetch(await approveConsent(consent, email), { redirect: 'manual' });
  expect(done.headers.get('location')).toMatch(/^http:\/\/localhost:3000\/connected/);
  mailboxId = await eventually(
    async () => {
      const { json } = await call('GET', '/v1/mailboxes');
      return (json.data as Json[]).find((m) => m.syncState === 'healthy')?.id as string | undefined;
    },
    30_000,
    'the first sync',
  );
  const endpoint = await call('POST', '/v1/webhook-endpoints', { url: receiver.url });
  endpointId = String(endpoint.json.id);
  // deliveries to a closed port keep failing and retrying, so a replay to it stays running
  const dead = await call('POST', '/v1/webhook-endpoints', {
    url: `http://127.0.0.1:${await closedLoopbackPort()}/hooks`,
  });
  deadEndpointId = String(dead.json.id);
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('the seed README’s API requests, as written there', () => {
  it('POST /v1/mailboxes/connect-sessions with provider and redirectUrl answers a connect session', async () => {
    const { status, json } = await call('POST', '/v1/mailboxes/connect-sessions', seedConnectBody);
    expect(status).toBe(201);
    expect(json).toMatchObject({
      id: expect.any(String),
      object: 'connect_session',
      connectUrl: expect.stringContaining('/oauth/gmail/'),
      expiresAt: expect.stringMatching(iso),
    });
    const consent = await fetch(String(json.connectUrl), { redirect: 'manual' });
    expect(consent.status).toBe(302);
    expect(consent.headers.get('location')).toContain(stack.gmail.endpoints.authorizeUrl);
  });

  it('GET /v1/mailboxes/mbx_... answers the mailbox’s state', async () => {
    const { status, json } = await call('GET', `/v1/mailboxes/${mailboxId}`);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      id: mailboxId,
      object: 'mailbox',
      provider: 'gmail',
      emailAddress: email,
      status: 'active',
      syncState: 'healthy',
      watchState: 'active',
      initializedAt: expect.stringMatching(iso),
      lastSuccessfulSyncAt: expect.stringMatching(iso),
      lastError: null,
    });
  });

  it('GET /v1/messages?mailboxId=mbx_...&limit=50 lists the messages with Mailmon’s ids and Gmail’s', async () => {
    const { status, json } = await call('GET', `/v1/messages?mailboxId=${mailboxId}&limit=50`);
    expect(status).toBe(200);
    expect(json).toMatchObject({ object: 'list', nextCursor: null });
    const data = json.data as Json[];
    expect(data.map((m) => m.subject).sort()).toEqual(['Hello', 'Re: Hello']);
    for (const m of data) {
      expect(m.id).toBe(messageResourceId(mailboxId, String(m.providerMessageId)));
      expect(m.threadId).toBe(threadResourceId(mailboxId, String(m.providerThreadId)));
    }
    expect(data.find((m) => m.subject === 'Hello')?.from).toEqual({
      name: 'Billing Team',
      email: 'billing@example.com',
    });
    expect(data.find((m) => m.subject === 'Re: Hello')?.from).toEqual({
      name: null,
      email: 'ops@example.com',
    });
  });

  it('GET /v1/threads?mailboxId=mbx_...&limit=50 lists the threads', async () => {
    const { status, json } = await call('GET', `/v1/threads?mailboxId=${mailboxId}&limit=50`);
    expect(status).toBe(200);
    expect(json).toMatchObject({ object: 'list', nextCursor: null });
    expect((json.data as Json[]).length).toBeGreaterThan(0);
    expect(json.data).toContainEqual(expect.objectContaining({ object: 'thread', mailboxId }));
  });

  it('GET /v1/mailboxes/mbx_.../sync-runs lists the mailbox’s sync runs', async () => {
    const { status, json } = await call('GET', `/v1/mailboxes/${mailboxId}/sync-runs`);
    expect(status).toBe(200);
    expect(json.object).toBe('list');
    expect(json.data).toContainEqual(
      expect.objectContaining({
        mailboxId,
        status: 'completed',
        completedAt: expect.stringMatching(iso),
        cursorAdvanced: true,
      }),
    );
  });

  it('GET /v1/mailboxes/mbx_.../observability answers lag, cursor, lease, deliveries and the latest run', async () => {
    const { status, json } = await call('GET', `/v1/mailboxes/${mailboxId}/observability`);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      object: 'mailbox_observability',
      mailboxId,
      lag: { status: 'active', syncState: 'healthy', watchState: 'active' },
      cursor: { currentCursor: expect.any(String) },
      lease: { contentionCount24h: expect.any(Number), leaseLossCount24h: expect.any(Number) },
      latestSyncRun: expect.objectContaining({ mailboxId }),
    });
  });

  it('POST /v1/webhook-endpoints with url and description answers the endpoint and its secret, once', async () => {
    const { status, json } = await call('POST', '/v1/webhook-endpoints', {
      url: 'https://example.com/webhooks/mailmon',
      description: 'Production mailbox events',
    });
    expect(status).toBe(201);
    expect(json).toMatchObject({
      object: 'webhook_endpoint',
      url: 'https://example.com/webhooks/mailmon',
      description: 'Production mailbox events',
      deliveryState: 'healthy',
      lastDeliveryAt: null,
      lastDeliveryError: null,
      secret: expect.stringMatching(/^whsec_/),
    });
    const again = await call('GET', `/v1/webhook-endpoints/${String(json.id)}`);
    expect(again.json).not.toHaveProperty('secret');
    expect((await call('DELETE', `/v1/webhook-endpoints/${String(json.id)}`)).status).toBe(204);
  });

  it('POST /v1/webhook-endpoints/whe_.../subscriptions subscribes the endpoint, one subscription per mailbox', async () => {
    const { status, json } = await call('POST', `/v1/webhook-endpoints/${endpointId}/subscriptions`, {
      mailboxIds: [mailboxId],
      eventTypes: seedEventTypes,
    });
    expect(status).toBe(201);
    expect(json).toMatchObject({
      object: 'list',
      data: [
        {
          object: 'webhook_endpoint_subscription',
          webhookEndpointId: endpointId,
          mailboxId,
          eventTypes: seedEventTypes,
        },
      ],
    });
    // the same subscription as /v1/subscriptions keeps
    const id = String((json.data as Json[])[0]!.id);
    expect((await call('GET', `/v1/subscriptions/${id}`)).json).toMatchObject({
      endpointId,
      mailboxIds: [mailboxId],
      eventTypes: seedEventTypes,
    });
    expect((await call('GET', `/v1/webhook-endpoints/${endpointId}/subscriptions`)).json.data).toEqual(
      json.data,
    );
  });

  it('POST /v1/replays with mailboxId, webhookEndpointId, startTime and endTime re-sends the window’s events', async () => {
    receiver.received.length = 0;
    const window = lastHour();
    const { status, json } = await call('POST', '/v1/replays', {
      mailboxId,
      webhookEndpointId: endpointId,
      ...window,
    });
    expect(status).toBe(201);
    expect(json).toMatchObject({
      object: 'replay',
      mailboxId,
      webhookEndpointId: endpointId,
      startTime: window.startTime,
      endTime: window.endTime,
      status: expect.stringMatching(/^(queued|running|completed)$/),
    });
    replayId = String(json.id);
    const replayed = Number(json.eventsReplayed);
    const { json: events } = await call('GET', `/v1/mailboxes/${mailboxId}/events?limit=100`);
    const taken = (events.data as { id: string; type: string }[]).filter((e) =>
      seedEventTypes.includes(e.type),
    );
    // the window's events the endpoint's subscription takes: the mailbox's messages and threads, nothing else
    expect(replayed).toBe(taken.length);
    expect(taken.filter((e) => e.type === 'message.created')).toHaveLength(2);
    // live deliveries of the same events may arrive too: the replay's are those with its delivery ids
    const ofReplay = (r: WebhookReceiver['received'][number]) =>
      taken.some((e) => r.headers['x-mailmon-delivery-id'] === replayDeliveryId(replayId, e.id));
    const received = await eventually(
      async () => {
        const mine = receiver.received.filter(ofReplay);
        return mine.length >= replayed ? mine : undefined;
      },
      30_000,
      'the replayed deliveries',
    );
    // with the original webhook-id, the event's own id
    expect(received.map((r) => r.headers['webhook-id']).sort()).toEqual(taken.map((e) => e.id).sort());
  });

  it('GET /v1/replays/rpl_... answers the replay’s state, completed once its deliveries are in', async () => {
    expect(replayId).not.toBe('');
    const done = await eventually(
      async () => {
        // as Cloud Scheduler (and `npm run dev`) run it: it completes replays whose deliveries have settled
        await fetch(`${stack.functionsUrl}/control/jobs/dispatch_replays`, { method: 'POST' });
        const { json } = await call('GET', `/v1/replays/${replayId}`);
        return json.status === 'completed' ? json : undefined;
      },
      30_000,
      'the replay to complete',
    );
    expect(done).toMatchObject({
      id: replayId,
      object: 'replay',
      eventsReplayed: expect.any(Number),
      startedAt: expect.stringMatching(iso),
      completedAt: expect.stringMatching(iso),
      lastError: null,
    });
    expect(done.eventsReplayed).toBeGreaterThanOrEqual(2);
  });
});

/** A request for each response a seed operation documents, by operation id and status. */
const requests: Record<string, Record<number, () => Promise<{ status: number; json: Json }>>> = {
  mailboxes_create_connect_session: {
    201: () => call('POST', '/v1/mailboxes/connect-sessions', seedConnectBody),
    400: () => call('POST', '/v1/mailboxes/connect-sessions', { ...seedConnectBody, provider: 'outlook' }),
  },
  webhook_endpoints_create: {
    201: () => call('POST', '/v1/webhook-endpoints', { url: receiver.url, description: 'contract' }),
    400: () => call('POST', '/v1/webhook-endpoints', { url: 'not a url' }),
  },
  webhook_endpoints_create_subscription: {
    201: () =>
      call('POST', `/v1/webhook-endpoints/${endpointId}/subscriptions`, {
        mailboxIds: [mailboxId],
        eventTypes: ['message.created'],
      }),
    400: () =>
      call('POST', `/v1/webhook-endpoints/${endpointId}/subscriptions`, { mailboxIds: [], eventTypes: [] }),
    404: () =>
      call('POST', '/v1/webhook-endpoints/whe_missing/subscriptions', {
        mailboxIds: [mailboxId],
        eventTypes: ['message.created'],
      }),
  },
  mailboxes_get: {
    200: () => call('GET', `/v1/mailboxes/${mailboxId}`),
    400: () => call('GET', '/v1/mailboxes/not%20an%20id'),
    404: () => call('GET', '/v1/mailboxes/mbx_missing'),
  },
  mailboxes_list_sync_runs: {
    200: () => call('GET', `/v1/mailboxes/${mailboxId}/sync-runs?limit=5`),
    400: () => call('GET', `/v1/mailboxes/${mailboxId}/sync-runs?limit=0`),
  },
  mailboxes_get_observability: {
    200: () => call('GET', `/v1/mailboxes/${mailboxId}/observability`),
    400: () => call('GET', '/v1/mailboxes/not%20an%20id/observability'),
    404: () => call('GET', '/v1/mailboxes/mbx_missing/observability'),
  },
  replays_create: {
    201: () => call('POST', '/v1/replays', { mailboxId, webhookEndpointId: deadEndpointId, ...lastHour() }),
    400: () =>
      call('POST', '/v1/replays', {
        mailboxId,
        webhookEndpointId: endpointId,
        startTime: lastHour().endTime,
        endTime: lastHour().startTime,
      }),
    // the 201 above is still running: its deliveries to a closed port keep retrying
    409: () => call('POST', '/v1/replays', { mailboxId, webhookEndpointId: deadEndpointId, ...lastHour() }),
  },
  replays_get: {
    200: async () => {
      const created = await call('POST', '/v1/replays', {
        mailboxId,
        webhookEndpointId: endpointId,
        ...lastHour(),
      });
      return call('GET', `/v1/replays/${String(created.json.id)}`);
    },
    400: () => call('GET', '/v1/replays/not%20an%20id'),
    404: () => call('GET', '/v1/replays/rpl_missing'),
  },
  messages_list: {
    200: () => call('GET', `/v1/messages?mailboxId=${mailboxId}&limit=1`),
    400: () => call('GET', `/v1/messages?mailboxId=${mailboxId}&limit=0`),
  },
  messages_get: {
    200: async () => {
      const { json } = await call('GET', `/v1/messages?mailboxId=${mailboxId}`);
      return call('GET', `/v1/messages/${String((json.data as Json[])[0]!.id)}`);
    },
    400: () => call('GET', '/v1/messages/not%20an%20id'),
    404: () => call('GET', `/v1/messages/${messageResourceId(mailboxId, 'missing')}`),
  },
  threads_list: {
    200: () => call('GET', `/v1/threads?mailboxId=${mailboxId}&limit=1`),
    400: () => call('GET', `/v1/threads?mailboxId=${mailboxId}&limit=0`),
  },
  threads_get: {
    200: async () => {
      const { json } = await call('GET', `/v1/threads?mailboxId=${mailboxId}`);
      return call('GET', `/v1/threads/${String((json.data as Json[])[0]!.id)}`);
    },
    400: () => call('GET', '/v1/threads/not%20an%20id'),
    404: () => call('GET', `/v1/threads/${threadResourceId(mailboxId, 'missing')}`),
  },
};

function issuesOf(schema: v.GenericSchema, value: unknown): string[] {
  const result = v.safeParse(schema, value);
  return result.success
    ? []
    : result.issues.map(
        (i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message} (got ${JSON.stringify(i.input)})`,
      );
}

describe('every seed operation, through the real functions', () => {
  it('has a request for each response the seed documents', () => {
    expect(Object.keys(requests).sort()).toEqual(seedOperations.map((o) => o.operationId).sort());
    for (const op of seedOperations)
      expect(Object.keys(requests[op.operationId]!).map(Number).sort()).toEqual(
        [op.success.status, ...op.problems].sort(),
      );
  });

  it.each(seedOperations)(
    '$operationId ($method $path) answers every documented response in the seed’s schema',
    async (op) => {
      const byStatus = requests[op.operationId]!;
      const success = await byStatus[op.success.status]!();
      expect(success.status, JSON.stringify(success.json)).toBe(op.success.status);
      expect(issuesOf(seedSchemas[op.success.schema], success.json)).toEqual([]);
      for (const status of op.problems) {
        const answered = await byStatus[status]!();
        expect(answered.status, `${status}: ${JSON.stringify(answered.json)}`).toBe(status);
        expect(issuesOf(seedSchemas.ProblemDetails, answered.json)).toEqual([]);
      }
    },
  );
});
