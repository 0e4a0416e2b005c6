import { google } from 'googleapis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_LABELS } from './labels.js';
import { failure, gmailClient, startWithMailbox, type TestMailbox } from './test-helpers.js';

const NOT_FOUND = {
  error: {
    code: 404,
    message: 'Requested entity was not found.',
    errors: [{ message: 'Requested entity was not found.', domain: 'global', reason: 'notFound' }],
    status: 'NOT_FOUND',
  },
};

let t: TestMailbox;

beforeEach(async () => {
  t = await startWithMailbox();
});
afterEach(async () => {
  await t.emulator.stop();
});

function addMessage(extra: Record<string, unknown> = {}) {
  return t.emulator.admin.addMessage(t.email, {
    from: 'Bob <bob@example.com>',
    to: t.email,
    subject: 'Hello',
    text: 'Hi Alice',
    ...extra,
  });
}

describe('users.getProfile', () => {
  it('reports the address, totals and the current history id', async () => {
    const first = await addMessage();
    await addMessage({ threadId: first.threadId, subject: 'Re: Hello' });
    const added = await addMessage({ subject: 'Other' });
    const { data } = await t.gmail.users.getProfile({ userId: 'me' });
    expect(data).toEqual({
      emailAddress: t.email,
      messagesTotal: 3,
      threadsTotal: 2,
      historyId: added.historyId,
    });
    const byEmail = await t.gmail.users.getProfile({ userId: t.email });
    expect(byEmail.data.emailAddress).toBe(t.email);
  });
});

describe('users.labels', () => {
  it('lists every system label plus user labels, and counts per label', async () => {
    const work = await t.emulator.admin.createLabel(t.email, 'Work');
    await addMessage({ labelIds: ['INBOX', 'UNREAD', work.id] });
    await addMessage({ labelIds: [work.id] });
    const { data } = await t.gmail.users.labels.list({ userId: 'me' });
    const ids = data.labels?.map((l) => l.id) ?? [];
    for (const id of [
      'INBOX',
      'SENT',
      'TRASH',
      'SPAM',
      'UNREAD',
      'STARRED',
      'IMPORTANT',
      'DRAFT',
      'CATEGORY_PERSONAL',
      'CATEGORY_SOCIAL',
      'CATEGORY_PROMOTIONS',
      'CATEGORY_UPDATES',
      'CATEGORY_FORUMS',
    ]) {
      expect(ids).toContain(id);
    }
    expect(ids).toHaveLength(SYSTEM_LABELS.length + 1);
    expect(data.labels?.find((l) => l.id === work.id)).toMatchObject({ name: 'Work', type: 'user' });
    expect(data.labels?.find((l) => l.id === 'INBOX')).toMatchObject({ type: 'system' });
    const counts = await t.gmail.users.labels.get({ userId: 'me', id: work.id });
    expect(counts.data).toMatchObject({
      messagesTotal: 2,
      messagesUnread: 1,
      threadsTotal: 2,
      threadsUnread: 1,
    });
  });
});

describe('users.messages.list', () => {
  it('lists newest first by internalDate, pages with an opaque token and omits messages when empty', async () => {
    const empty = await t.gmail.users.messages.list({ userId: 'me' });
    expect(empty.data).toEqual({ resultSizeEstimate: 0 });
    const now = t.clock.now();
    const old = await addMessage({ internalDate: now - 3_000 });
    const newest = await addMessage({ internalDate: now - 1_000 });
    const middle = await addMessage({ internalDate: now - 2_000 });
    const first = await t.gmail.users.messages.list({ userId: 'me', maxResults: 2 });
    expect(first.data.messages).toEqual([
      { id: newest.id, threadId: newest.threadId },
      { id: middle.id, threadId: middle.threadId },
    ]);
    expect(first.data.resultSizeEstimate).toBe(3);
    expect(first.data.nextPageToken).toEqual(expect.any(String));
    const second = await t.gmail.users.messages.list({
      userId: 'me',
      maxResults: 2,
      pageToken: first.data.nextPageToken ?? '',
    });
    expect(second.data.messages).toEqual([{ id: old.id, threadId: old.threadId }]);
    expect(second.data.nextPageToken).toBeUndefined();
  });

  it('filters by every given label and hides spam and trash unless asked', async () => {
    const inbox = await addMessage({ labelIds: ['INBOX'] });
    const starred = await addMessage({ labelIds: ['INBOX', 'STARRED'] });
    const spam = await addMessage({ labelIds: ['SPAM'] });
    const trashed = await addMessage({ labelIds: ['INBOX'] });
    await t.emulator.admin.trashMessage(t.email, trashed.id);
    const ids = async (params: { labelIds?: string[]; includeSpamTrash?: boolean }) =>
      ((await t.gmail.users.messages.list({ userId: 'me', ...params })).data.messages ?? [])
        .map((m) => m.id)
        .sort();
    expect(await ids({})).toEqual([inbox.id, starred.id].sort());
    expect(await ids({ labelIds: ['INBOX', 'STARRED'] })).toEqual([starred.id]);
    expect(await ids({ includeSpamTrash: true })).toEqual([inbox.id, starred.id, spam.id, trashed.id].sort());
    expect(await ids({ labelIds: ['TRASH'] })).toEqual([trashed.id]);
    expect(await ids({ labelIds: ['SPAM'] })).toEqual([spam.id]);
  });

  it('defaults to 100 results a page and caps maxResults at 500', async () => {
    await t.emulator.admin.seed(t.email, { count: 620, maxThreadSize: 1 });
    const all = await t.gmail.users.messages.list({ userId: 'me', includeSpamTrash: true });
    expect(all.data.messages).toHaveLength(100);
    const capped = await t.gmail.users.messages.list({
      userId: 'me',
      includeSpamTrash: true,
      maxResults: 1000,
    });
    expect(capped.data.messages).toHaveLength(500);
    expect(capped.data.resultSizeEstimate).toBe(620);
  });
});

describe('users.messages.get', () => {
  it('returns a realistic full payload with multipart/mixed, alternative parts and an attachment', async () => {
    const added = await addMessage({
      cc: ['carol@example.com'],
      html: '<p>Hi <b>Alice</b></p>',
      attachments: [{ filename: 'report.pdf', mimeType: 'application/pdf', size: 12_345 }],
      labelIds: ['INBOX', 'UNREAD', 'IMPORTANT'],
    });
    const { data } = await t.gmail.users.messages.get({ userId: 'me', id: added.id });
    expect(data).toMatchObject({
      id: added.id,
      threadId: added.threadId,
      labelIds: ['INBOX', 'UNREAD', 'IMPORTANT'],
      snippet: 'Hi Alice',
      historyId: added.historyId,
      internalDate: String(t.clock.now()),
    });
    expect(data.sizeEstimate).toBeGreaterThan(12_345);
    const payload = data.payload;
    expect(payload?.mimeType).toBe('multipart/mixed');
    const header = (name: string) => payload?.headers?.find((h) => h.name === name)?.value;
    expect(header('Subject')).toBe('Hello');
    expect(header('From')).toBe('Bob <bob@example.com>');
    expect(header('To')).toBe(t.email);
    expect(header('Cc')).toBe('carol@example.com');
    expect(header('Date')).toMatch(/^\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/);
    const [alternative, attachment] = payload?.parts ?? [];
    expect(alternative?.mimeType).toBe('multipart/alternative');
    expect(alternative?.parts?.map((p) => [p.partId, p.mimeType])).toEqual([
      ['0.0', 'text/plain'],
      ['0.1', 'text/html'],
    ]);
    const text = alternative?.parts?.[0]?.body;
    expect(Buffer.from(text?.data ?? '', 'base64url').toString()).toBe('Hi Alice');
    expect(text?.size).toBe(8);
    expect(attachment).toMatchObject({
      partId: '1',
      mimeType: 'application/pdf',
      filename: 'report.pdf',
      body: { size: 12_345 },
    });
    const bytes = await t.gmail.users.messages.attachments.get({
      userId: 'me',
      messageId: added.id,
      id: attachment?.body?.attachmentId ?? '',
    });
    expect(bytes.data.size).toBe(12_345);
    expect(Buffer.from(bytes.data.data ?? '', 'base64url')).toHaveLength(12_345);
  });

  it('serves minimal, metadata (with metadataHeaders) and raw formats', async () => {
    const added = await addMessage();
    const minimal = await t.gmail.users.messages.get({ userId: 'me', id: added.id, format: 'minimal' });
    expect(Object.keys(minimal.data).sort()).toEqual(
      ['id', 'threadId', 'labelIds', 'snippet', 'sizeEstimate', 'historyId', 'internalDate'].sort(),
    );
    const metadata = await t.gmail.users.messages.get({
      userId: 'me',
      id: added.id,
      format: 'metadata',
      metadataHeaders: ['subject', 'From'],
    });
    expect(metadata.data.payload?.headers).toEqual([
      { name: 'Subject', value: 'Hello' },
      { name: 'From', value: 'Bob <bob@example.com>' },
    ]);
    expect(metadata.data.payload?.parts).toBeUndefined();
    const raw = await t.gmail.users.messages.get({ userId: 'me', id: added.id, format: 'raw' });
    const rfc822 = Buffer.from(raw.data.raw ?? '', 'base64url');
    expect(rfc822.toString()).toContain('Subject: Hello\r\n');
    expect(rfc822.length).toBe(raw.data.sizeEstimate);
    expect(raw.data.payload).toBeUndefined();
  });

  it('answers 404 with Google error JSON for an unknown id', async () => {
    const result = await failure(t.gmail.users.messages.get({ userId: 'me', id: '18c0000000000000' }));
    expect(result.status).toBe(404);
    expect(result.body).toEqual(NOT_FOUND);
  });

  it('returns 404 once a message is permanently deleted', async () => {
    const added = await addMessage();
    await t.emulator.admin.deleteMessage(t.email, added.id);
    expect((await failure(t.gmail.users.messages.get({ userId: 'me', id: added.id }))).status).toBe(404);
  });
});

describe('users.threads', () => {
  it('groups replies into threads, lists threads by latest activity and returns messages in order', async () => {
    const now = t.clock.now();
    const root = await addMessage({ internalDate: now - 10_000 });
    const other = await addMessage({ subject: 'Other', internalDate: now - 5_000 });
    const reply = await addMessage({
      threadId: root.threadId,
      subject: 'Re: Hello',
      text: 'Re hi',
      internalDate: now - 1_000,
    });
    expect(reply.threadId).toBe(root.id);
    const list = await t.gmail.users.threads.list({ userId: 'me' });
    expect(list.data.threads?.map((th) => th.id)).toEqual([root.threadId, other.threadId]);
    expect(list.data.threads?.[0]).toEqual({
      id: root.threadId,
      snippet: 'Re hi',
      historyId: reply.historyId,
    });
    const thread = await t.gmail.users.threads.get({ userId: 'me', id: root.threadId, format: 'metadata' });
    expect(thread.data.id).toBe(root.threadId);
    expect(thread.data.historyId).toBe(reply.historyId);
    expect(thread.data.messages?.map((m) => m.id)).toEqual([root.id, reply.id]);
    const inReplyTo = thread.data.messages?.[1]?.payload?.headers?.find(
      (h) => h.name === 'In-Reply-To',
    )?.value;
    const rootMessageId = thread.data.messages?.[0]?.payload?.headers?.find(
      (h) => h.name === 'Message-ID',
    )?.value;
    expect(inReplyTo).toBe(rootMessageId);
    const paged = await t.gmail.users.threads.list({ userId: 'me', maxResults: 1 });
    const next = await t.gmail.users.threads.list({
      userId: 'me',
      maxResults: 1,
      pageToken: paged.data.nextPageToken ?? '',
    });
    expect(next.data.threads?.map((th) => th.id)).toEqual([other.threadId]);
    expect((await failure(t.gmail.users.threads.get({ userId: 'me', id: 'ffff000000000000' }))).status).toBe(
      404,
    );
  });
});

describe('bearer token checks', () => {
  it('answers 401 with Google error JSON when the token is missing, unknown or expired', async () => {
    const anonymous = google.gmail({ version: 'v1', rootUrl: t.emulator.endpoints.rootUrl, retry: false });
    const missing = await failure(anonymous.users.getProfile({ userId: 'me' }));
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({
      error: { code: 401, status: 'UNAUTHENTICATED', errors: [{ reason: 'required', domain: 'global' }] },
    });
    const unknown = await failure(gmailClient(t.emulator, 'ya29.nope').users.getProfile({ userId: 'me' }));
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({
      error: { code: 401, status: 'UNAUTHENTICATED', errors: [{ reason: 'authError' }] },
    });
    expect(unknown.headers.get('www-authenticate')).toContain('invalid_token');
    t.clock.advance(3598_000);
    await t.gmail.users.getProfile({ userId: 'me' });
    t.clock.advance(1_000);
    expect((await failure(t.gmail.users.getProfile({ userId: 'me' }))).status).toBe(401);
  });

  it("refuses another user's mailbox and tokens without Gmail scopes", async () => {
    await t.emulator.admin.createUser('mallory@example.com');
    const other = await failure(t.gmail.users.getProfile({ userId: 'mallory@example.com' }));
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({
      error: { code: 403, message: `Delegation denied for ${t.email}`, status: 'PERMISSION_DENIED' },
    });
    const profileOnly = await t.emulator.admin.issueTokens(t.email, { scope: 'openid email' });
    const denied = await failure(
      gmailClient(t.emulator, profileOnly.access_token).users.getProfile({ userId: 'me' }),
    );
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { errors: [{ reason: 'insufficientPermissions' }] } });
  });

  it('keeps gmail.metadata tokens away from bodies', async () => {
    const added = await addMessage();
    const metadata = await t.emulator.admin.issueTokens(t.email, {
      scope: 'https://www.googleapis.com/auth/gmail.metadata',
    });
    const gmail = gmailClient(t.emulator, metadata.access_token);
    const meta = await gmail.users.messages.get({ userId: 'me', id: added.id, format: 'metadata' });
    expect(meta.data.id).toBe(added.id);
    const full = await failure(gmail.users.messages.get({ userId: 'me', id: added.id }));
    expect(full.status).toBe(403);
    expect(full.body).toMatchObject({ error: { message: "Metadata scope doesn't allow format FULL" } });
  });
});

describe('unsupported surface', () => {
  it('answers 501 for methods the emulator does not implement and for the batch endpoint', async () => {
    const send = await failure(t.gmail.users.messages.send({ userId: 'me', requestBody: { raw: 'eA' } }));
    expect(send.status).toBe(501);
    expect(send.body).toMatchObject({ error: { code: 501, status: 'UNIMPLEMENTED' } });
    const batch = await fetch(`${t.emulator.url}/batch/gmail/v1`, { method: 'POST' });
    expect(batch.status).toBe(501);
  });
});
