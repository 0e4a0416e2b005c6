import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminFetch, failure, gmailClient, startWithMailbox, type TestMailbox } from './test-helpers.js';

let t: TestMailbox;

beforeEach(async () => {
  t = await startWithMailbox();
});
afterEach(async () => {
  await t.emulator.stop();
});

const PROBLEM_TYPE = 'application/problem+json';

describe('admin users', () => {
  it('creates a mailbox once and answers 200 when it already exists', async () => {
    const created = await adminFetch(t.emulator, 'POST', '/users', { email: 'Bob@Example.com' });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ email: 'bob@example.com', historyId: expect.stringMatching(/^\d+$/) });
    expect((await adminFetch(t.emulator, 'POST', '/users', { email: 'bob@example.com' })).status).toBe(200);
  });

  it('answers 400 with an RFC 7807 problem for bad input', async () => {
    for (const [path, body] of [
      ['/users', { email: 'not-an-email' }],
      ['/users', '{not json'],
      [`/users/${t.email}/messages`, { from: 'a@example.com', subject: 'no recipient' }],
      [
        `/users/${t.email}/messages`,
        { from: 'a@example.com', to: 'b@example.com', subject: 's', labelIds: ['NOPE'] },
      ],
      [
        `/users/${t.email}/messages`,
        { from: 'a@example.com', to: 'b@example.com', subject: 's', threadId: 'nope' },
      ],
      [`/users/${t.email}/seed`, { count: 0 }],
      ['/clients', { clientId: 'x', clientSecret: 'y', redirectUris: ['not a url'] }],
    ] as const) {
      const result = await adminFetch(t.emulator, 'POST', path, body);
      expect(result.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(result.contentType).toBe(PROBLEM_TYPE);
      expect(result.json).toEqual({
        type: expect.stringMatching(/^https:\/\//),
        title: expect.any(String),
        status: 400,
        detail: expect.any(String),
        code: expect.any(String),
      });
    }
  });

  it('answers 404 for unknown users, messages and paths', async () => {
    const ghost = 'ghost@example.com';
    for (const [method, path] of [
      ['POST', `/users/${ghost}/tokens`],
      ['POST', `/users/${ghost}/messages`],
      ['POST', `/users/${ghost}/messages/abc/modify`],
      ['POST', `/users/${ghost}/messages/abc/trash`],
      ['DELETE', `/users/${ghost}/messages/abc`],
      ['POST', `/users/${ghost}/seed`],
      ['POST', `/users/${ghost}/expire-history`],
      ['POST', `/users/${ghost}/revoke`],
      ['GET', `/users/${ghost}/notifications`],
    ] as const) {
      const result = await adminFetch(t.emulator, method, path, method === 'POST' ? {} : undefined);
      expect(result.status, `${method} ${path}`).toBe(404);
      expect(result.json).toMatchObject({ status: 404, code: 'user_not_found' });
    }
    const message = await adminFetch(
      t.emulator,
      'POST',
      `/users/${t.email}/messages/0000000000000000/trash`,
      {},
    );
    expect(message.json).toMatchObject({ status: 404, code: 'message_not_found' });
    expect((await adminFetch(t.emulator, 'GET', '/nothing-here')).status).toBe(404);
  });
});

describe('admin messages', () => {
  it('delivers with INBOX+UNREAD by default and modifies, trashes, untrashes and deletes', async () => {
    const added = await t.emulator.admin.addMessage(t.email, {
      from: 'bob@example.com',
      to: [t.email],
      subject: 'Hi',
      text: 'Hello',
    });
    expect(added).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      threadId: added.id,
      historyId: expect.stringMatching(/^\d+$/),
    });
    const get = async () =>
      (await t.gmail.users.messages.get({ userId: 'me', id: added.id, format: 'minimal' })).data;
    expect((await get()).labelIds).toEqual(['INBOX', 'UNREAD']);
    const modified = await t.emulator.admin.modifyMessage(t.email, added.id, {
      addLabelIds: ['STARRED'],
      removeLabelIds: ['UNREAD'],
    });
    expect(modified.labelIds).toEqual(['INBOX', 'STARRED']);
    expect(Number(modified.historyId)).toBeGreaterThan(Number(added.historyId));
    expect((await get()).historyId).toBe(modified.historyId);
    expect((await t.emulator.admin.trashMessage(t.email, added.id)).labelIds).toEqual(['STARRED', 'TRASH']);
    expect((await t.emulator.admin.untrashMessage(t.email, added.id)).labelIds).toEqual(['STARRED']);
    await t.emulator.admin.deleteMessage(t.email, added.id);
    expect((await failure(t.gmail.users.messages.get({ userId: 'me', id: added.id }))).status).toBe(404);
    expect((await t.gmail.users.getProfile({ userId: 'me' })).data).toMatchObject({
      messagesTotal: 0,
      threadsTotal: 0,
    });
  });

  it('builds a text-only message as a single text/plain part', async () => {
    const added = await t.emulator.admin.addMessage(t.email, {
      from: 'bob@example.com',
      to: t.email,
      subject: 'Plain',
      text: 'Just text',
    });
    const { data } = await t.gmail.users.messages.get({ userId: 'me', id: added.id });
    expect(data.payload?.mimeType).toBe('text/plain');
    expect(data.payload?.parts).toBeUndefined();
    expect(data.payload?.body?.size).toBe(9);
  });

  it('seeds generated messages grouped in threads, with content rendered on demand', async () => {
    const seeded = await t.emulator.admin.seed(t.email, { count: 1_000, seed: 7 });
    expect(seeded.count).toBe(1_000);
    expect(seeded.threads).toBeGreaterThan(100);
    expect(seeded.threads).toBeLessThan(1_000);
    const profile = (await t.gmail.users.getProfile({ userId: 'me' })).data;
    expect(profile).toMatchObject({
      messagesTotal: 1_000,
      threadsTotal: seeded.threads,
      historyId: seeded.historyId,
    });
    const page = await t.gmail.users.threads.list({ userId: 'me', maxResults: 50 });
    const multi = await Promise.all(
      (page.data.threads ?? []).map(
        async (th) =>
          (await t.gmail.users.threads.get({ userId: 'me', id: th.id ?? '', format: 'full' })).data,
      ),
    );
    const thread = multi.find((th) => (th.messages?.length ?? 0) > 1);
    const subjects = thread?.messages?.map(
      (m) => m.payload?.headers?.find((h) => h.name === 'Subject')?.value,
    );
    expect(subjects?.[1]).toBe(`Re: ${subjects?.[0]}`);
    const again = await t.gmail.users.messages.get({ userId: 'me', id: thread?.messages?.[0]?.id ?? '' });
    expect(again.data).toEqual(thread?.messages?.[0]);
  });
});

describe('admin tokens and reset', () => {
  it('issues tokens for the default client or a registered one', async () => {
    const tokens = await adminFetch(t.emulator, 'POST', `/users/${t.email}/tokens`, {});
    expect(tokens.status).toBe(201);
    expect(tokens.json).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3599,
      client_id: 'gmail-emulator-client.apps.googleusercontent.com',
    });
    const unknownClient = await adminFetch(t.emulator, 'POST', `/users/${t.email}/tokens`, {
      clientId: 'other',
    });
    expect(unknownClient.status).toBe(400);
    await t.emulator.admin.registerClient({
      clientId: 'other',
      clientSecret: 's',
      redirectUris: ['http://localhost/cb'],
    });
    const other = await t.emulator.admin.issueTokens(t.email, { clientId: 'other' });
    expect(other.client_id).toBe('other');
    expect(
      (await gmailClient(t.emulator, other.access_token).users.getProfile({ userId: 'me' })).status,
    ).toBe(200);
  });

  it('resets mailboxes, tokens and faults', async () => {
    await t.emulator.admin.setFaults({ rate5xx: 1 });
    expect((await adminFetch(t.emulator, 'POST', '/reset')).status).toBe(204);
    expect((await adminFetch(t.emulator, 'GET', `/users/${t.email}`)).status).toBe(404);
    expect((await t.emulator.admin.faults()).rate5xx).toBe(0);
    expect((await failure(t.gmail.users.getProfile({ userId: 'me' }))).status).toBe(401);
  });
});
