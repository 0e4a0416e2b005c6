import type { DocumentSnapshot, Firestore, Query } from '@google-cloud/firestore';
import type { ControlQueries, MailboxSummary } from '../../control/ports.js';

function summary(d: DocumentSnapshot): MailboxSummary {
  return {
    id: d.id,
    status: d.get('status') ?? 'active',
    watchExpiresAt: d.get('watchExpiresAt') ?? null,
    lastSuccessfulSyncAt: d.get('lastSuccessfulSyncAt') ?? null,
    dirty: d.get('dirty') === true,
    fullSync: Boolean(d.get('fullSync')),
  };
}

/** {@link ControlQueries} on Firestore; every query is bounded and backed by a declared index. */
export class FirestoreControlQueries implements ControlQueries {
  constructor(private readonly db: Firestore) {}

  private get active() {
    return this.db.collection('mailboxes').where('status', '==', 'active');
  }

  async watchesExpiringBefore(before: number, limit: number): Promise<MailboxSummary[]> {
    // mailboxes with no watch at all (its start failed at connect) and expiring ones each get their own
    // batch, so watches that keep failing to start never crowd out renewals
    const [missing, expiring] = await Promise.all([
      this.active.where('watchExpiresAt', '==', null).limit(limit).get(),
      this.active.where('watchExpiresAt', '<', before).orderBy('watchExpiresAt').limit(limit).get(),
    ]);
    return [...missing.docs, ...expiring.docs].map(summary);
  }

  async staleMailboxes(before: number, limit: number): Promise<MailboxSummary[]> {
    const snap = await this.active
      .where('lastSuccessfulSyncAt', '<', before)
      .orderBy('lastSuccessfulSyncAt')
      .limit(limit)
      .get();
    return snap.docs.map(summary);
  }

  async stuckMailboxes(now: number, limit: number): Promise<MailboxSummary[]> {
    const [dirty, unsynced] = await Promise.all([
      this.active.where('dirty', '==', true).limit(limit).get(),
      this.active.where('cursor', '==', null).limit(limit).get(),
    ]);
    const candidates = new Map<string, DocumentSnapshot>();
    for (const d of [...dirty.docs, ...unsynced.docs]) candidates.set(d.id, d);
    const out: MailboxSummary[] = [];
    for (const d of candidates.values()) {
      const lease = await d.ref.collection('lease').doc('current').get();
      const held = lease.exists && lease.get('released') !== true && (lease.get('expiresAt') as number) > now;
      if (!held) out.push(summary(d));
      if (out.length >= limit) break;
    }
    return out;
  }

  async pruneExpired(now: number, limit: number): Promise<Record<string, number>> {
    const at = new Date(now);
    const targets: Record<string, Query> = {
      connectSessions: this.db.collection('connectSessions').where('expireAt', '<', at),
      syncRuns: this.db.collectionGroup('syncRuns').where('expireAt', '<', at),
      localTasks: this.db.collection('localTasks').where('expireAt', '<', at),
    };
    const out: Record<string, number> = {};
    for (const [name, query] of Object.entries(targets)) {
      const snap = await query.limit(limit).select().get();
      const writer = this.db.bulkWriter();
      for (const d of snap.docs) void writer.delete(d.ref);
      await writer.close();
      out[name] = snap.size;
    }
    return out;
  }
}
