import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProjectId, testFirestore } from '../../emulators/testing/index.js';
import { EVENT_TYPES } from '../../shared/events/event.js';
import { firestoreApiDeps } from './testing/api-deps.js';
import { startTwoWorkspaceApi, type TwoWorkspaceApi } from './testing/two-workspace-api.js';

const db = testFirestore(newProjectId('api-limits'));
let api: TwoWorkspaceApi;
let gcpApi: TwoWorkspaceApi;
let endpointId = '';

const counts = async () =>
  Object.fromEntries(
    await Promise.all(
      ['webhookEndpoints', 'subscriptions', 'connectSessions'].map(
        async (c) => [c, (await db.collection(c).get()).size] as const,
      ),
    ),
  );

async function expectRefused(response: Response, path: string): Promise<void> {
  expect(response.status).toBe(400);
  const problem = (await response.json()) as { code: string; errors: { in: string; path: string }[] };
  expect(problem.code).toBe('invalid_request');
  expect(problem.errors.map((e) => `${e.in}:${e.path}`)).toContain(`body:${path}`);
}

beforeAll(async () => {
  api = await startTwoWorkspaceApi('apiInputLimitsTest', firestoreApiDeps(db));
  gcpApi = await startTwoWorkspaceApi('apiInputLimitsGcpTest', firestoreApiDeps(db, { httpsOnly: true }));
  const created = await api.call('a', 'POST', '/v1/webhook-endpoints', { url: 'https://hooks.example/x' });
  endpointId = ((await created.json()) as { id: string }).id;
});
afterAll(async () => {
  await api.close();
  await gcpApi.close();
  await db.terminate();
});

describe('bounded lists and URLs in API bodies', () => {
  const tooManyTypes = [...EVENT_TYPES, EVENT_TYPES[0]];
  const tooManyMailboxes = Array.from({ length: 501 }, (_, i) => `mbx_${i}`);

  it('refuses endpoint filters naming more event types than exist or more than 500 mailboxes, and writes nothing', async () => {
    const before = await counts();
    await expectRefused(
      await api.call('a', 'POST', '/v1/webhook-endpoints', {
        url: 'https://hooks.example/y',
        eventTypes: tooManyTypes,
      }),
      'eventTypes',
    );
    await expectRefused(
      await api.call('a', 'POST', '/v1/webhook-endpoints', {
        url: 'https://hooks.example/y',
        mailboxIds: tooManyMailboxes,
      }),
      'mailboxIds',
    );
    await expectRefused(
      await api.call('a', 'PATCH', `/v1/webhook-endpoints/${endpointId}`, { eventTypes: tooManyTypes }),
      'eventTypes',
    );
    await expectRefused(
      await api.call('a', 'PATCH', `/v1/webhook-endpoints/${endpointId}`, { mailboxIds: tooManyMailboxes }),
      'mailboxIds',
    );
    await expectRefused(
      await api.call('a', 'POST', '/v1/subscriptions', {
        endpointId,
        mailboxIds: 'all',
        eventTypes: tooManyTypes,
      }),
      'eventTypes',
    );
    expect(await counts()).toEqual(before);
    const stored = (await db.collection('webhookEndpoints').doc(endpointId).get()).data()!;
    expect(stored).toMatchObject({ eventTypes: [], mailboxIds: [] });
    // every type once is still a valid filter
    const all = await api.call('a', 'PATCH', `/v1/webhook-endpoints/${endpointId}`, {
      eventTypes: [...EVENT_TYPES],
    });
    expect(all.status).toBe(200);
  });

  it('refuses a connect session whose returnUrl or loginHint is longer than allowed, and writes nothing', async () => {
    const before = await counts();
    const session = { tenantExternalId: 't', mailboxExternalId: 'm' };
    await expectRefused(
      await api.call('a', 'POST', '/v1/mailboxes/connect-sessions', {
        ...session,
        returnUrl: `https://app.example/${'a'.repeat(2048)}`,
      }),
      'returnUrl',
    );
    await expectRefused(
      await api.call('a', 'POST', '/v1/mailboxes/connect-sessions', {
        ...session,
        loginHint: `${'a'.repeat(64)}@${Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.')}.example`,
      }),
      'loginHint',
    );
    expect(await counts()).toEqual(before);
  });
});

describe('plain-http URLs', () => {
  it('are refused in gcp mode for endpoints and return URLs with 400 insecure_url, and nothing is written', async () => {
    const before = await counts();
    const insecure = async (response: Response) => {
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'insecure_url' });
    };
    await insecure(
      await gcpApi.call('a', 'POST', '/v1/webhook-endpoints', { url: 'http://hooks.example/x' }),
    );
    await insecure(
      await gcpApi.call('a', 'PATCH', `/v1/webhook-endpoints/${endpointId}`, {
        url: 'http://hooks.example/x',
      }),
    );
    await insecure(
      await gcpApi.call('a', 'POST', '/v1/mailboxes/connect-sessions', {
        tenantExternalId: 't',
        mailboxExternalId: 'm',
        returnUrl: 'http://app.example/back',
      }),
    );
    expect(await counts()).toEqual(before);
    expect((await db.collection('webhookEndpoints').doc(endpointId).get()).get('url')).toBe(
      'https://hooks.example/x',
    );
    const secure = await gcpApi.call('a', 'POST', '/v1/webhook-endpoints', {
      url: 'https://hooks.example/z',
    });
    expect(secure.status).toBe(201);
  });

  it('are still accepted in local mode, so receivers on loopback work', async () => {
    const endpoint = await api.call('a', 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hook' });
    expect(endpoint.status).toBe(201);
    const session = await api.call('a', 'POST', '/v1/mailboxes/connect-sessions', {
      tenantExternalId: 't',
      mailboxExternalId: 'm',
      returnUrl: 'http://localhost:3000/back',
    });
    expect(session.status).toBe(201);
  });
});
