/** Attachment metadata kept in the mirror (never content). */
export interface AttachmentMeta {
  filename: string;
  mimeType: string;
  size: number;
}

/** The mirrored metadata of one Gmail message. */
export interface MessageMeta {
  id: string;
  threadId: string;
  labelIds: string[];
  subject: string;
  from: string;
  to: string[];
  cc: string[];
  snippet: string;
  /** `internalDate`, ms since the epoch. */
  receivedAt: number;
  sizeEstimate: number;
  attachments: AttachmentMeta[];
}

/** The mirrored state of a thread, derived only from its messages. */
export interface ThreadState {
  id: string;
  messageIds: string[];
  /** Union of its messages' labels, sorted. */
  labelIds: string[];
  messageCount: number;
  subject: string;
  snippet: string;
  lastMessageAt: number;
}

/** One Gmail history record reduced to what sync needs. */
export interface HistoryChange {
  messageId: string;
  threadId: string;
  kind: 'added' | 'deleted' | 'labels';
}

/** The sync-relevant part of a mailbox document. */
export interface MailboxSyncState {
  id: string;
  workspaceId: string;
  tenantExternalId: string;
  emailAddress: string;
  status: 'active' | 'reconnect_required' | 'disabled' | 'deleting';
  syncState: 'initializing' | 'healthy' | 'lagging' | 'failed';
  /** When a sync last finished without error; null before the first. */
  lastSuccessfulSyncAt: number | null;
  /** When its first full sync finished; null until then. */
  initializedAt: number | null;
  /** Whether the mailbox shows an error from a failed sync (cleared by the next success). */
  hasError: boolean;
  /** Last committed Gmail historyId (decimal string); null until the first full sync finished. */
  cursor: string | null;
  /** An unfinished full (initial or reconciling) sync, checkpointed after each committed page. */
  fullSync: FullSyncCheckpoint | null;
  /** Generation of the last full sync started; the next one uses generation + 1. */
  generation: number;
  dirty: boolean;
  hintHistoryId: string | null;
  nextSeq: number;
}

/** Where a full sync stands; a crash resumes from here instead of from zero. */
export interface FullSyncCheckpoint {
  /** Profile historyId read before the first page; history is caught up from here. */
  startHistoryId: string;
  /** Page token of the next `messages.list` page; null before the first page. */
  pageToken: string | null;
  /** Every message listed in this pass is stamped with it; unstamped ones vanished from Gmail. */
  generation: number;
  /** `listing` → `sweeping` (delete unstamped) → `catching_up` (history from startHistoryId). */
  phase: 'listing' | 'sweeping' | 'catching_up';
  reason: 'initial' | 'history_expired';
}

/** Sorted, de-duplicated label ids: the canonical form compared for changes. */
export function canonicalLabels(labelIds: readonly string[]): string[] {
  return [...new Set(labelIds)].sort();
}
