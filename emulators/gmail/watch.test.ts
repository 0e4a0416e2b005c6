import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import type { GmailNotification } from './notifier.js';
import type { NotificationPublisher } from './publisher.js';
import { failure, startWithMailbox, type TestMailbox } from './test-helpers.js';

const TOPIC = 'projects/demo-mailmon/topics/gmail-push';

interface Published {
  topic: string;
  data: GmailNotification;
  at: number;
}

let t: TestMailbox;
let published: Published[];

/** A publisher that keeps what it is given, knowing one topic. */
function recordingPublisher(now: () => number): NotificationPublisher {
  return {
    publish: async (topic, data) => {
      published.push({ topic, data: JSON.parse(data.toString('utf8')) as GmailNotification, at: now() });
    },
    topicExists: async (topic) => topic === TOPIC,
    close: async () => {},
  };
}

beforeEach(async () => {
  published = [];
  const clock = new ManualClock();
  t = await startWithMailbox({ clock, pubsub: recordingPublisher(() => clock.now()) });
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

async function currentHistoryId(): Promise<number> {
  return Number((await t.gmail.users.getProfile({ userId: 'me' })).data.historyId);
}

describe('users.watch and users.stop', () => {
  it('answers the current historyId and an expiration 7 days ahead, as epoch-ms strings', async () => {
    const { data } = await t.gmail.users.watch({
      userId: 'me',
      requestBody: { topicName: TOPIC, labelIds: ['INBOX'] },
    });
    expect(data).toEqual({
      historyId: String(await currentHistoryId()),
      expiration: String(t.clock.now() + 7 * 24 * 3600 * 1000),
    });
    const stopped = await t.gmail.users.stop({ userId: 'me' });
    expect(stopped.status).toBe(204);
    expect(stopped.data).toBe('');
  });

  it('rejects malformed topics, missing topics and unknown labels', async () => {
    const malformed = await failure(
      t.gmail.users.watch({ userId: 'me', requestBody: { topicName: 'gmail-push' } }),
    );
    expect(malformed.status).toBe(400);
    const missing = await failure(
      t.gmail.users.watch({ userId: 'me', requestBody: { topicName: 'projects/demo-mailmon/topics/nope' } }),
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    const label = await failure(
      t.gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC, labelIds: ['Label_404'] } }),
    );
    expect(label.status).toBe(400);
  });
});

describe('watch notifications', () => {
  it('publishes {emailAddress, historyId} for additions, label changes, trash and deletes, at most once a second', async () => {
    await t.gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    const a = await add();
    expect(published).toEqual([
      { topic: TOPIC, data: { emailAddress: t.email, historyId: Number(a.historyId) }, at: t.clock.now() },
    ]);

    await t.emulator.admin.modifyMessage(t.email, a.id, { removeLabelIds: ['UNREAD'] });
    const trashed = await t.emulator.admin.trashMessage(t.email, a.id);
    expect(published).toHaveLength(1);
    t.clock.advance(999);
    expect(published).toHaveLength(1);
    t.clock.advance(1);
    // coalesced: one notification carrying the latest historyId
    expect(published).toHaveLength(2);
    expect(published[1]?.data).toEqual({ emailAddress: t.email, historyId: Number(trashed.historyId) });

    t.clock.advance(5_000);
    await t.emulator.admin.deleteMessage(t.email, a.id);
    expect(published).toHaveLength(3);
    expect(published[2]?.data.historyId).toBe(await currentHistoryId());
  });

  it('never publishes faster than one per second per user, and the last one carries the final historyId', async () => {
    await t.gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    for (let i = 0; i < 40; i++) {
      await add();
      t.clock.advance(130);
    }
    t.clock.advance(1_000);
    const times = published.map((p) => p.at);
    expect(published.length).toBeGreaterThanOrEqual(5);
    expect(published.length).toBeLessThanOrEqual(Math.ceil((40 * 130) / 1000) + 1);
    for (let i = 1; i < times.length; i++)
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(1_000);
    const ids = published.map((p) => p.data.historyId);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(ids[ids.length - 1]).toBe(await currentHistoryId());
  });

  it('publishes nothing after users.stop or once the watch has expired', async () => {
    await t.gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    await t.gmail.users.stop({ userId: 'me' });
    await add();
    expect(published).toEqual([]);
    await t.gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    t.clock.advance(7 * 24 * 3600 * 1000);
    await add();
    expect(published).toEqual([]);
  });

  it('honours labelIds with include and exclude filter behaviour', async () => {
    await t.gmail.users.watch({
      userId: 'me',
      requestBody: { topicName: TOPIC, labelIds: ['INBOX'], labelFilterBehavior: 'include' },
    });
    await add({ labelIds: ['SENT'] });
    expect(published).toHaveLength(0);
    await add({ labelIds: ['INBOX'] });
    expect(published).toHaveLength(1);
    t.clock.advance(1_000);
    await t.gmail.users.watch({
      userId: 'me',
      requestBody: { topicName: TOPIC, labelIds: ['INBOX'], labelFilterBehavior: 'exclude' },
    });
    await add({ labelIds: ['INBOX'] });
    expect(published).toHaveLength(1);
    await add({ labelIds: ['SENT'] });
    expect(published).toHaveLength(2);
  });
});

describe('notification faults', () => {
  async function twoSpacedChanges() {
    await t.gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    const first = await add();
    t.clock.advance(1_000);
    const second = await add();
    return [Number(first.historyId), Number(second.historyId)];
  }

  it('drops notifications', async () => {
    await t.emulator.admin.setFaults({ notifications: { drop: 1 } });
    await twoSpacedChanges();
    expect(published).toEqual([]);
    const log = await t.emulator.admin.notifications(t.email);
    expect(log.notifications.map((n) => n.outcome)).toEqual(['dropped', 'dropped']);
  });

  it('duplicates notifications', async () => {
    await t.emulator.admin.setFaults({ notifications: { duplicate: 1 } });
    const [first, second] = await twoSpacedChanges();
    expect(published.map((p) => p.data.historyId)).toEqual([first, first, second, second]);
  });

  it('reorders notifications: a held one is published after the next', async () => {
    await t.emulator.admin.setFaults({ notifications: { reorder: 1 } });
    const [first, second] = await twoSpacedChanges();
    expect(published.map((p) => p.data.historyId)).toEqual([second, first]);
    const log = await t.emulator.admin.notifications(t.email);
    expect(log.notifications.map((n) => n.outcome)).toEqual(['held', 'published', 'released']);
  });

  it('delays notifications by the injected clock', async () => {
    await t.emulator.admin.setFaults({ notifications: { delayMs: 3_000 } });
    await t.gmail.users.watch({ userId: 'me', requestBody: { topicName: TOPIC } });
    const a = await add();
    t.clock.advance(2_999);
    expect(published).toEqual([]);
    t.clock.advance(1);
    expect(published.map((p) => p.data.historyId)).toEqual([Number(a.historyId)]);
  });
});
