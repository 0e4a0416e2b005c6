import type { Clock } from '../core/clock.js';
import type { Ids } from '../core/ids.js';

/** An event waiting for its place in the workspace feed. */
export interface PendingFeedEvent {
  mailboxId: string;
  eventId: string;
  seq: number;
}

/** The workspace feed's indexing lease: one indexer per workspace at a time, fenced by `token`. */
export interface FeedLease {
  workspaceId: string;
  owner: string;
  token: number;
  expiresAt: number;
}

/**
 * Storage of the workspace feed's index. Guarantees:
 * - `acquire` takes the lease when it is free or expired (token + 1); otherwise it marks the feed dirty (so the
 *   holder indexes again before letting go) and answers `busy`.
 * - `pending` answers events not yet in the feed, ordered by mailbox and `seq`, at most `limit`.
 * - `append` gives `events` the next consecutive feed positions, in the order given, in one transaction that
 *   commits only while `lease` is current; it answers `lease_lost` when it was not (nothing written), and
 *   `changed` when an event of the batch is gone meanwhile (a mailbox deletion; nothing written either).
 * - `release` lets go unless the feed was marked dirty meanwhile: then it clears the mark, keeps the lease and
 *   answers `rerun: true`.
 */
export interface FeedIndexStore {
  acquire(workspaceId: string, owner: string, now: number, ttlMs: number): Promise<FeedLease | 'busy'>;
  pending(workspaceId: string, limit: number): Promise<PendingFeedEvent[]>;
  append(
    lease: FeedLease,
    events: PendingFeedEvent[],
    now: number,
    ttlMs: number,
  ): Promise<'appended' | 'lease_lost' | 'changed'>;
  release(lease: FeedLease, now: number): Promise<{ rerun: boolean }>;
  /** Workspaces with events not yet in the feed (for the recovery job), at most `limit`. */
  workspacesWithPending(limit: number): Promise<string[]>;
}

const LEASE_TTL_MS = 60_000;
const BATCH = 300;

/**
 * Puts a workspace's new events into its feed. Positions are consecutive and given by one fenced indexer per
 * workspace, batch after batch, each batch in one transaction: a reader sees a gap-free prefix of the feed at
 * any moment, and resuming after the last position it saw misses nothing. Within a mailbox, positions follow
 * `seq` (its commits are sequential, so an event's predecessors are always already visible). A call that
 * finds the indexer busy leaves the work to it (the holder indexes again before it lets go), so no event
 * waits for a later trigger. Answers how many events it placed.
 */
export async function indexFeed(
  deps: { feed: FeedIndexStore; clock: Clock; ids: Ids },
  workspaceId: string,
): Promise<{ indexed: number; busy: boolean }> {
  const lease = await deps.feed.acquire(workspaceId, deps.ids.random('feed'), deps.clock.now(), LEASE_TTL_MS);
  if (lease === 'busy') return { indexed: 0, busy: true };
  let indexed = 0;
  for (;;) {
    for (;;) {
      const batch = await deps.feed.pending(workspaceId, BATCH);
      if (batch.length === 0) break;
      const appended = await deps.feed.append(lease, batch, deps.clock.now(), LEASE_TTL_MS);
      if (appended === 'lease_lost') return { indexed, busy: true };
      // a batch that changed under it (events purged by a mailbox deletion) is simply read again
      if (appended === 'changed') continue;
      indexed += batch.length;
      if (batch.length < BATCH) break;
    }
    const { rerun } = await deps.feed.release(lease, deps.clock.now());
    if (!rerun) return { indexed, busy: false };
  }
}

/** The recovery job's share: indexes every workspace that still has events outside its feed. */
export async function indexPendingFeeds(
  deps: { feed: FeedIndexStore; clock: Clock; ids: Ids },
  limit = 50,
): Promise<{ workspaces: number; indexed: number }> {
  const workspaces = await deps.feed.workspacesWithPending(limit);
  let indexed = 0;
  for (const workspaceId of workspaces) indexed += (await indexFeed(deps, workspaceId)).indexed;
  return { workspaces: workspaces.length, indexed };
}
