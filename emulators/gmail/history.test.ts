import type { gmail_v1 } from 'googleapis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, gmailClient, startWithMailbox, type TestMailbox } from './test-helpers.js';

let t: TestMailbox;

beforeEach(async () => {
  t = await startWithMailbox({ historyRetentionMs: 24 * 3600 * 1000 });
});
afterEach(async () => {
  await t.emulator.stop();
});

const add = (extra: Record<string, unknown> = {}) =>
  t.emulator.admin.addMessage(t.email, {
    from: 'bob@example.com',
    to: t.email,
    subject: 'Hi',
    text: 'x',
    ...extra,
  });

/** Moves the clock and swaps in a fresh access token (the old one lives 3599 s). */
async function advance(ms: number): Promise<void> {
  t.clock.advance(ms);
  t.gmail = gmailClient(t.emulator, (await t.emulator.admin.issueTokens(t.email)).access_token);
}

async function startId(): Promise<string> {
  return (await t.gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
}

/** Every history record from `start`, following page tokens. */
async function allHistory(start: string, params: Partial<gmail_v1.Params$Resource$Users$History$List> = {}) {
  const records: gmail_v1.Schema$History[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const { data } = await t.gmail.users.history.list({
      userId: 'me',
      startHistoryId: start,
      pageToken,
      ...params,
    });
    records.push(...(data.history ?? []));
    pageToken = data.nextPageToken ?? undefined;
    pages++;
  } while (pageToken);
  return { records, pages };
}

describe('users.history.list', () => {
  it('returns chronological records of every change type, across pages, with the mailbox historyId', async () => {
    const start = await startId();
    const a = await add({ labelIds: ['INBOX', 'UNREAD', 'STARRED'] });
    const b = await add();
    await t.emulator.admin.modifyMessage(t.email, a.id, {
      addLabelIds: ['IMPORTANT'],
      removeLabelIds: ['UNREAD'],
    });
    await t.emulator.admin.trashMessage(t.email, b.id);
    await t.emulator.admin.deleteMessage(t.email, a.id);

    const { records, pages } = await allHistory(start, { maxResults: 2 });
    expect(pages).toBe(3);
    expect(records).toHaveLength(5);
    const ids = records.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(Number(ids[0])).toBeGreaterThan(Number(start));
    // labels applied on arrival travel inside messagesAdded, not as labelsAdded
    expect(records[0]).toEqual({
      id: a.historyId,
      messages: [{ id: a.id, threadId: a.threadId }],
      messagesAdded: [
        { message: { id: a.id, threadId: a.threadId, labelIds: ['INBOX', 'UNREAD', 'STARRED'] } },
      ],
    });
    expect(records[1]?.messagesAdded?.[0]?.message?.id).toBe(b.id);
    expect(records[2]).toMatchObject({
      labelsAdded: [
        { message: { id: a.id, labelIds: ['INBOX', 'STARRED', 'IMPORTANT'] }, labelIds: ['IMPORTANT'] },
      ],
      labelsRemoved: [{ message: { id: a.id }, labelIds: ['UNREAD'] }],
    });
    // trash is a label change, not a deletion
    expect(records[3]).toMatchObject({
      labelsAdded: [{ message: { id: b.id, labelIds: ['UNREAD', 'TRASH'] }, labelIds: ['TRASH'] }],
      labelsRemoved: [{ labelIds: ['INBOX'] }],
    });
    expect(records[3]?.messagesDeleted).toBeUndefined();
    expect(records[4]).toMatchObject({ messagesDeleted: [{ message: { id: a.id, threadId: a.threadId } }] });

    const last = await t.gmail.users.history.list({ userId: 'me', startHistoryId: start });
    expect(last.data.historyId).toBe(await startId());
    expect(last.data.historyId).toBe(records[4]?.id);
  });

  it('issues increasing history ids with gaps', async () => {
    const start = await startId();
    for (let i = 0; i < 10; i++) await add();
    const ids = (await allHistory(start)).records.map((r) => Number(r.id));
    const gaps = ids.slice(1).map((id, i) => id - (ids[i] as number));
    expect(gaps.every((g) => g >= 1)).toBe(true);
    expect(gaps.some((g) => g > 1)).toBe(true);
  });

  it('filters by historyTypes and labelId', async () => {
    const start = await startId();
    const a = await add({ labelIds: ['INBOX'] });
    const b = await add({ labelIds: ['SENT'] });
    await t.emulator.admin.modifyMessage(t.email, a.id, { addLabelIds: ['STARRED'] });
    await t.emulator.admin.modifyMessage(t.email, b.id, { addLabelIds: ['STARRED'] });
    await t.emulator.admin.modifyMessage(t.email, b.id, { removeLabelIds: ['STARRED'] });

    const labelAdded = await allHistory(start, { historyTypes: ['labelAdded'] });
    expect(labelAdded.records.map((r) => r.labelsAdded?.[0]?.message?.id)).toEqual([a.id, b.id]);
    expect(
      labelAdded.records.every((r) => r.messagesAdded === undefined && r.labelsRemoved === undefined),
    ).toBe(true);

    const twoTypes = await allHistory(start, { historyTypes: ['messageAdded', 'labelRemoved'] });
    expect(twoTypes.records).toHaveLength(3);

    const sent = await allHistory(start, { labelId: 'SENT' });
    expect(sent.records.map((r) => r.messages?.[0]?.id)).toEqual([b.id, b.id, b.id]);

    const bad = await failure(
      t.gmail.users.history.list({ userId: 'me', startHistoryId: start, historyTypes: ['bogus'] }),
    );
    expect(bad.status).toBe(400);
  });

  it('pages 100 records by default and at most 500', async () => {
    const start = await startId();
    await t.emulator.admin.seed(t.email, { count: 620, recordHistory: true });
    const first = await t.gmail.users.history.list({ userId: 'me', startHistoryId: start });
    expect(first.data.history).toHaveLength(100);
    expect(first.data.nextPageToken).toEqual(expect.any(String));
    const capped = await t.gmail.users.history.list({ userId: 'me', startHistoryId: start, maxResults: 900 });
    expect(capped.data.history).toHaveLength(500);
    const { records } = await allHistory(start, { maxResults: 500 });
    expect(records).toHaveLength(620);
    expect(new Set(records.map((r) => r.messages?.[0]?.id)).size).toBe(620);
  });

  it('requires startHistoryId and answers an empty page when nothing changed', async () => {
    const missing = await failure(t.gmail.users.history.list({ userId: 'me' }));
    expect(missing.status).toBe(400);
    const start = await startId();
    const { data } = await t.gmail.users.history.list({ userId: 'me', startHistoryId: start });
    expect(data).toEqual({ historyId: start });
  });

  it('answers 404 for start ids issued before expire-history, and accepts the new historyId', async () => {
    const start = await startId();
    const added = await add();
    await t.emulator.admin.expireHistory(t.email);
    for (const old of [start, added.historyId]) {
      const expired = await failure(t.gmail.users.history.list({ userId: 'me', startHistoryId: old }));
      expect(expired.status).toBe(404);
      expect(expired.body).toEqual({
        error: {
          code: 404,
          message: 'Requested entity was not found.',
          errors: [{ message: 'Requested entity was not found.', domain: 'global', reason: 'notFound' }],
          status: 'NOT_FOUND',
        },
      });
    }
    const fresh = await startId();
    await add();
    const { records } = await allHistory(fresh);
    expect(records).toHaveLength(1);
  });

  it('expires start ids older than the retention window by the injected clock', async () => {
    const start = await startId();
    await add();
    await advance(23 * 3600 * 1000);
    expect((await allHistory(start)).records).toHaveLength(1);
    const later = await startId();
    await advance(2 * 3600 * 1000);
    await add();
    expect((await failure(t.gmail.users.history.list({ userId: 'me', startHistoryId: start }))).status).toBe(
      404,
    );
    expect((await allHistory(later)).records).toHaveLength(1);
  });

  it('expires older start ids when a seed records a single history bump', async () => {
    const start = await startId();
    const seeded = await t.emulator.admin.seed(t.email, { count: 50 });
    expect((await failure(t.gmail.users.history.list({ userId: 'me', startHistoryId: start }))).status).toBe(
      404,
    );
    expect(await startId()).toBe(seeded.historyId);
    expect((await allHistory(seeded.historyId)).records).toEqual([]);
  });
});
