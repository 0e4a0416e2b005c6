import type { Firestore } from '@google-cloud/firestore';
import type { FeedIndexStore, FeedLease, PendingFeedEvent } from '../../events/feed-index.js';

/**
 * {@link FeedIndexStore} on Firestore: the feed's lease, dirty mark and next position in `feeds/{workspaceId}`;
 * an event's place in `feed` (`pending`, then `indexed`) and `feedSeq` on its own document.
 */
export class FirestoreFeedIndexStore implements FeedIndexStore {
  constructor(private readonly db: Firestore) {}

  private state(workspaceId: string) {
    return this.db.collection('feeds').doc(workspaceId);
  }

  async acquire(workspaceId: string, owner: string, now: number, ttlMs: number): Promise<FeedLease | 'busy'> {
    const ref = this.state(workspaceId);
    // a cheap look first: while an indexer runs and already has to look again, another mark changes nothing
    const seen = await ref.get();
    if (seen.exists && (seen.get('expiresAt') ?? 0) > now && seen.get('owner') && seen.get('dirty') === true)
      return 'busy';
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const held = snap.exists && snap.get('owner') && (snap.get('expiresAt') ?? 0) > now;
      if (held) {
        tx.set(ref, { dirty: true }, { merge: true });
        return 'busy' as const;
      }
      const token = (snap.exists ? Number(snap.get('token') ?? 0) : 0) + 1;
      const lease: FeedLease = { workspaceId, owner, token, expiresAt: now + ttlMs };
      tx.set(
        ref,
        { owner, token, expiresAt: lease.expiresAt, dirty: false, next: snap.get('next') ?? 0 },
        { merge: true },
      );
      return lease;
    });
  }

  async pending(workspaceId: string, limit: number): Promise<PendingFeedEvent[]> {
    const snap = await this.db
      .collectionGroup('events')
      .where('workspaceId', '==', workspaceId)
      .where('feed', '==', 'pending')
      .orderBy('mailboxId')
      .orderBy('seq')
      .limit(limit)
      .get();
    return snap.docs.map((d) => ({ mailboxId: d.get('mailboxId'), eventId: d.id, seq: d.get('seq') }));
  }

  async append(
    lease: FeedLease,
    events: PendingFeedEvent[],
    now: number,
    ttlMs: number,
  ): Promise<'appended' | 'lease_lost' | 'changed'> {
    const ref = this.state(lease.workspaceId);
    try {
      return await this.appendOnce(ref, lease, events, now, ttlMs);
    } catch (error) {
      // NOT_FOUND: an event of the batch was deleted meanwhile; the caller reads the batch again
      if ((error as { code?: number }).code === 5) return 'changed';
      throw error;
    }
  }

  private appendOnce(
    ref: FirebaseFirestore.DocumentReference,
    lease: FeedLease,
    events: PendingFeedEvent[],
    now: number,
    ttlMs: number,
  ): Promise<'appended' | 'lease_lost'> {
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (snap.get('token') !== lease.token || snap.get('owner') !== lease.owner)
        return 'lease_lost' as const;
      let next = Number(snap.get('next') ?? 0);
      for (const e of events) {
        const event = this.db.collection('mailboxes').doc(e.mailboxId).collection('events').doc(e.eventId);
        tx.update(event, { feed: 'indexed', feedSeq: next });
        next += 1;
      }
      tx.update(ref, { next, expiresAt: now + ttlMs });
      return 'appended' as const;
    });
  }

  async release(lease: FeedLease, now: number): Promise<{ rerun: boolean }> {
    const ref = this.state(lease.workspaceId);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (snap.get('token') !== lease.token || snap.get('owner') !== lease.owner) return { rerun: false };
      if (snap.get('dirty') === true) {
        tx.update(ref, { dirty: false, expiresAt: Math.max(now, lease.expiresAt) });
        return { rerun: true };
      }
      tx.update(ref, { owner: null, expiresAt: 0 });
      return { rerun: false };
    });
  }

  async workspacesWithPending(limit: number): Promise<string[]> {
    const snap = await this.db.collectionGroup('events').where('feed', '==', 'pending').limit(500).get();
    return [...new Set(snap.docs.map((d) => String(d.get('workspaceId'))))].slice(0, limit);
  }
}
