import type { Firestore } from '@google-cloud/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { newProjectId, testFirestore } from '../../../emulators/testing/index.js';
import type { PendingEvent } from '../../events/event.js';
import type { MessageMeta } from '../../sync/model.js';
import { FirestoreSyncStore } from './firestore-sync-store.js';

const db = testFirestore(newProjectId('sync-store-retry'));
afterAll(() => db.terminate());

/**
 * `db`, except that its next transaction commits and then runs again, as the client library does when a
 * commit reached the server but its answer was lost (the attempt is retried from the start). `between`
 * runs after the first commit, as other work (fan-out) may in the meantime.
 */
function losingOneCommitResult(between: () => Promise<void>): Firestore {
  let lost = false;
  return new Proxy(db, {
    get(target, property) {
      if (property === 'runTransaction')
        return async (update: Parameters<Firestore['runTransaction']>[0]) => {
          if (!lost) {
            lost = true;
            await target.runTransaction(update);
            await between();
          }
          return target.runTransaction(update);
        };
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const event = (mailboxId: string, id: string): PendingEvent => ({
  id,
  type: 'mailbox.synced',
  schemaVersion: 1,
  occurredAt: '2026-06-01T00:00:00.000Z',
  workspaceId: 'ws',
  tenantExternalId: 't',
  mailboxId,
  data: { mailboxId },
});

const message = (id: string): MessageMeta => ({
  id,
  threadId: `t_${id}`,
  labelIds: ['INBOX'],
  subject: 's',
  from: 'a@example.com',
  to: [],
  cc: [],
  snippet: '',
  receivedAt: 1,
  sizeEstimate: 1,
  attachments: [],
});

async function mailboxWithLease(id: string) {
  await db
    .collection('mailboxes')
    .doc(id)
    .set({
      workspaceId: 'ws',
      tenantExternalId: 't',
      emailAddress: `${id}@example.com`,
      status: 'active',
      cursor: null,
      nextSeq: 1,
    });
  const lease = await new FirestoreSyncStore(db).acquireLease(id, 'sync_1', Date.now(), 60_000);
  const events = db.collection('mailboxes').doc(id).collection('events');
  // what fan-out does once an event is out: the retried attempt must not undo it
  const fanOut = async () => {
    for (const d of (await events.get()).docs) await d.ref.update({ fanout: 'done' });
  };
  return { lease: lease!, events, fanOut };
}

describe('FirestoreSyncStore when a commit’s result is lost and the commit is retried', () => {
  it('keeps each event as first written: same seq, fan-out state kept, the seq counter advanced once', async () => {
    const { lease, events, fanOut } = await mailboxWithLease('mbx_retried_update');
    const store = new FirestoreSyncStore(losingOneCommitResult(fanOut));
    await store.updateMailbox(lease, Date.now(), { syncState: 'lagging' }, [
      event('mbx_retried_update', 'evt_a'),
      event('mbx_retried_update', 'evt_b'),
    ]);
    expect(
      (await events.orderBy('seq').get()).docs.map((d) => [d.id, d.get('seq'), d.get('fanout')]),
    ).toEqual([
      ['evt_a', 1, 'done'],
      ['evt_b', 2, 'done'],
    ]);
    expect((await db.collection('mailboxes').doc('mbx_retried_update').get()).get('nextSeq')).toBe(3);
  });

  it('keeps a full-sync page’s events as first written when its retried commit passes the cursor check', async () => {
    const { lease, events, fanOut } = await mailboxWithLease('mbx_retried_page');
    const store = new FirestoreSyncStore(losingOneCommitResult(fanOut));
    await store.commit(
      lease,
      Date.now(),
      {
        mailboxId: 'mbx_retried_page',
        workspaceId: 'ws',
        tenantExternalId: 't',
        fromPosition: 'full:1:first',
      },
      { upserts: [message('m1')], deletes: [], generation: 1 },
      { expectedCursor: null, extraEvents: [event('mbx_retried_page', 'evt_synced')] },
    );
    const stored = (await events.orderBy('seq').get()).docs.map((d) => d.data());
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.every((e) => e.fanout === 'done')).toBe(true);
    expect(stored.at(-1)).toMatchObject({ id: 'evt_synced', seq: stored.length });
    expect((await db.collection('mailboxes').doc('mbx_retried_page').get()).get('nextSeq')).toBe(
      stored.length + 1,
    );
  });
});
