import type { StoredRefreshToken } from '../secrets/credentials.js';

/** What {@link MailboxDeletionStore.markDeleting} found. */
export type MarkDeletingResult =
  | { found: false }
  | {
      found: true;
      /** The sealed refresh token still stored, if any (a crashed earlier deletion may have removed it). */
      credential: StoredRefreshToken | undefined;
      /**
       * Another mailbox (not being deleted) mirrors the same Gmail address: its watch and grant are shared
       * with this one (Gmail watches per user, Google revokes per user and client), so both must stay.
       */
      addressShared: boolean;
    };

/**
 * Storage side of deleting a mailbox. Guarantees:
 * - `markDeleting` checks the workspace, turns the mailbox `deleting` and takes its sync lease for good in
 *   one transaction, so a sync in flight can no longer commit and no new sync starts; marking again is a
 *   no-op that answers the same way.
 * - `purgeBatch` deletes at most `limit` documents of the mailbox's data and answers how many it deleted;
 *   0 means none are left. Events go first (with them gone nothing of the mailbox is fanned out, replayed
 *   or sent), then deliveries of its events with their attempts, then messages, threads and sync runs.
 * - `finish` removes the credential, the lease and the mailbox document together.
 */
export interface MailboxDeletionStore {
  markDeleting(workspaceId: string, mailboxId: string, now: number): Promise<MarkDeletingResult>;
  purgeBatch(mailboxId: string, limit: number): Promise<number>;
  finish(mailboxId: string): Promise<void>;
  /** Mailboxes left `deleting` (a deletion interrupted or larger than one request), oldest first. */
  unfinished(limit: number): Promise<{ workspaceId: string; mailboxId: string }[]>;
}

/** The Gmail side of letting a mailbox go. */
export interface GmailRelease {
  /** Stops the mailbox's Gmail push notifications (`users.stop`). */
  stopWatch(refreshToken: string): Promise<void>;
  /** Revokes the refresh token at Google, so Mailmon can no longer read the mailbox. */
  revokeToken(refreshToken: string): Promise<void>;
}
