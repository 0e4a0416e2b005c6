import type { Clock } from '../core/clock.js';

/** What marking a dead-lettered sync dispatch did. */
export type DeadLetterMark =
  /** The mailbox now shows `syncState: failed` with `lastError.code: dispatch_retry_exhausted`. */
  | 'marked'
  /** A sync succeeded after the dispatch was published: the mailbox is current, nothing to show. */
  | 'already_synced'
  /** The mailbox is gone, being deleted, or not active: there is nothing to mark. */
  | 'not_active';

/** Storage side of recording a dispatch that Pub/Sub gave up on. */
export interface DeadLetterMarker {
  /**
   * In one transaction: unless the mailbox is missing or not active, or synced successfully at or after
   * `publishedAt`, sets `syncState: failed` and `lastError` to `failure` (the cursor, lease and mirror are
   * untouched, so the next poll resumes where the last commit left off).
   */
  markDispatchExhausted(
    mailboxId: string,
    publishedAt: number,
    failure: { code: 'dispatch_retry_exhausted'; message: string; at: number },
  ): Promise<DeadLetterMark>;
}

/** Attributes Pub/Sub adds to a message it forwards to a dead-letter topic. */
export const DEAD_LETTER_ATTRIBUTES = {
  deliveryCount: 'CloudPubSubDeadLetterSourceDeliveryCount',
  subscription: 'CloudPubSubDeadLetterSourceSubscription',
  publishTime: 'CloudPubSubDeadLetterSourceTopicPublishTime',
} as const;

/**
 * Makes a dead-lettered sync dispatch visible on its mailbox: Pub/Sub redelivered it until its attempts ran
 * out (each answered with a retry), so the mailbox is marked failed with `dispatch_retry_exhausted` — unless
 * a later sync already succeeded. Nothing is lost: the cursor and checkpoint stay where the last commit put
 * them, and `poll_mailboxes` dispatches the mailbox again. Marking twice is harmless.
 */
export async function recordDeadLetteredSync(
  deps: { marker: DeadLetterMarker; clock: Clock },
  letter: { mailboxId: string; publishedAt: number; attempts: number | undefined },
): Promise<DeadLetterMark> {
  const tries = letter.attempts === undefined ? '' : ` after ${letter.attempts} attempts`;
  return deps.marker.markDispatchExhausted(letter.mailboxId, letter.publishedAt, {
    code: 'dispatch_retry_exhausted',
    message: `Pub/Sub gave up delivering a sync of this mailbox${tries}; it is polled again and resumes from its last commit.`,
    at: deps.clock.now(),
  });
}
