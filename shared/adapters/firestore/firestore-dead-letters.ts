import type { Firestore } from '@google-cloud/firestore';
import type { DeadLetterMark, DeadLetterMarker } from '../../sync/record-dead-letter.js';

/** {@link DeadLetterMarker} on Firestore: one transaction on `mailboxes/{id}`. */
export class FirestoreDeadLetters implements DeadLetterMarker {
  constructor(private readonly db: Firestore) {}

  async markDispatchExhausted(
    mailboxId: string,
    publishedAt: number,
    failure: { code: 'dispatch_retry_exhausted'; message: string; at: number },
  ): Promise<DeadLetterMark> {
    const ref = this.db.collection('mailboxes').doc(mailboxId);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || snap.get('status') !== 'active') return 'not_active';
      const lastSuccess = snap.get('lastSuccessfulSyncAt');
      if (typeof lastSuccess === 'number' && lastSuccess >= publishedAt) return 'already_synced';
      tx.update(ref, { syncState: 'failed', lastError: failure });
      return 'marked';
    });
  }
}
