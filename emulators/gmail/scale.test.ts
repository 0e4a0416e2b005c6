import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWithMailbox, type TestMailbox } from './test-helpers.js';

let t: TestMailbox;

beforeEach(async () => {
  t = await startWithMailbox();
});
afterEach(async () => {
  await t.emulator.stop();
});

describe('100,000 messages', () => {
  it('seeds 100,000 messages and pages messages.list (500 a page) through all of them, newest first', async () => {
    const seeded = await t.emulator.admin.seed(t.email, { count: 100_000 });
    expect(seeded.count).toBe(100_000);

    const ids: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data } = await t.gmail.users.messages.list({
        userId: 'me',
        maxResults: 500,
        includeSpamTrash: true,
        pageToken,
      });
      for (const m of data.messages ?? []) ids.push(m.id ?? '');
      pageToken = data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBe(200);
    expect(new Set(ids).size).toBe(100_000);

    // newest first across page boundaries, checked on a sample
    const sampled = [0, 499, 500, 501, 33_333, 50_000, 77_777, 99_499, 99_500, 99_999];
    const dates: number[] = [];
    for (const at of sampled) {
      const { data } = await t.gmail.users.messages.get({
        userId: 'me',
        id: ids[at] ?? '',
        format: 'minimal',
      });
      dates.push(Number(data.internalDate));
    }
    expect(dates).toEqual([...dates].sort((a, b) => b - a));

    const sample = await t.gmail.users.messages.get({ userId: 'me', id: ids[54_321] ?? '' });
    expect(sample.data.payload?.headers?.some((h) => h.name === 'Subject')).toBe(true);
    expect(sample.data.sizeEstimate).toBeGreaterThan(0);
    const inbox = await t.gmail.users.messages.list({
      userId: 'me',
      labelIds: ['INBOX', 'UNREAD'],
      maxResults: 500,
    });
    expect(inbox.data.messages).toHaveLength(500);
  });

  it('pages history.list over 100,000 records in order, and starts exactly after any start id', async () => {
    const start = (await t.gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    await t.emulator.admin.seed(t.email, { count: 100_000, recordHistory: true });
    let pageToken: string | undefined;
    let records = 0;
    let lastId = 0;
    const ids: number[] = [];
    do {
      const { data } = await t.gmail.users.history.list({
        userId: 'me',
        startHistoryId: start,
        maxResults: 500,
        pageToken,
      });
      for (const record of data.history ?? []) {
        expect(Number(record.id)).toBeGreaterThan(lastId);
        lastId = Number(record.id);
        ids.push(lastId);
        records++;
      }
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(records).toBe(100_000);

    // a start id in the middle of the log, and one just below a record's id, give only what follows them
    for (const startId of [ids[49_999]!, ids[70_000]! - 1]) {
      const { data } = await t.gmail.users.history.list({
        userId: 'me',
        startHistoryId: String(startId),
        maxResults: 3,
      });
      const expected = ids.filter((id) => id > startId).slice(0, 3);
      expect(data.history?.map((r) => Number(r.id))).toEqual(expected);
    }

    const tail = await t.gmail.users.history.list({ userId: 'me', startHistoryId: String(lastId - 1) });
    expect(tail.data.history?.map((r) => Number(r.id))).toEqual([lastId]);
  });
});
