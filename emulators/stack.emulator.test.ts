import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedCredentialOf } from '../shared/adapters/firestore/firestore-credential-store.js';
import { MailmonEventSchema } from '../shared/events/event-schemas.js';
import { issueApiKey } from '../shared/workspaces/api-keys.js';
import { connectDemoMailbox } from './connect-demo-mailbox.js';
import { approveConsent } from './gmail/approve-consent.js';
import { type LocalStack, startLocalStack } from './stack.js';
import { eventually } from './testing/eventually.js';
import { emulatorHosts, newProjectId } from './testing/index.js';
import { startWebhookReceiver } from './testing/webhook-receiver.js';

let stack: LocalStack;
let apiKey: string;
const logs: string[] = [];
const pages: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    ...emulatorHosts(),
    projectId: newProjectId('e2e'),
    logWrite: (line) => logs.push(line),
  });
  await stack.runtime.workspaces.createWorkspace({ id: 'ws_e2e', name: 'E2E', createdAt: Date.now() });
  apiKey = (
    await issueApiKey({ workspaces: stack.runtime.workspaces, clock: stack.runtime.clock }, 'ws_e2e', 'e2e')
  ).apiKey;
});
afterAll(() => stack?.stop());

/** A new Gmail-emulator user with one message in its inbox. */
async function gmailUserWithMail(address: string, subject: string) {
  await stack.gmail.admin.createUser(address);
  await stack.gmail.admin.addMessage(address, {
    from: 'friend@example.com',
    to: address,
    subject,
    text: '.',
  });
}

async function connect(
  mailboxExternalId: string,
  address: string,
): Promise<{ mailboxId: string; page: string }> {
  const created = await fetch(`${stack.apiUrl}/v1/mailboxes/connect-sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenantExternalId: 'tenant-1', mailboxExternalId }),
  });
  expect(created.status).toBe(201);
  const { connectUrl } = (await created.json()) as { connectUrl: string };
  const toConsent = await fetch(connectUrl, { redirect: 'manual' });
  expect(toConsent.status).toBe(302);
  const callback = await approveConsent(toConsent.headers.get('location')!, address);
  expect(callback.startsWith(`${stack.functionsUrl}/oauthCallback`)).toBe(true);
  const done = await fetch(callback, { redirect: 'manual' });
  const page = await done.text();
  pages.push(page);
  expect(done.status, page).toBe(200);
  const snap = await stack.runtime.db
    .collection('mailboxes')
    .where('mailboxExternalId', '==', mailboxExternalId)
    .get();
  return { mailboxId: snap.docs[0]!.id, page };
}

/** A new Gmail user with one message, connected as `mailboxExternalId` and through its initial sync. */
async function syncedMailbox(address: string, mailboxExternalId: string) {
  await gmailUserWithMail(address, 'First');
  const { mailboxId } = await connect(mailboxExternalId, address);
  const mailbox = stack.runtime.db.collection('mailboxes').doc(mailboxId);
  await eventually(
    async () => ((await mailbox.get()).get('syncState') === 'healthy' ? true : undefined),
    30_000,
    `the initial sync of ${address}`,
  );
  return { mailboxId, mailbox };
}

describe('the local stack, end to end', () => {
  it('connects a mailbox through consent, syncs it, and mirrors a new message via watch → Pub/Sub → gmailPush → syncMailbox', async () => {
    const email = 'ada@example.com';
    await stack.gmail.admin.createUser(email);
    for (let i = 0; i < 3; i += 1) {
      await stack.gmail.admin.addMessage(email, {
        from: 'friend@example.com',
        to: email,
        subject: `Before connect ${i}`,
        text: 'hi',
      });
    }
    const { mailboxId, page } = await connect('inbox-1', email);
    expect(page).toContain('Mailbox connected');
    const mailbox = stack.runtime.db.collection('mailboxes').doc(mailboxId);
    const synced = await eventually(
      async () => {
        const d = (await mailbox.get()).data();
        return d?.syncState === 'healthy' && d.cursor ? d : undefined;
      },
      30_000,
      'the initial sync',
    );
    expect(synced).toMatchObject({ status: 'active', watchState: 'active', emailAddress: email });
    expect((await mailbox.collection('messages').get()).size).toBe(3);

    const sent = await stack.gmail.admin.addMessage(email, {
      from: 'friend@example.com',
      to: email,
      subject: 'After connect',
      text: 'new',
    });
    await stack.gmail.flushNotifications();
    const mirrored = await eventually(
      async () => {
        const snap = await mailbox.collection('messages').doc(sent.id).get();
        return snap.exists ? snap.data() : undefined;
      },
      30_000,
      'the pushed message',
    );
    expect(mirrored).toMatchObject({ subject: 'After connect', threadId: sent.threadId });
    const events = await mailbox.collection('events').where('type', '==', 'message.created').get();
    expect(events.docs.map((d) => (d.get('data') as { messageId: string }).messageId)).toContain(sent.id);
    const all = (await mailbox.collection('events').orderBy('seq').get()).docs.map((d) => d.data());
    expect(all[0]).toMatchObject({ type: 'mailbox.connected', seq: 1 });
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.map((e) => e.type)).toContain('mailbox.synced');
    // every event the real sync wrote matches its published schema (what the SDK's types are made from)
    for (const e of all) expect(v.safeParse(MailmonEventSchema, e).issues, e.type).toBeUndefined();
  }, 90_000);

  it('delivers the mailbox events to a webhook endpoint, signed in both schemes', async () => {
    const email = 'hooked@example.com';
    const { mailboxId } = await syncedMailbox(email, 'inbox-hooked');
    const receiver = await startWebhookReceiver();
    const { received } = receiver;
    try {
      const created = await fetch(`${stack.apiUrl}/v1/webhook-endpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          url: receiver.url,
          eventTypes: ['message.created'],
        }),
      });
      expect(created.status).toBe(201);
      const { secret } = (await created.json()) as { secret: string };
      const sent = await stack.gmail.admin.addMessage(email, {
        from: 'friend@example.com',
        to: email,
        subject: 'Hooked',
        text: 'hi',
      });
      await stack.gmail.flushNotifications();
      const delivery = await eventually(
        async () =>
          received.find(
            (r) => (JSON.parse(r.body) as { data: { messageId: string } }).data.messageId === sent.id,
          ),
        30_000,
        'the webhook delivery',
      );
      const event = new Webhook(secret).verify(delivery.body, delivery.headers) as {
        id: string;
        type: string;
        mailboxId: string;
      };
      expect(event).toMatchObject({ type: 'message.created', mailboxId });
      expect(delivery.headers['webhook-id']).toBe(event.id);
      expect(delivery.headers['x-mailmon-event-id']).toBe(event.id);
      expect(delivery.headers['x-mailmon-attempt']).toBe('1');
      const [t, v1] = delivery.headers['x-mailmon-signature']!.split(',');
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      expect(v1).toBe(
        `v1=${createHmac('sha256', key)
          .update(`${t!.slice(2)}.${delivery.body}`)
          .digest('hex')}`,
      );
      const stored = await stack.runtime.db.collection('webhookEndpoints').get();
      expect(JSON.stringify(stored.docs.map((d) => d.data()))).not.toContain(secret.slice('whsec_'.length));
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it('runs control jobs over HTTP: renews expiring watches, polls quiet mailboxes, recovers stuck ones', async () => {
    const email = 'controlled@example.com';
    const { mailbox } = await syncedMailbox(email, 'inbox-controlled');
    const job = async (name: string) => {
      const response = await fetch(`${stack.functionsUrl}/control/jobs/${name}`, { method: 'POST' });
      expect(response.status).toBe(200);
      return (await response.json()) as { acted: number; failed: number };
    };
    // let syncs triggered by earlier pushes finish, so each job sees the state this test sets up
    const quiet = async () => {
      await stack.gmail.flushNotifications();
      await eventually(
        async () => {
          const lease = await mailbox.collection('lease').doc('current').get();
          return lease.get('released') === true && (await mailbox.get()).get('dirty') === false
            ? true
            : undefined;
        },
        30_000,
        'a quiet mailbox',
      );
    };
    await quiet();
    await mailbox.update({ watchExpiresAt: Date.now() + 60_000 });
    expect(await job('renew_watches')).toMatchObject({ acted: 1, failed: 0 });
    expect((await mailbox.get()).get('watchExpiresAt')).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(await job('renew_watches')).toMatchObject({ acted: 0 });
    // a watch that never started (its start failed at connect) is started too
    await mailbox.update({ watchExpiresAt: null });
    expect(await job('renew_watches')).toMatchObject({ acted: 1, failed: 0 });
    expect((await mailbox.get()).get('watchExpiresAt')).toBeGreaterThan(Date.now() + 6 * 86_400_000);

    // a dropped notification: Gmail changed, nobody was told, the mailbox went quiet
    const missed = await stack.gmail.admin.addMessage(email, {
      from: 'x@example.com',
      to: email,
      subject: 'Missed push',
      text: '.',
    });
    await mailbox.update({ lastSuccessfulSyncAt: Date.now() - 3_600_000 });
    expect((await job('poll_mailboxes')).acted).toBeGreaterThanOrEqual(1);
    await eventually(
      async () => ((await mailbox.collection('messages').doc(missed.id).get()).exists ? true : undefined),
      30_000,
      'the polled message',
    );

    await quiet();
    await mailbox.update({ dirty: true });
    expect((await job('recover_stuck_syncs')).acted).toBeGreaterThanOrEqual(1);
    await eventually(
      async () => ((await mailbox.get()).get('dirty') === false ? true : undefined),
      30_000,
      'the recovered sync',
    );

    const unknown = await fetch(`${stack.functionsUrl}/control/jobs/nope`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect((await job('prune')).failed).toBe(0);
  }, 90_000);

  it('refuses a replayed callback with a clear page and without a second exchange', async () => {
    const email = 'replayed@example.com';
    await gmailUserWithMail(email, 'Hello');
    const created = await fetch(`${stack.apiUrl}/v1/mailboxes/connect-sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenantExternalId: 'tenant-1', mailboxExternalId: 'inbox-replay' }),
    });
    const { connectUrl } = (await created.json()) as { connectUrl: string };
    const consent = (await fetch(connectUrl, { redirect: 'manual' })).headers.get('location')!;
    const callback = await approveConsent(consent, email);
    expect((await fetch(callback)).status).toBe(200);
    const replay = await fetch(callback);
    expect(replay.status).toBe(409);
    const replayPage = await replay.text();
    pages.push(replayPage);
    expect(replayPage).toContain('Link already used');
    const forged = await fetch(callback.replace(/state=[^&]+/, 'state=cs_x.forged'));
    expect(forged.status).toBe(404);
  });

  it('connects the dev demo mailbox without a browser, and a second start reconnects the same mailbox', async () => {
    const account = 'demo-dev@example.com';
    await gmailUserWithMail(account, 'Demo mail');
    const options = {
      apiUrl: stack.apiUrl,
      apiKey,
      account,
      tenantExternalId: 'demo-tenant',
      mailboxExternalId: 'demo-inbox',
    };
    const { mailboxId } = await connectDemoMailbox(options);
    const mailbox = stack.runtime.db.collection('mailboxes').doc(mailboxId);
    expect((await mailbox.get()).data()).toMatchObject({ emailAddress: account, workspaceId: 'ws_e2e' });
    await eventually(
      async () => ((await mailbox.collection('messages').get()).size === 1 ? true : undefined),
      30_000,
      'the demo mailbox’s first sync',
    );
    expect(await connectDemoMailbox(options)).toEqual({ mailboxId });
    expect(
      (await stack.runtime.db.collection('mailboxes').where('mailboxExternalId', '==', 'demo-inbox').get())
        .size,
    ).toBe(1);
    await expect(connectDemoMailbox({ ...options, apiKey: 'mm_live_x_nope' })).rejects.toThrow(
      /creating a connect session answered 401/,
    );
  });

  it('keeps refresh tokens out of Firestore, logs and pages in plain text', async () => {
    await syncedMailbox('sealed@example.com', 'inbox-sealed');
    const dump: string[] = [];
    for (const collection of await stack.runtime.db.listCollections()) {
      for (const doc of (await collection.get()).docs) dump.push(JSON.stringify(doc.data()));
    }
    const credentials = await stack.runtime.db.collection('credentials').get();
    expect(credentials.size).toBeGreaterThan(0);
    for (const c of credentials.docs) {
      const sealed = c.get('sealedRefreshToken') as { ciphertext: string; keyId: string };
      const token = await stack.runtime.box.openRefreshToken(c.id, storedCredentialOf(c));
      expect(token.length).toBeGreaterThan(8);
      expect(dump.join('\n')).not.toContain(token);
      expect(logs.join('\n')).not.toContain(token);
      expect(pages.join('\n')).not.toContain(token);
      expect(sealed.keyId).toMatch(/^local:/);
    }
    expect(logs.length).toBeGreaterThan(0);
  });
  it('deletes a mailbox: stops its watch, revokes its grant and purges its data, leaving other mailboxes be', async () => {
    const kept = await syncedMailbox('kept@example.com', 'inbox-kept');
    const grace = 'grace@example.com';
    const { mailboxId, mailbox } = await syncedMailbox(grace, 'grace-inbox');
    // an endpoint whose receiver is gone: the deliveries of grace's new message stay pending
    const receiver = await startWebhookReceiver();
    await receiver.close();
    const endpoint = await fetch(`${stack.apiUrl}/v1/webhook-endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, eventTypes: ['message.created'], mailboxIds: [mailboxId] }),
    });
    expect(endpoint.status).toBe(201);
    await stack.gmail.admin.addMessage(grace, {
      from: 'x@example.com',
      to: grace,
      subject: 'New',
      text: '.',
    });
    await stack.gmail.flushNotifications();
    const deliveries = stack.runtime.db.collection('deliveries').where('mailboxId', '==', mailboxId);
    await eventually(
      async () => ((await deliveries.get()).size > 0 ? true : undefined),
      30_000,
      'a delivery',
    );
    const credential = (await stack.runtime.credentials.get(mailboxId))!;
    const refreshToken = await stack.runtime.box.openRefreshToken(mailboxId, credential);
    expect((await stack.gmail.admin.user(grace)).watch).not.toBeNull();

    const deleted = await fetch(`${stack.apiUrl}/v1/mailboxes/${mailboxId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(deleted.status).toBe(204);

    const gone = await fetch(`${stack.apiUrl}/v1/mailboxes/${mailboxId}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(gone.status).toBe(404);
    expect((await stack.gmail.admin.user(grace)).watch).toBeNull();
    const refresh = await fetch(stack.gmail.endpoints.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: stack.runtime.config.oauth.clientId,
        client_secret: stack.runtime.config.oauth.clientSecret,
      }),
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await mailbox.get()).exists).toBe(false);
    for (const sub of ['messages', 'threads', 'events', 'syncRuns', 'lease'])
      expect((await mailbox.collection(sub).get()).size, sub).toBe(0);
    expect((await stack.runtime.db.collection('credentials').doc(mailboxId).get()).exists).toBe(false);
    expect((await deliveries.get()).size).toBe(0);

    expect((await kept.mailbox.get()).data()).toMatchObject({
      status: 'active',
      emailAddress: 'kept@example.com',
    });
    expect((await kept.mailbox.collection('messages').get()).size).toBe(1);
    expect((await stack.gmail.admin.user('kept@example.com')).watch).not.toBeNull();
  }, 90_000);
});
