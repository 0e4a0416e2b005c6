/** A mailbox as the control jobs see it. */
export interface MailboxSummary {
  id: string;
  status: 'active' | 'reconnect_required' | 'disabled' | 'deleting';
  watchExpiresAt: number | null;
  lastSuccessfulSyncAt: number | null;
  dirty: boolean;
  fullSync: boolean;
}

/** Queries the control jobs run; each returns at most `limit` rows, oldest first where it matters. */
export interface ControlQueries {
  /** Active mailboxes whose watch expires before `before`, and those whose watch never started (up to `limit` of each). */
  watchesExpiringBefore(before: number, limit: number): Promise<MailboxSummary[]>;
  /** Active mailboxes not synced successfully since `before`. */
  staleMailboxes(before: number, limit: number): Promise<MailboxSummary[]>;
  /** Active mailboxes with a pending wakeup or unfinished full sync whose lease is free or expired at `now`. */
  stuckMailboxes(now: number, limit: number): Promise<MailboxSummary[]>;
  /** Deletes documents whose `expireAt` passed (the emulator has no TTL; production TTL does the same). */
  pruneExpired(now: number, limit: number): Promise<Record<string, number>>;
}

/** Renews one mailbox's Gmail watch with its stored credential. */
export interface WatchRenewer {
  renew(mailboxId: string): Promise<{ historyId: string; expiresAt: number }>;
}
