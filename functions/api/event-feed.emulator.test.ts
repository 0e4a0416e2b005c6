import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDemoMailbox } from '../../emulators/connect-demo-mailbox.js';
import { type LocalStack, startLocalStack } from '../../emulators/stack.js';
import { emulatorHosts, newProjectId } from '../../emulators/testing/index.js';
import { issueApiKey } from '../../shared/workspaces/api-keys.js';

interface FeedPage {
  object: string;
  data: { id: string; mailboxId: string; seq: number; type: string; workspaceId: string }[];
  nextCursor: string | null;
  hasMore: boolean;
}

describe('GET /v1/events', () => {
  let stack: LocalStack;
  const keys = { a: '', b: '' };

  beforeAll(async () => {
    stack = await startLocalStack({
      ...emulatorHosts(),
      projectId: newProjectId('event-feed'),
      logWrite: () => {},
    });
    const { workspaces, clock } = stack.runtime;
    for (const who of ['a', 'b'] as const) {
      await workspaces.createWorkspace({ id: `ws_feed_${who}`, name: who, createdAt: clock.now() });
      keys[who] = (await issueApiKey({ workspaces, clock }, `ws_feed_${who}`, who)).apiKey;
    }
  }, 60_000);
  afterAll(() => stack?.stop());

  const feed = async (who: 'a' | 'b', query: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams(
      Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
    );
    return fetch(`${stack.apiUrl}/v1/events?${params}`, {
      headers: { authorization: `Bearer ${keys[who]}` },
    });
  };
  const indexedEventIds = async (workspaceId: string) =>
    (
      await stack.runtime.db
        .collectionGroup('events')
        .where('workspaceId', '==', workspaceId)
        .where('feed', '==', 'indexed')
        .get()
    ).docs
      .map((d) => d.id)
      .sort();

  it('gives a reader paging from the start with random page sizes, stopping and resuming, every event of five mailboxes syncing at once', async () => {
    const users = Array.from({ length: 5 }, (_, i) => `feed${i}@example.com`);
    for (const [i, user] of users.entries()) {
      await stack.gmail.admin.createUser(user);
      await stack.gmail.admin.seed(user, { count: 30 + i * 7, seed: i + 1 });
    }
    // a reader's choices: page sizes, and after which pages it stops and resumes from its cursor alone
    const plan = fc.sample(fc.record({ limit: fc.integer({ min: 1, max: 25 }), stop: fc.boolean() }), {
      numRuns: 400,
      seed: 42,
    });
    const seen = new Set<string>();
    const seqs = new Map<string, number[]>();
    let cursor: string | undefined;
    let stops = 0;
    let step = 0;
    const read = async () => {
      const { limit, stop } = plan[step % plan.length]!;
      step += 1;
      const response = await feed('a', { after: cursor, limit });
      expect(response.status).toBe(200);
      const page = (await response.json()) as FeedPage;
      expect(page.object).toBe('list');
      expect(page.data.length).toBeLessThanOrEqual(limit);
      for (const e of page.data) {
        expect(e.workspaceId).toBe('ws_feed_a');
        seen.add(e.id);
        seqs.set(e.mailboxId, [...(seqs.get(e.mailboxId) ?? []), e.seq]);
      }
      cursor = page.nextCursor ?? cursor;
      if (stop) stops += 1; // a stopped reader keeps nothing but its cursor
      return page;
    };

    // five connects at once: five initial syncs commit concurrently while the reader pages, then live changes
    const connecting = Promise.all(
      users.map((account, i) =>
        connectDemoMailbox({
          apiUrl: stack.apiUrl,
          apiKey: keys.a,
          account,
          tenantExternalId: 'feed',
          mailboxExternalId: `box-${i}`,
        }),
      ),
    );
    let settled = false;
    void connecting.finally(() => {
      settled = true;
    });
    while (!settled) await read();
    const mailboxIds = (await connecting).map((m) => m.mailboxId);
    for (const [i, user] of users.entries())
      await stack.gmail.admin.addMessage(user, {
        from: 'x@example.com',
        to: user,
        subject: `live ${i}`,
        text: '.',
      });
    // keep reading while the syncs finish and their events are indexed, then drain: a gap would leave events
    // unseen for good
    const deadline = Date.now() + 150_000;
    for (;;) {
      await read();
      const mailboxes = await Promise.all(
        mailboxIds.map(async (id) => (await stack.runtime.db.collection('mailboxes').doc(id).get()).data()!),
      );
      const synced = mailboxes.every((m) => m.syncState === 'healthy' && m.fullSync === null);
      const live = mailboxes.every((m, i) => Number(m.nextSeq) > 30 + i * 7 + 2);
      // an event enters the feed once indexed, right after its sync's fan-out
      const unindexed = await stack.runtime.db
        .collectionGroup('events')
        .where('workspaceId', '==', 'ws_feed_a')
        .where('feed', '==', 'pending')
        .limit(1)
        .get();
      if (synced && live && unindexed.empty) break;
      if (Date.now() > deadline) throw new Error('the five mailboxes did not finish syncing and indexing');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // every event indexed before the last drain began must have been seen: that is the no-gap promise (events
    // of syncs still finishing may be indexed later; they are not part of the comparison)
    const indexed = await indexedEventIds('ws_feed_a');
    while ((await read()).hasMore);
    expect(indexed.filter((id) => !seen.has(id))).toEqual([]);
    expect(indexed.length).toBeGreaterThan(250);
    expect(stops).toBeGreaterThan(3);
    // the order holds within each mailbox: seq only goes up along the feed
    for (const list of seqs.values()) expect([...list].sort((x, y) => x - y)).toEqual(list);
    expect(seqs.size).toBe(5);
  }, 200_000);

  it('filters by mailbox and event type, and refuses a mailbox of another workspace, bad types and cursors', async () => {
    const {
      data: [first],
    } = (await (await feed('a', { limit: 1 })).json()) as FeedPage;
    const mailboxId = first!.mailboxId;
    const created = (await (
      await feed('a', { mailboxId, types: 'message.created', limit: 100 })
    ).json()) as FeedPage;
    expect(created.data.length).toBeGreaterThan(0);
    expect(created.data.every((e) => e.mailboxId === mailboxId && e.type === 'message.created')).toBe(true);

    for (const [query, code] of [
      [{ types: 'message.created,nope' }, 'invalid_request'],
      [{ types: '' }, 'invalid_request'],
      [{ after: 'bm90IGEgY3Vyc29y' }, 'invalid_cursor'],
      [{ limit: 0 }, 'invalid_request'],
      [{ since: '2020' }, 'invalid_request'],
    ] as const) {
      const response = await feed('a', query);
      expect(response.status, JSON.stringify(query)).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect((await response.json()).code).toBe(code);
    }
  });

  it('GET /v1/events refuses another workspace’s mailbox and shows another workspace none of its events', async () => {
    const { data } = (await (await feed('a', { limit: 5 })).json()) as FeedPage;
    expect(data.length).toBe(5);
    const refused = await feed('b', { mailboxId: data[0]!.mailboxId });
    expect(refused.status).toBe(404);
    const body = await refused.text();
    expect(body).not.toContain(data[0]!.id);
    expect(JSON.parse(body).code).toBe('not_found');
    const own = (await (await feed('b', { limit: 100 })).json()) as FeedPage;
    expect(own.data).toEqual([]);
    expect(own.hasMore).toBe(false);
    // even with workspace a's cursor, b's feed holds none of a's events
    const { nextCursor } = (await (await feed('a', { limit: 3 })).json()) as FeedPage;
    const resumed = await feed('b', { after: nextCursor!, limit: 100 });
    expect(resumed.status).toBe(200);
    expect(((await resumed.json()) as FeedPage).data).toEqual([]);
  });
});
