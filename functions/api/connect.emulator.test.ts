import type { Server } from 'node:http';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT, type GmailEmulator, startGmailEmulator } from '../../emulators/gmail/index.js';
import { newProjectId, testFirestore } from '../../emulators/testing/index.js';
import { FirestoreWorkspaceStore } from '../../shared/adapters/firestore/firestore-workspace-store.js';
import { GmailApiRelease } from '../../shared/adapters/gmail-api/gmail-api-release.js';
import { GoogleOAuthProvider } from '../../shared/adapters/google-oauth/google-oauth-provider.js';
import { ManualClock } from '../../shared/core/clock.js';
import { jsonLogger } from '../../shared/runtime/logger.js';
import { issueApiKey } from '../../shared/workspaces/api-keys.js';
import { createApiFunction } from './app.js';
import { firestoreApiDeps } from './testing/api-deps.js';

const projectId = newProjectId('api-connect');
const db = testFirestore(projectId);
const clock = new ManualClock(Date.now());
let gmail: GmailEmulator;
let server: Server;
let url: string;
let apiKey: string;
let otherKey: string;

beforeAll(async () => {
  gmail = await startGmailEmulator({ users: ['ada@example.com'] });
  const workspaces = new FirestoreWorkspaceStore(db);
  const deps = firestoreApiDeps(db, {
    workspaces,
    oauth: new GoogleOAuthProvider({
      ...DEFAULT_CLIENT,
      redirectUri: 'http://127.0.0.1/oauth/callback',
      authorizeUrl: gmail.endpoints.authorizeUrl,
      tokenUrl: gmail.endpoints.tokenUrl,
      revokeUrl: gmail.endpoints.revokeUrl,
      gmailApiUrl: gmail.endpoints.rootUrl,
    }),
    clock,
    gmailRelease: new GmailApiRelease({
      ...DEFAULT_CLIENT,
      rootUrl: gmail.endpoints.rootUrl,
      tokenUrl: gmail.endpoints.tokenUrl,
      revokeUrl: gmail.endpoints.revokeUrl,
    }),
  });
  apiKey = (await issueApiKey({ workspaces, clock }, 'ws_a', 'test')).apiKey;
  otherKey = (await issueApiKey({ workspaces, clock }, 'ws_b', 'test')).apiKey;
  http(
    'apiConnectTest',
    createApiFunction(
      async () => deps,
      jsonLogger('error', () => {}),
    ),
  );
  server = getTestServer('apiConnectTest');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await gmail.stop();
  await db.terminate();
});

const post = (path: string, body: unknown, key = apiKey) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('connect sessions over the api function', () => {
  it('creates a session and redirects its link to consent with state and PKCE', async () => {
    const response = await post('/v1/mailboxes/connect-sessions', {
      tenantExternalId: 't1',
      mailboxExternalId: 'm1',
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: string; connectUrl: string };
    expect(created.connectUrl).toBe(`http://api.test/oauth/gmail/${created.id}`);
    const redirect = await fetch(`${url}/oauth/gmail/${created.id}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const consent = new URL(redirect.headers.get('location')!);
    expect(consent.origin + consent.pathname).toBe(gmail.endpoints.authorizeUrl);
    expect(consent.searchParams.get('state')).toMatch(new RegExp(`^${created.id}\\.`));
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    const stored = (await db.collection('connectSessions').doc(created.id).get()).data()!;
    expect(stored.workspaceId).toBe('ws_a');
    expect(JSON.stringify(stored)).not.toContain(consent.searchParams.get('state')!.split('.')[1]!);
  });

  it('answers an unknown or expired link with a clear page', async () => {
    const unknown = await fetch(`${url}/oauth/gmail/cs_nope`, { redirect: 'manual' });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Link not found');
    const response = await post('/v1/mailboxes/connect-sessions', {
      tenantExternalId: 't1',
      mailboxExternalId: 'm2',
    });
    const { id } = (await response.json()) as { id: string };
    clock.advance(15 * 60 * 1000);
    const expired = await fetch(`${url}/oauth/gmail/${id}`, { redirect: 'manual' });
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('Link expired');
  });

  it('refuses requests without a valid API key', async () => {
    const none = await fetch(`${url}/v1/mailboxes/connect-sessions`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'unauthorized' });
    const bad = await post(
      '/v1/mailboxes/connect-sessions',
      { tenantExternalId: 't', mailboxExternalId: 'm' },
      'mm_live_x_y',
    );
    expect(bad.status).toBe(401);
  });

  it('refuses invalid bodies with a problem naming each field, and writes nothing', async () => {
    const before = (await db.collection('connectSessions').get()).size;
    const invalid = await post('/v1/mailboxes/connect-sessions', { tenantExternalId: '', extra: 1 });
    expect(invalid.status).toBe(400);
    const problem = (await invalid.json()) as { code: string; errors: { path: string }[] };
    expect(problem.code).toBe('invalid_request');
    expect(problem.errors.map((e) => e.path).sort()).toEqual([
      'extra',
      'mailboxExternalId',
      'tenantExternalId',
    ]);
    // the Functions Framework's body parser refuses JSON it cannot parse before any handler runs
    const malformed = await post('/v1/mailboxes/connect-sessions', '{"tenantExternalId":');
    expect(malformed.status).toBe(400);
    expect((await db.collection('connectSessions').get()).size).toBe(before);
  });

  it('keeps sessions to the workspace whose key created them', async () => {
    const response = await post(
      '/v1/mailboxes/connect-sessions',
      { tenantExternalId: 't9', mailboxExternalId: 'm9' },
      otherKey,
    );
    const { id } = (await response.json()) as { id: string };
    expect((await db.collection('connectSessions').doc(id).get()).get('workspaceId')).toBe('ws_b');
  });

  it('serves its OpenAPI 3.1 document generated from the route schemas', async () => {
    const response = await fetch(`${url}/v1/openapi.json`);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/mailboxes/connect-sessions']?.post?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { required: ['tenantExternalId', 'mailboxExternalId'] } } },
    });
    expect(Object.keys(doc.paths)).toContain('/oauth/gmail/{sessionId}');
  });
});
