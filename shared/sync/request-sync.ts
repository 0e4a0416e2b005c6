import type { Clock } from '../core/clock.js';
import type { MailboxSyncState } from './model.js';
import type { SyncStore } from './ports.js';

/** Asks for a sync of one mailbox (the Pub/Sub sync topic in production). */
export interface SyncDispatcher {
  dispatchSync(request: { mailboxId: string; reason: string; hintHistoryId?: string }): Promise<void>;
}

/** Finds mailboxes by Gmail address (one Gmail account may be connected in several workspaces). */
export interface MailboxDirectory {
  findActiveByEmail(emailAddress: string): Promise<MailboxSyncState[]>;
  /** Records that a dispatch could not be published, so the poll job and operators see it. */
  recordDispatchFailure(mailboxId: string, at: number, message: string): Promise<void>;
}

/** What a Gmail notification caused. */
export interface NotificationResult {
  mailboxes: number;
  dispatched: number;
  /** Duplicate or stale pushes: the hint is not ahead of the committed cursor. */
  stale: number;
}

function isStale(m: MailboxSyncState, hint: string): boolean {
  return m.cursor !== null && m.fullSync === null && !m.dirty && BigInt(hint) <= BigInt(m.cursor);
}

/**
 * Handles a Gmail watch notification: a wakeup, never truth. For every active mailbox of the address, a
 * hint ahead of the cursor is recorded (dirty flag + highest hint) and a sync is dispatched; a hint at or
 * behind the cursor is a duplicate or stale push and costs one read.
 */
export async function handleGmailNotification(
  deps: { directory: MailboxDirectory; store: SyncStore; dispatcher: SyncDispatcher; clock: Clock },
  notification: { emailAddress: string; historyId: string },
): Promise<NotificationResult> {
  const mailboxes = await deps.directory.findActiveByEmail(notification.emailAddress.toLowerCase());
  const result: NotificationResult = { mailboxes: mailboxes.length, dispatched: 0, stale: 0 };
  for (const m of mailboxes) {
    if (isStale(m, notification.historyId)) {
      result.stale += 1;
      continue;
    }
    await deps.store.markDirty(m.id, notification.historyId);
    await dispatch(deps, { mailboxId: m.id, reason: 'gmail_push', hintHistoryId: notification.historyId });
    result.dispatched += 1;
  }
  return result;
}

/** Publishes a sync request; a failure is recorded on the mailbox before it propagates. */
export async function dispatch(
  deps: { directory: MailboxDirectory; dispatcher: SyncDispatcher; clock: Clock },
  request: { mailboxId: string; reason: string; hintHistoryId?: string },
): Promise<void> {
  try {
    await deps.dispatcher.dispatchSync(request);
  } catch (error) {
    await deps.directory.recordDispatchFailure(
      request.mailboxId,
      deps.clock.now(),
      error instanceof Error ? error.message : String(error),
    );
    throw error;
  }
}
