import type { Firestore } from '@google-cloud/firestore';
import type { SyncRunRecord } from '../../sync/ports.js';
import type { DeadLetterMark, DeadLetterMarker } from '../../sync/record-dead-letter.js';
import { expireAtFor } from './retention.js';

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
      // the run Pub/Sub gave up on, so the mailbox's sync runs show it (the same letter twice is one run)
      const cursor = (snap.get('cursor') as string | null | undefined) ?? null;
      const run: SyncRunRecord = {
        id: `run_dl_${publishedAt}`,
        mailboxId,
        kind: cursor === null ? 'initial' : 'incremental',
        previousCursor: cursor,
        nextCursor: cursor,
        startedAt: publishedAt,
        finishedAt: failure.at,
        outcome: 'dispatch_retry_exhausted',
        leaseOwner: null,
        counts: { pages: 0, fetched: 0, events: 0, messagesWritten: 0, messagesDeleted: 0 },
        error: failure.message,
      };
      tx.set(ref.collection('syncRuns').doc(run.id), { ...run, expireAt: expireAtFor(run.finishedAt) });
      return 'marked';
    });
  }
}
