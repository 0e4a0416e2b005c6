import type { MailmonEvent } from '../events/event.js';
import type { EventFeed } from '../events/event-feed.js';

/**
 * The query side the API reads through. Every read is scoped to a workspace: a resource of another workspace
 * reads as absent (undefined), so ids never leak across tenants. Pages are newest first unless stated, and
 * `after` is the opaque `next` of the previous page.
 */

/** A page of results and the cursor of the next one (null on the last page). */
export interface Page<T> {
  data: T[];
  next: string | null;
}

/** A stored record (a mirrored message or thread, a sync run), with bookkeeping fields stripped. */
export type StoredRecord = Record<string, unknown>;

/** A mailbox as the API reads it: identity, status and health, never credentials or checkpoints. */
export interface MailboxView {
  id: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxExternalId: string;
  emailAddress: string;
  status: string;
  syncState: string;
  watchState: string;
  watchExpiresAt: number | null;
  cursor: string | null;
  lastSuccessfulSyncAt: number | null;
  initializedAt: number | null;
  lastError: unknown;
  createdAt: number;
}

/** Mailboxes of a workspace. */
export interface MailboxReads {
  getMailbox(workspaceId: string, id: string): Promise<MailboxView | undefined>;
  /** The given mailbox ids that are not the workspace's. */
  unknownMailboxes(workspaceId: string, ids: string[]): Promise<string[]>;
  listMailboxes(workspaceId: string, limit: number, after?: string): Promise<Page<MailboxView>>;
}

/** Events: one mailbox's in `seq` order, and the workspace's feed. */
export interface EventReads extends EventFeed {
  /** A mailbox's events after `afterSeq`, in `seq` order; undefined when the mailbox is not the workspace's. */
  listEvents(
    workspaceId: string,
    mailboxId: string,
    afterSeq: number,
    limit: number,
  ): Promise<MailmonEvent[] | undefined>;
}

/** The mirror: messages and threads as stored, each with its `mailboxId`. */
export interface MirrorReads {
  /**
   * Of one mailbox or (without `mailboxId`) every mailbox of the workspace, optionally with a label and
   * received since a time; undefined when the mailbox is not the workspace's.
   */
  listMirror(
    workspaceId: string,
    kind: 'messages' | 'threads',
    filter: { mailboxId?: string; labelId?: string; since?: number },
    limit: number,
    after?: string,
  ): Promise<Page<StoredRecord> | undefined>;
  getMirrored(
    workspaceId: string,
    kind: 'messages' | 'threads',
    mailboxId: string,
    id: string,
  ): Promise<StoredRecord | undefined>;
}

/** A mailbox's sync runs. */
export interface SyncRunReads {
  /** Newest first; undefined when the mailbox is not the workspace's. */
  listSyncRuns(
    workspaceId: string,
    mailboxId: string,
    limit: number,
    after?: string,
  ): Promise<Page<StoredRecord> | undefined>;
}

/** Every read of the mirror and its bookkeeping. */
export interface ReadModel extends MailboxReads, EventReads, MirrorReads, SyncRunReads {}

/** Deliveries by state; `pending` is the backlog still to be delivered. */
export interface DeliveryCounts {
  pending: number;
  delivered: number;
  failed: number;
  /** When the oldest pending delivery is next due (epoch ms), or null without a backlog. */
  oldestPendingDueAt: number | null;
}

/** How far a mailbox's mirror trails Gmail, and how it has been doing. */
export interface MailboxHealth {
  mailboxId: string;
  status: string;
  syncState: string;
  watchState: string;
  watchExpiresAt: number | null;
  cursor: string | null;
  /** The newest Gmail historyId Mailmon has heard of (push hints and watch registrations). */
  latestKnownHistoryId: string | null;
  /** Gmail history ids the cursor trails `latestKnownHistoryId` by (0 when caught up, null before the first sync). */
  cursorLagHistoryIds: number | null;
  lastSuccessfulSyncAt: number | null;
  /** Milliseconds since the last successful sync at the time of the request, or null before one. */
  msSinceLastSync: number | null;
  lastError: unknown;
  /** The newest recorded sync run, if any. */
  lastRun: StoredRecord | null;
  events: { total: number; pendingFanOut: number };
  deliveries: DeliveryCounts;
}

/** A workspace at a glance. */
export interface WorkspaceHealth {
  mailboxes: { total: number; byStatus: Record<string, number>; bySyncState: Record<string, number> };
  events: { total: number; pendingFanOut: number };
  deliveries: DeliveryCounts;
  endpoints: { enabled: number; disabled: number };
}

/** What a mailbox's observability is made of, as stored (epoch ms). */
export interface MailboxObservabilityData {
  mailbox: StoredRecord;
  /** The lease while someone holds it. */
  lease: StoredRecord | undefined;
  latestRun: StoredRecord | undefined;
  /** The newest run that moved the cursor. */
  latestAdvance: StoredRecord | undefined;
  /** Triggers that found the lease held, and leases lost, over the last 24 hours. */
  contention: { count: number; latestAt: number | undefined };
  leaseLoss: { count: number; latestAt: number | undefined };
  /** Per endpoint of the workspace, this mailbox's deliveries to it. */
  endpoints: {
    endpoint: StoredRecord;
    endpointId: string;
    pending: number;
    failed: number;
    lastDelivered: StoredRecord | undefined;
    lastFailed: StoredRecord | undefined;
  }[];
}

/** Counters and health of a workspace's mailboxes and deliveries. */
export interface ObservabilityReads {
  /** Undefined when the mailbox is not the workspace's. */
  mailboxHealth(workspaceId: string, mailboxId: string, now: number): Promise<MailboxHealth | undefined>;
  /** Undefined when the mailbox is not the workspace's. */
  mailboxObservability(
    workspaceId: string,
    mailboxId: string,
    now: number,
  ): Promise<MailboxObservabilityData | undefined>;
  /** An endpoint's newest delivered and newest failed delivery, as stored. */
  latestDeliveries(
    workspaceId: string,
    endpointId: string,
  ): Promise<{ delivered: StoredRecord | undefined; failed: StoredRecord | undefined }>;
  workspaceHealth(workspaceId: string): Promise<WorkspaceHealth>;
}
