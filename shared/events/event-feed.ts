import type { EventType, MailmonEvent } from './event.js';

/** One page of a workspace's event feed. */
export interface EventFeedPage {
  data: MailmonEvent[];
  /** The cursor to resume from: after the last event returned, or the one given when there was none. */
  position: string | null;
  /** Whether more events follow right now (another page is ready). */
  more: boolean;
}

/**
 * The read side of a workspace's event feed: every event of its mailboxes in one stable order (the
 * consecutive feed positions the workspace's indexer gives committed events), so that a reader resuming from
 * its last position sees every event at least once.
 * Undefined when `mailboxId` is not one of the workspace's.
 */
export interface EventFeed {
  eventFeed(
    workspaceId: string,
    filter: { mailboxId?: string; types?: EventType[] },
    limit: number,
    after?: string,
  ): Promise<EventFeedPage | undefined>;
  /** A cursor after the workspace's newest event so far (null when it has none): a reader starting here sees only what comes next. */
  feedEnd(workspaceId: string): Promise<string | null>;
}
