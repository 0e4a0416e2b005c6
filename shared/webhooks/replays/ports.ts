import type { MailmonEvent } from '../../events/event.js';
import type { Delivery } from '../model.js';
import type { Replay, ReplayCursor, ReplayEventRef } from './model.js';

/** Deliveries of a replay by state. */
export interface ReplayProgress {
  pending: number;
  delivered: number;
  failed: number;
}

/**
 * Storage of replays. Guarantees:
 * - `create` refuses, atomically, a replay that overlaps (see `replaysOverlap`) a running replay to the same
 *   endpoint: of two racing overlapping creates, exactly one is stored.
 * - `commitBatch` is fenced by the cursor: it applies only while the replay is running at `expectedCursor`,
 *   creates only deliveries that do not exist yet, and moves cursor and count in the same transaction, so a
 *   crashed or repeated dispatch never creates a delivery twice. The last batch (`done`) sets `dispatchedAt`;
 *   the replay keeps running, and holding its endpoint against overlapping replays, until `complete`.
 * - `complete` and `cancel` end a running replay and free its endpoint in one transaction.
 */
export interface ReplayStore {
  create(replay: Replay): Promise<{ created: true } | { created: false; conflictWith: string }>;
  get(workspaceId: string, id: string): Promise<Replay | undefined>;
  /** Newest first; `after` is the previous page's cursor. */
  list(workspaceId: string, limit: number, after?: string): Promise<{ data: Replay[]; next: string | null }>;
  /** Running replays not yet dispatched in full, oldest first. */
  dispatching(limit: number): Promise<Replay[]>;
  /** Running replays dispatched in full (waiting for their deliveries to settle), longest waiting first. */
  delivering(limit: number): Promise<Replay[]>;
  /** The workspace's events with `occurredAt` in `[from, to)`, after `cursor`, in cursor order. */
  eventsInWindow(
    workspaceId: string,
    window: { from: number; to: number; mailboxId?: string },
    cursor: ReplayCursor,
    limit: number,
  ): Promise<{ events: MailmonEvent[]; last: ReplayCursor }>;
  /** Locates events of the workspace by id; ids not found are left out. */
  findEvents(workspaceId: string, ids: string[]): Promise<ReplayEventRef[]>;
  /** Reads events by location (undefined for any since deleted). */
  readEvents(refs: ReplayEventRef[]): Promise<(MailmonEvent | undefined)[]>;
  commitBatch(
    replayId: string,
    expectedCursor: ReplayCursor,
    deliveries: Delivery[],
    next: { cursor: ReplayCursor; done: boolean; now: number },
  ): Promise<Delivery[] | undefined>;
  /**
   * Completes a running replay dispatched in full; the caller has seen none of its deliveries pending
   * (none can become pending again). Answers whether it completed it.
   */
  complete(replayId: string, now: number): Promise<boolean>;
  /** Cancels a running replay of the workspace; answers the replay as it is now, or undefined if unknown. */
  cancel(workspaceId: string, id: string, now: number): Promise<Replay | undefined>;
  /** Fails the replay's deliveries still pending (reason `replay_cancelled`); answers how many. */
  failPending(replayId: string, now: number): Promise<number>;
  progress(replayId: string): Promise<ReplayProgress>;
  /** Whether any of the replay's deliveries is still pending. */
  hasPending(replayId: string): Promise<boolean>;
}
