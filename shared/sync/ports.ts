import type { PendingEvent } from '../events/event.js';
import type { FullSyncCheckpoint, HistoryChange, MailboxSyncState, MessageMeta } from './model.js';
import type { ChangeSet, PlanContext } from './plan-commit.js';

/**
 * Gmail as the sync engine needs it, for one mailbox. Implementations throw `HistoryExpiredError` for a
 * start id outside Gmail's window, `ReconnectRequiredError` when the grant is gone, and `RetryAfterError`
 * on rate limits and server errors.
 */
export interface GmailClient {
  getProfile(): Promise<{ emailAddress: string; historyId: string }>;
  /** One page of every message id (spam and trash included), newest first. */
  listMessages(
    pageToken: string | null,
    pageSize: number,
  ): Promise<{ messages: { id: string; threadId: string }[]; nextPageToken: string | null }>;
  /** Current metadata of one message, or undefined when Gmail no longer has it. */
  getMessage(id: string): Promise<MessageMeta | undefined>;
  /** One page of history after `startHistoryId`, chronological. */
  listHistory(
    startHistoryId: string,
    pageToken: string | null,
  ): Promise<{
    changes: HistoryChange[];
    /** Id of the last record on this page, or null when the page is empty. */
    lastRecordId: string | null;
    /** The mailbox's current historyId. */
    historyId: string;
    nextPageToken: string | null;
  }>;
}

/** A held sync lease. `token` is the fencing token: strictly greater than every earlier holder's. */
export interface Lease {
  mailboxId: string;
  owner: string;
  token: number;
  expiresAt: number;
}

/** What to write with a change set, besides the messages and threads. */
export interface CommitOptions {
  /** The cursor the change set was read from; the commit aborts if the stored cursor moved since. */
  expectedCursor: string | null;
  /** New cursor, set only when the change set covers history up to it. */
  cursor?: string;
  /** New full-sync checkpoint (or null to finish the full sync). */
  fullSync?: FullSyncCheckpoint | null;
  /** Events not derived from message changes (mailbox.synced, mailbox.resync_started…), appended after. */
  extraEvents?: PendingEvent[];
  /** Mailbox fields to set in the same transaction (syncState, lastSuccessfulSyncAt…). */
  mailboxFields?: Record<string, unknown>;
}

/** Thrown when a commit's lease is no longer the current one, or has expired: the holder must stop. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/** Thrown when the stored cursor is not the one the change set was read from: re-read and retry. */
export class StaleCursorError extends Error {
  override name = 'StaleCursorError';
}

/** Counts a commit reports back for the sync run record. */
export interface CommitResult {
  events: number;
  messagesWritten: number;
  messagesDeleted: number;
}

/** A finished (or failed) sync run, kept for observability. */
export interface SyncRunRecord {
  id: string;
  mailboxId: string;
  kind: 'initial' | 'incremental' | 'resync';
  previousCursor: string | null;
  nextCursor: string | null;
  startedAt: number;
  finishedAt: number;
  /**
   * `busy`: the lease was held, so the run did nothing (the holder runs again for it);
   * `dispatch_retry_exhausted`: Pub/Sub gave up delivering the dispatch (recorded from its dead letter).
   */
  outcome:
    | 'succeeded'
    | 'busy'
    | 'retry_later'
    | 'reconnect_required'
    | 'lease_lost'
    | 'failed'
    | 'dispatch_retry_exhausted';
  /** The lease owner that ran it; null for a run that never held the lease. */
  leaseOwner?: string | null;
  counts: {
    pages: number;
    fetched: number;
    events: number;
    messagesWritten: number;
    messagesDeleted: number;
  };
  error?: string;
}

/**
 * Mailbox state storage for sync. Every mutating call that takes a lease re-reads the lease inside its
 * transaction and throws {@link LeaseLostError} when the token is not current or the lease expired.
 */
export interface SyncStore {
  getMailbox(mailboxId: string): Promise<MailboxSyncState | undefined>;
  /**
   * Takes the lease when it is free or expired (token = previous + 1) and clears the dirty flag in the same
   * transaction; otherwise marks the mailbox dirty and returns undefined, so the holder runs again.
   */
  acquireLease(mailboxId: string, owner: string, now: number, ttlMs: number): Promise<Lease | undefined>;
  /** Extends a held lease (heartbeat). */
  renewLease(lease: Lease, now: number, ttlMs: number): Promise<Lease>;
  /**
   * Releases the lease unless the mailbox was marked dirty meanwhile; then it clears the flag, keeps the
   * lease and returns `rerun: true` so no wakeup is lost.
   */
  releaseLease(lease: Lease, now: number, options?: { force?: boolean }): Promise<{ rerun: boolean }>;
  /** Records a wakeup (push, poll, dispatch): sets dirty and the highest hinted historyId. */
  markDirty(mailboxId: string, hintHistoryId: string | null): Promise<void>;
  /**
   * One transaction: checks the lease and the expected cursor, reads the prior state of every touched
   * message and thread, plans the commit with `planCommit`, writes state, events (with consecutive seq),
   * cursor and checkpoint — or nothing. Events are created, never rewritten: one whose id is already stored
   * (a retried transaction whose first attempt committed) is left with its `seq` and fan-out state.
   */
  commit(
    lease: Lease,
    now: number,
    ctx: Omit<PlanContext, 'occurredAt'>,
    changes: ChangeSet,
    options: CommitOptions,
  ): Promise<CommitResult>;
  /** Ids of messages whose generation is not `generation` (vanished during a full sync), at most `limit`. */
  listUnstamped(mailboxId: string, generation: number, limit: number): Promise<string[]>;
  /** Sets mailbox fields under the lease (health, errors) without touching state; `events` as in `commit`. */
  updateMailbox(
    lease: Lease,
    now: number,
    fields: Record<string, unknown>,
    events?: PendingEvent[],
  ): Promise<void>;
  /** Records a finished run, unless its mailbox is gone or being deleted (a fenced-out sync leaves no trace). */
  recordRun(run: SyncRunRecord): Promise<void>;
}

/** Waits; injected so tests never sleep. */
export type Sleep = (ms: number) => Promise<void>;
