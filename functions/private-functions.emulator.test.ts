import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { HttpFunction } from '@google-cloud/functions-framework';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionsHost } from '../emulators/functions-host.js';
import { type LocalStack, startLocalStack } from '../emulators/stack.js';
import { emulatorHosts, newProjectId } from '../emulators/testing/index.js';
import { loadConfig } from '../shared/config/load-config.js';
import { buildRuntime, type Runtime } from '../shared/runtime/composition-root.js';
import { jsonLogger } from '../shared/runtime/logger.js';
import { createControlFunction } from './control/index.js';
import { createDeliverWebhookFunction } from './deliver-webhook/index.js';
import { createGmailPushFunction } from './gmail-push/index.js';
import { createSyncMailboxFunction } from './sync-mailbox/index.js';

const push = (data: unknown, raw = false) => ({
  message: {
    data: raw ? String(data) : Buffer.from(JSON.stringify(data)).toString('base64'),
    messageId: '1',
  },
  subscription: 'projects/p/subscriptions/s',
});

describe('gmailPush on the local stack', () => {
  let stack: LocalStack;
  let mailboxId: string;
  const email = 'pushy@example.com';
  const logs: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({
      ...emulatorHosts(),
      projectId: newProjectId('push'),
      logWrite: (l) => logs.push(l),
    });
    const ref = await stack.runtime.db.collection('mailboxes').add({
      workspaceId: 'ws',
      tenantExternalId: 't',
      mailboxExternalId: 'm',
      emailAddress: email,
      status: 'active',
      cursor: '500',
    });
    mailboxId = ref.id;
  });
  afterAll(() => stack?.stop());

  const post = (body: unknown) =>
    fetch(`${stack.functionsUrl}/gmailPush/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('acknowledges a stale or duplicate push without marking the mailbox dirty', async () => {
    for (const historyId of ['400', 500, '500']) {
      expect((await post(push({ emailAddress: email, historyId }))).status).toBe(204);
    }
    const mailbox = (await stack.runtime.db.collection('mailboxes').doc(mailboxId).get()).data()!;
    expect(mailbox.dirty).toBeUndefined();
    expect(logs.filter((l) => l.includes('"message":"gmail push"')).map((l) => JSON.parse(l).stale)).toEqual([
      1, 1, 1,
    ]);
  });

  it('records the hint of a push ahead of the cursor and dispatches a sync', async () => {
    expect((await post(push({ emailAddress: email.toUpperCase(), historyId: '900' }))).status).toBe(204);
    const mailbox = (await stack.runtime.db.collection('mailboxes').doc(mailboxId).get()).data()!;
    expect(mailbox.hintHistoryId).toBe('900');
    expect(logs.some((l) => l.includes('"message":"gmail push"') && JSON.parse(l).dispatched === 1)).toBe(
      true,
    );
  });

  it('acknowledges malformed pushes, logs them and counts them', async () => {
    const malformed = [
      { nope: true },
      push('not base64 json', true),
      push({ emailAddress: 'not-an-email', historyId: '1' }),
      push({ emailAddress: email, historyId: '-5' }),
    ];
    for (const body of malformed) expect((await post(body)).status).toBe(204);
    const counted = (await stack.runtime.db.collection('metrics').doc('gmailPush').get()).get('malformed');
    expect(counted).toBe(malformed.length);
    expect(logs.filter((l) => l.includes('malformed gmail push'))).toHaveLength(malformed.length);
  });
});

describe('private functions in gcp mode', () => {
  let jwks: Server;
  let host: Awaited<ReturnType<typeof startFunctionsHost>>;
  let runtime: Runtime;
  let sign: (claims: Record<string, unknown>) => Promise<string>;
  const audienceOf = (fn: string) => `https://fn.example/mailmon-${fn.toLowerCase()}`;
  const audience = audienceOf('syncMailbox');
  const privateFunctions = ['syncMailbox', 'gmailPush', 'control', 'deliverWebhook'];
  const invoker = 'invoker@p.iam.gserviceaccount.com';

  beforeAll(async () => {
    const keys = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k', alg: 'RS256' };
    jwks = createServer((_q, r) =>
      r.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    ).listen(0, '127.0.0.1');
    await once(jwks, 'listening');
    const port = (jwks.address() as { port: number }).port;
    sign = (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k' })
        .setIssuer('https://accounts.google.com')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(keys.privateKey);
    const config = loadConfig({
      MAILMON_MODE: 'gcp',
      MAILMON_PROJECT_ID: 'acme-mailmon-test',
      MAILMON_API_URL: 'https://api.example',
      MAILMON_OAUTH_CLIENT_ID: 'c',
      MAILMON_OAUTH_CLIENT_SECRET: 's',
      MAILMON_OAUTH_REDIRECT_URL: 'https://fn.example/mailmon-oauthcallback',
      MAILMON_GMAIL_TOPIC: 'projects/p/topics/g',
      MAILMON_SYNC_TOPIC: 'projects/p/topics/s',
      MAILMON_DELIVER_WEBHOOK_URL: 'https://fn.example/mailmon-deliverwebhook',
      MAILMON_KMS_KEY: 'projects/p/locations/l/keyRings/r/cryptoKeys/k',
      MAILMON_TASKS_QUEUE: 'projects/p/locations/l/queues/q',
      MAILMON_INVOKER_EMAILS: invoker,
      // one configuration naming every function's audience, as a shared environment would
      MAILMON_OIDC_AUDIENCES: privateFunctions.map((fn) => `${fn}=${audienceOf(fn)}`).join(','),
      MAILMON_OIDC_JWKS_URL: `http://127.0.0.1:${port}/certs`,
    });
    runtime = { ...buildRuntime(config, { logger: jsonLogger('error', () => {}) }) };
    const rt = async () => runtime;
    const handlers: Record<string, HttpFunction> = {
      syncMailbox: createSyncMailboxFunction(rt),
      gmailPush: createGmailPushFunction(rt),
      control: createControlFunction(rt),
      deliverWebhook: createDeliverWebhookFunction(rt),
    };
    host = await startFunctionsHost(handlers, 0);
  });
  afterAll(async () => {
    await host.close();
    await new Promise<void>((resolve) => jwks.close(() => resolve()));
  });

  const call = (fn: string, token?: string, path = '/') =>
    fetch(`${host.url}/${fn}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(push({ nope: 1 })),
    });

  it('answers 401 without a token', async () => {
    for (const fn of ['syncMailbox', 'gmailPush']) {
      const response = await call(fn);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'unauthenticated' });
    }
  });

  it('answers 403 for a wrong audience or a wrong signer', async () => {
    expect(
      (
        await call(
          'syncMailbox',
          await sign({ aud: 'https://elsewhere', email: invoker, email_verified: true }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await call(
          'syncMailbox',
          await sign({ aud: audience, email: 'someone@p.iam.gserviceaccount.com', email_verified: true }),
        )
      ).status,
    ).toBe(403);
  });

  it('lets each private function accept only its own audience: a token for deliverWebhook is refused by control', async () => {
    const forDeliver = await sign({
      aud: audienceOf('deliverWebhook'),
      email: invoker,
      email_verified: true,
    });
    const refused = await call('control', forDeliver, '/jobs/unknown_job');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'forbidden' });
    for (const fn of privateFunctions)
      for (const other of privateFunctions.filter((o) => o !== fn)) {
        const token = await sign({ aud: audienceOf(other), email: invoker, email_verified: true });
        expect((await call(fn, token)).status, `${other}'s token on ${fn}`).toBe(403);
      }
    // its own audience passes the guard: control answers its own 404 for an unknown job
    const forControl = await sign({ aud: audienceOf('control'), email: invoker, email_verified: true });
    expect(await (await call('control', forControl, '/jobs/unknown_job')).json()).toMatchObject({
      code: 'unknown_job',
    });
  });

  it('lets a Google-signed token from the invoker through to the handler', async () => {
    // the handler runs and acknowledges the malformed dispatch: the guard let it pass
    expect(
      (await call('syncMailbox', await sign({ aud: audience, email: invoker, email_verified: true }))).status,
    ).toBe(204);
  });
});
