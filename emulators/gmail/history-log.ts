/** The `historyTypes` values `users.history.list` accepts. */
export const HISTORY_TYPES = ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'] as const;

/** One of {@link HISTORY_TYPES}. */
export type HistoryType = (typeof HISTORY_TYPES)[number];

/** One change to one message, as the mailbox records it. */
export interface HistoryEntry {
  /** The history id of the change; ids increase but are not contiguous. */
  id: number;
  /** When the change happened (ms, by the emulator's clock); used for time-based retention. */
  at: number;
  kind: 'added' | 'deleted' | 'labels';
  messageId: string;
  threadId: string;
  /** The message's labels after the change (for a deletion: its last labels). */
  labelIds: readonly string[];
  labelsAdded?: readonly string[];
  labelsRemoved?: readonly string[];
}

interface MessageRef {
  id: string;
  threadId: string;
  labelIds?: string[];
}

/** A history record in the shape `users.history.list` returns. */
export interface HistoryRecord {
  id: string;
  messages: { id: string; threadId: string }[];
  messagesAdded?: { message: MessageRef }[];
  messagesDeleted?: { message: MessageRef }[];
  labelsAdded?: { message: MessageRef; labelIds: string[] }[];
  labelsRemoved?: { message: MessageRef; labelIds: string[] }[];
}

/** Raised when a start id lies before the retained window: Gmail answers 404 and the client must resync. */
export class HistoryExpiredError extends Error {}

/** Which records a read returns. */
export interface HistoryFilter {
  types: ReadonlySet<HistoryType>;
  labelId?: string | undefined;
}

function messageRef(entry: HistoryEntry): MessageRef {
  const ref: MessageRef = { id: entry.messageId, threadId: entry.threadId };
  if (entry.labelIds.length > 0) ref.labelIds = [...entry.labelIds];
  return ref;
}

/** Renders an entry as a Gmail history record, or `undefined` when the filter excludes it. */
export function toHistoryRecord(entry: HistoryEntry, filter: HistoryFilter): HistoryRecord | undefined {
  const { labelId, types } = filter;
  if (
    labelId !== undefined &&
    !entry.labelIds.includes(labelId) &&
    !entry.labelsAdded?.includes(labelId) &&
    !entry.labelsRemoved?.includes(labelId)
  ) {
    return undefined;
  }
  const record: HistoryRecord = {
    id: String(entry.id),
    messages: [{ id: entry.messageId, threadId: entry.threadId }],
  };
  let any = false;
  if (entry.kind === 'added' && types.has('messageAdded')) {
    record.messagesAdded = [{ message: messageRef(entry) }];
    any = true;
  }
  if (entry.kind === 'deleted' && types.has('messageDeleted')) {
    record.messagesDeleted = [{ message: messageRef(entry) }];
    any = true;
  }
  if (entry.labelsAdded && entry.labelsAdded.length > 0 && types.has('labelAdded')) {
    record.labelsAdded = [{ message: messageRef(entry), labelIds: [...entry.labelsAdded] }];
    any = true;
  }
  if (entry.labelsRemoved && entry.labelsRemoved.length > 0 && types.has('labelRemoved')) {
    record.labelsRemoved = [{ message: messageRef(entry), labelIds: [...entry.labelsRemoved] }];
    any = true;
  }
  return any ? record : undefined;
}

/**
 * A mailbox's history: an append-only array ordered by id, read by binary search from a start id, with a
 * retained window whose lower edge (`floor`) moves up when entries are pruned or the history is expired.
 */
export class HistoryLog {
  private entries: HistoryEntry[] = [];
  private lowest: number;

  /** `floor` is the oldest start id that may still be read. */
  constructor(floor: number) {
    this.lowest = floor;
  }

  /** The oldest start id still answered; older ones are expired. */
  get floor(): number {
    return this.lowest;
  }

  append(entry: HistoryEntry): void {
    this.entries.push(entry);
  }

  /** Forgets everything up to and including `floor`; start ids below it now expire. */
  expire(floor: number): void {
    this.entries.splice(0, this.upperBound(floor));
    this.lowest = Math.max(this.lowest, floor);
  }

  /** Forgets entries recorded before `cutoff` (ms). */
  pruneBefore(cutoff: number): void {
    let count = 0;
    while (count < this.entries.length && (this.entries[count] as HistoryEntry).at < cutoff) count++;
    if (count === 0) return;
    const last = this.entries[count - 1] as HistoryEntry;
    this.entries.splice(0, count);
    this.lowest = Math.max(this.lowest, last.id);
  }

  /**
   * Records with ids greater than `after`, in order, at most `max`, with whether more matching records
   * follow. Throws {@link HistoryExpiredError} when `after` lies below the retained window.
   */
  read(
    after: number,
    max: number,
    filter: HistoryFilter,
  ): { records: HistoryRecord[]; lastId?: number; more: boolean } {
    if (after < this.lowest)
      throw new HistoryExpiredError(`history before ${this.lowest} is no longer available`);
    const records: HistoryRecord[] = [];
    let lastId: number | undefined;
    for (let at = this.upperBound(after); at < this.entries.length; at++) {
      const entry = this.entries[at] as HistoryEntry;
      const record = toHistoryRecord(entry, filter);
      if (!record) continue;
      if (records.length === max) return { records, lastId, more: true };
      records.push(record);
      lastId = entry.id;
    }
    return { records, lastId, more: false };
  }

  /** First position whose entry id is greater than `id`. */
  private upperBound(id: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as HistoryEntry).id <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
