import { HistoryExpiredError, ReconnectRequiredError, RetryAfterError } from '../../core/errors.js';
import type { HistoryChange, MessageMeta } from '../model.js';
import type { GmailClient } from '../ports.js';

interface Record_ {
  id: bigint;
  change: HistoryChange;
}

/**
 * An in-memory Gmail with the semantics the engine relies on: history ids grow with gaps, history is
 * chronological and paged, an expired start id throws, trash is a label change, deletes are permanent.
 */
export class FakeGmail implements GmailClient {
  readonly messages = new Map<string, MessageMeta>();
  private readonly log: Record_[] = [];
  private historyId = 1000n;
  private floor = 0n;
  private n = 0;
  historyPageSize = 3;
  /** Calls that fail with RetryAfterError before succeeding. */
  failNext = 0;
  retryAfterMs = 1000;
  revoked = false;
  calls = { getProfile: 0, listMessages: 0, getMessage: 0, listHistory: 0 };

  private bump(change: HistoryChange) {
    this.historyId += BigInt(1 + (this.n % 3));
    this.log.push({ id: this.historyId, change });
  }

  private guard() {
    if (this.revoked) throw new ReconnectRequiredError();
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new RetryAfterError('rate limited', this.retryAfterMs);
    }
  }

  add(partial: Partial<MessageMeta> & { threadId?: string } = {}): MessageMeta {
    this.n += 1;
    const id = partial.id ?? `m${String(this.n).padStart(5, '0')}`;
    const m: MessageMeta = {
      id,
      threadId: partial.threadId ?? id,
      labelIds: partial.labelIds ?? ['INBOX', 'UNREAD'],
      subject: partial.subject ?? `Subject ${this.n}`,
      from: 'sender@example.com',
      to: ['user@example.com'],
      cc: [],
      snippet: `snippet ${this.n}`,
      receivedAt: 1_700_000_000_000 + this.n * 1000,
      sizeEstimate: 1000 + this.n,
      attachments: [],
    };
    this.messages.set(id, m);
    this.bump({ messageId: id, threadId: m.threadId, kind: 'added' });
    return m;
  }

  relabel(id: string, add: string[], remove: string[]) {
    const m = this.messages.get(id);
    if (!m) return;
    m.labelIds = [...new Set([...m.labelIds.filter((l) => !remove.includes(l)), ...add])];
    this.bump({ messageId: id, threadId: m.threadId, kind: 'labels' });
  }

  trash(id: string) {
    this.relabel(id, ['TRASH'], ['INBOX', 'SPAM']);
  }

  delete(id: string) {
    const m = this.messages.get(id);
    if (!m) return;
    this.messages.delete(id);
    this.bump({ messageId: id, threadId: m.threadId, kind: 'deleted' });
  }

  expireHistory() {
    this.floor = this.historyId;
  }

  async getProfile() {
    this.calls.getProfile += 1;
    this.guard();
    return { emailAddress: 'user@example.com', historyId: String(this.historyId) };
  }

  async listMessages(pageToken: string | null, pageSize: number) {
    this.calls.listMessages += 1;
    this.guard();
    const all = [...this.messages.values()].sort(
      (a, b) => b.receivedAt - a.receivedAt || b.id.localeCompare(a.id),
    );
    const start = pageToken ? Number(pageToken) : 0;
    const page = all.slice(start, start + pageSize);
    return {
      messages: page.map((m) => ({ id: m.id, threadId: m.threadId })),
      nextPageToken: start + pageSize < all.length ? String(start + pageSize) : null,
    };
  }

  async getMessage(id: string) {
    this.calls.getMessage += 1;
    this.guard();
    const m = this.messages.get(id);
    return m && structuredClone(m);
  }

  async listHistory(startHistoryId: string, pageToken: string | null) {
    this.calls.listHistory += 1;
    this.guard();
    const start = BigInt(startHistoryId);
    if (start < this.floor) throw new HistoryExpiredError(startHistoryId);
    const after = this.log.filter((r) => r.id > start);
    const offset = pageToken ? Number(pageToken) : 0;
    const page = after.slice(offset, offset + this.historyPageSize);
    return {
      changes: page.map((r) => r.change),
      lastRecordId: page.length > 0 ? String(page[page.length - 1]!.id) : null,
      historyId: String(this.historyId),
      nextPageToken:
        offset + this.historyPageSize < after.length ? String(offset + this.historyPageSize) : null,
    };
  }
}
