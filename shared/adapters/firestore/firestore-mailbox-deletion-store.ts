import type { Firestore } from '@google-cloud/firestore';
import type { MailboxDeletionStore, MarkDeletingResult } from '../../mailboxes/ports.js';
import { storedCredentialOf } from './firestore-credential-store.js';

// events go first: once a mailbox's events are gone nothing of it can be fanned out, replayed or sent (an
// attempt whose event is missing is refused); then its deliveries, then the mirror; the mailbox document last
const BEFORE_DELIVERIES = ['events'] as const;
const AFTER_DELIVERIES = ['messages', 'threads', 'syncRuns'] as const;

/**
 * {@link MailboxDeletionStore} on Firestore. The deletion holds `mailboxes/{id}/lease/current` with a lease
 * that never expires, so the sync store's fenced commits abort and no sync can start again.
 */
export class FirestoreMailboxDeletionStore implements MailboxDeletionStore {
  constructor(private readonly db: Firestore) {}

  private mailbox(id: string) {
    return this.db.collection('mailboxes').doc(id);
  }

  async markDeleting(workspaceId: string, mailboxId: string, now: number): Promise<MarkDeletingResult> {
    const ref = this.mailbox(mailboxId);
    const leaseRef = ref.collection('lease').doc('current');
    const credentialRef = this.db.collection('credentials').doc(mailboxId);
    return this.db.runTransaction(async (tx) => {
      const [mailbox, lease, credential] = await tx.getAll(ref, leaseRef, credentialRef);
      if (!mailbox?.exists || mailbox.get('workspaceId') !== workspaceId) return { found: false };
      const sameAddress = await tx.get(
        this.db
          .collection('mailboxes')
          .where('emailAddress', '==', mailbox.get('emailAddress'))
          .select('status'),
      );
      if (mailbox.get('status') !== 'deleting') {
        tx.update(ref, { status: 'deleting', deletingAt: now, watchState: 'stopping', updatedAt: now });
        tx.set(leaseRef, {
          owner: 'deletion',
          token: ((lease?.get('token') as number | undefined) ?? 0) + 1,
          expiresAt: Number.MAX_SAFE_INTEGER,
          released: false,
          acquiredAt: now,
        });
      }
      return {
        found: true,
        addressShared: sameAddress.docs.some((d) => d.id !== mailboxId && d.get('status') !== 'deleting'),
        credential: credential?.exists ? storedCredentialOf(credential) : undefined,
      };
    });
  }

  async purgeBatch(mailboxId: string, limit: number): Promise<number> {
    return (
      (await this.purgeChildren(mailboxId, BEFORE_DELIVERIES, limit)) ||
      (await this.purgeDeliveries(mailboxId, limit)) ||
      this.purgeChildren(mailboxId, AFTER_DELIVERIES, limit)
    );
  }

  private async purgeChildren(mailboxId: string, names: readonly string[], limit: number): Promise<number> {
    for (const name of names) {
      const snap = await this.mailbox(mailboxId).collection(name).limit(limit).select().get();
      if (snap.empty) continue;
      const batch = this.db.batch();
      for (const d of snap.docs) batch.delete(d.ref);
      await batch.commit();
      return snap.size;
    }
    return 0;
  }

  private async purgeDeliveries(mailboxId: string, limit: number): Promise<number> {
    const deliveries = await this.db
      .collection('deliveries')
      .where('mailboxId', '==', mailboxId)
      .limit(Math.max(1, Math.floor(limit / 10)))
      .select()
      .get();
    if (deliveries.empty) return 0;
    const writer = this.db.bulkWriter();
    let count = 0;
    for (const d of deliveries.docs) {
      const attempts = await d.ref.collection('attempts').select().get();
      for (const a of attempts.docs) void writer.delete(a.ref);
      void writer.delete(d.ref);
      count += attempts.size + 1;
    }
    await writer.close();
    return count;
  }

  async finish(mailboxId: string): Promise<void> {
    const ref = this.mailbox(mailboxId);
    await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (snap.exists && snap.get('status') !== 'deleting') return;
      tx.delete(this.db.collection('credentials').doc(mailboxId));
      tx.delete(ref.collection('lease').doc('current'));
      tx.delete(ref);
    });
  }

  async unfinished(limit: number): Promise<{ workspaceId: string; mailboxId: string }[]> {
    const snap = await this.db.collection('mailboxes').where('status', '==', 'deleting').limit(limit).get();
    return snap.docs.map((d) => ({ workspaceId: d.get('workspaceId') as string, mailboxId: d.id }));
  }
}
