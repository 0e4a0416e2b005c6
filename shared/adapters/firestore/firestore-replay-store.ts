import { FieldPath, type Firestore } from '@google-cloud/firestore';
import type { MailmonEvent } from '../../events/event.js';
import type { Delivery } from '../../webhooks/model.js';
import {
  type Replay,
  type ReplayCursor,
  type ReplayEventRef,
  replaysOverlap,
} from '../../webhooks/replays/model.js';
import type { ReplayProgress, ReplayStore } from '../../webhooks/replays/ports.js';
import { eventOf } from './event-documents.js';
import { inCollection, pageNewestFirst } from './page-newest-first.js';
import { expireAtFor } from './retention.js';

function toReplay(data: FirebaseFirestore.DocumentData): Replay {
  const { expireAt: _ttl, ...replay } = data;
  // a replay stored before dispatchedAt existed has not finished dispatching
  return { ...replay, dispatchedAt: replay.dispatchedAt ?? null } as Replay;
}

function sameCursor(a: ReplayCursor, b: ReplayCursor): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * {@link ReplayStore} on Firestore: `replays/{id}`, and `replayLocks/{endpointId}` listing the endpoint's
 * running replays with their selectors. Every create, completion and cancellation reads and writes the
 * lock in its transaction, so two overlapping creates conflict and one of them sees the other.
 */
export class FirestoreReplayStore implements ReplayStore {
  constructor(private readonly db: Firestore) {}

  private replays() {
    return this.db.collection('replays');
  }
  private lock(endpointId: string) {
    return this.db.collection('replayLocks').doc(endpointId);
  }

  async create(replay: Replay): Promise<{ created: true } | { created: false; conflictWith: string }> {
    const lockRef = this.lock(replay.endpointId);
    // the lock must exist before transactions read it: reads of a missing document do not always conflict
    await lockRef.set({}, { merge: true });
    return this.db.runTransaction(async (tx) => {
      const lock = await tx.get(lockRef);
      const active = (lock.get('running') as Record<string, Replay['selector']> | undefined) ?? {};
      const clash = Object.entries(active).find(([, selector]) => replaysOverlap(selector, replay.selector));
      if (clash) return { created: false, conflictWith: clash[0] };
      tx.set(lockRef, { running: { ...active, [replay.id]: replay.selector } });
      tx.create(this.replays().doc(replay.id), {
        ...replay,
        expireAt: expireAtFor(replay.createdAt),
      });
      return { created: true };
    });
  }

  async get(workspaceId: string, id: string): Promise<Replay | undefined> {
    const snap = await this.replays().doc(id).get();
    if (!snap.exists || snap.get('workspaceId') !== workspaceId) return undefined;
    return toReplay(snap.data()!);
  }

  async list(workspaceId: string, limit: number, after?: string) {
    const page = await pageNewestFirst(this.db, this.replays().where('workspaceId', '==', workspaceId), {
      field: 'createdAt',
      limit,
      after,
      belongs: inCollection('replays'),
    });
    return {
      data: page.docs.map((d) => toReplay(d.data())),
      next: page.next,
    };
  }

  async dispatching(limit: number): Promise<Replay[]> {
    const snap = await this.replays()
      .where('state', '==', 'running')
      .where('dispatchedAt', '==', null)
      .orderBy('createdAt')
      .limit(limit)
      .get();
    return snap.docs.map((d) => toReplay(d.data()));
  }

  async delivering(limit: number): Promise<Replay[]> {
    const snap = await this.replays()
      .where('state', '==', 'running')
      .where('dispatchedAt', '>', 0)
      .orderBy('dispatchedAt')
      .limit(limit)
      .get();
    return snap.docs.map((d) => toReplay(d.data()));
  }

  async complete(replayId: string, now: number): Promise<boolean> {
    const ref = this.replays().doc(replayId);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || snap.get('state') !== 'running' || snap.get('dispatchedAt') == null) return false;
      const lock = await tx.get(this.lock(snap.get('endpointId') as string));
      tx.update(ref, { state: 'completed', completedAt: now, updatedAt: now });
      this.releaseLock(tx, lock, replayId);
      return true;
    });
  }

  async eventsInWindow(
    workspaceId: string,
    window: { from: number; to: number; mailboxId?: string },
    cursor: ReplayCursor,
    limit: number,
  ): Promise<{ events: MailmonEvent[]; last: ReplayCursor }> {
    // occurredAt is always toISOString() output, so string order is time order
    let scoped = this.db.collectionGroup('events').where('workspaceId', '==', workspaceId);
    if (window.mailboxId) scoped = scoped.where('mailboxId', '==', window.mailboxId);
    let query = scoped
      .where('occurredAt', '>=', new Date(window.from).toISOString())
      .where('occurredAt', '<', new Date(window.to).toISOString())
      .orderBy('occurredAt')
      .orderBy(FieldPath.documentId());
    if (cursor && 'path' in cursor) query = query.startAfter(cursor.occurredAt, this.db.doc(cursor.path));
    const snap = await query.limit(limit).get();
    const last = snap.docs[snap.docs.length - 1];
    return {
      events: snap.docs.map((d) => eventOf(d.data())),
      last: last ? { occurredAt: last.get('occurredAt') as string, path: last.ref.path } : null,
    };
  }

  async findEvents(workspaceId: string, ids: string[]): Promise<ReplayEventRef[]> {
    const found: ReplayEventRef[] = [];
    for (let i = 0; i < ids.length; i += 30) {
      const snap = await this.db
        .collectionGroup('events')
        .where('workspaceId', '==', workspaceId)
        .where('id', 'in', ids.slice(i, i + 30))
        .select('id', 'mailboxId', 'occurredAt')
        .get();
      for (const d of snap.docs)
        found.push({
          id: d.get('id') as string,
          mailboxId: d.get('mailboxId') as string,
          at: Date.parse(d.get('occurredAt') as string),
        });
    }
    return found;
  }

  async readEvents(refs: ReplayEventRef[]): Promise<(MailmonEvent | undefined)[]> {
    if (refs.length === 0) return [];
    const snaps = await this.db.getAll(
      ...refs.map((r) => this.db.collection('mailboxes').doc(r.mailboxId).collection('events').doc(r.id)),
    );
    return snaps.map((s) => (s.exists ? eventOf(s.data()!) : undefined));
  }

  async commitBatch(
    replayId: string,
    expectedCursor: ReplayCursor,
    deliveries: Delivery[],
    next: { cursor: ReplayCursor; done: boolean; now: number },
  ): Promise<Delivery[] | undefined> {
    const ref = this.replays().doc(replayId);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (
        !snap.exists ||
        snap.get('state') !== 'running' ||
        !sameCursor(snap.get('cursor') ?? null, expectedCursor)
      )
        return undefined;
      const refs = deliveries.map((d) => this.db.collection('deliveries').doc(d.id));
      const existing = refs.length > 0 ? await tx.getAll(...refs) : [];
      const created = deliveries.filter((_, i) => !existing[i]?.exists);
      for (const d of created)
        tx.create(this.db.collection('deliveries').doc(d.id), {
          ...d,
          expireAt: expireAtFor(d.createdAt),
        });
      tx.update(ref, {
        cursor: next.cursor,
        enqueued: (snap.get('enqueued') as number) + created.length,
        updatedAt: next.now,
        ...(next.done ? { dispatchedAt: next.now } : {}),
      });
      return created;
    });
  }

  private releaseLock(
    tx: FirebaseFirestore.Transaction,
    lock: FirebaseFirestore.DocumentSnapshot,
    replayId: string,
  ) {
    const running = { ...((lock.get('running') as Record<string, unknown> | undefined) ?? {}) };
    if (!(replayId in running)) return;
    delete running[replayId];
    tx.set(lock.ref, { running });
  }

  async cancel(workspaceId: string, id: string, now: number): Promise<Replay | undefined> {
    const ref = this.replays().doc(id);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || snap.get('workspaceId') !== workspaceId) return undefined;
      const replay = toReplay(snap.data()!);
      if (replay.state !== 'running') return replay;
      const lock = await tx.get(this.lock(replay.endpointId));
      tx.update(ref, { state: 'cancelled', cancelledAt: now, updatedAt: now });
      this.releaseLock(tx, lock, id);
      return { ...replay, state: 'cancelled', cancelledAt: now, updatedAt: now };
    });
  }

  async failPending(replayId: string, now: number): Promise<number> {
    let failed = 0;
    for (;;) {
      const snap = await this.db
        .collection('deliveries')
        .where('replayId', '==', replayId)
        .where('state', '==', 'pending')
        .limit(200)
        .get();
      if (snap.empty) return failed;
      for (const d of snap.docs) {
        // per delivery, so an attempt recorded meanwhile is never overwritten
        const changed = await this.db.runTransaction(async (tx) => {
          const current = await tx.get(d.ref);
          if (current.get('state') !== 'pending') return false;
          tx.update(d.ref, {
            state: 'failed',
            failureReason: 'replay_cancelled',
            nextAttemptAt: null,
            updatedAt: now,
          });
          return true;
        });
        if (changed) failed += 1;
      }
    }
  }

  async hasPending(replayId: string): Promise<boolean> {
    const snap = await this.db
      .collection('deliveries')
      .where('replayId', '==', replayId)
      .where('state', '==', 'pending')
      .limit(1)
      .select()
      .get();
    return !snap.empty;
  }

  async progress(replayId: string): Promise<ReplayProgress> {
    const scope = this.db.collection('deliveries').where('replayId', '==', replayId);
    const count = async (state: string) =>
      (await scope.where('state', '==', state).count().get()).data().count;
    const [pending, delivered, failed] = await Promise.all([
      count('pending'),
      count('delivered'),
      count('failed'),
    ]);
    return { pending, delivered, failed };
  }
}
