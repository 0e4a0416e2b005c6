import type { Clock } from './clock.js';
import { type HistoryEntry, type HistoryFilter, HistoryLog, type HistoryRecord } from './history-log.js';
import { type LabelResource, SPAM_TRASH, SYSTEM_LABEL_IDS, SYSTEM_LABELS } from './labels.js';
import { type MessageContent, type RenderedMessage, renderMessage } from './message-content.js';
import { mixSeed, pick, randomInt, seededRng } from './rng.js';
import { type SeedRef, seededContent } from './seed-content.js';
import { decodeCursor, encodeCursor, SortedIndex } from './sorted-index.js';

/** Why a mailbox operation was refused. */
export type MailboxErrorKind =
  | 'messageNotFound'
  | 'threadNotFound'
  | 'labelNotFound'
  | 'labelExists'
  | 'invalid';

/** A refused mailbox operation; routes map it to Google's error JSON or an admin problem. */
export class MailboxError extends Error {
  constructor(
    readonly kind: MailboxErrorKind,
    message: string,
  ) {
    super(message);
  }
}

type ContentSource =
  | { kind: 'given'; content: MessageContent }
  | { kind: 'seeded'; ref: SeedRef; outgoing: boolean };

/** A message as the mailbox keeps it: ids, date, labels and where its content comes from. */
export interface StoredMessage {
  readonly id: string;
  readonly threadId: string;
  readonly internalDate: number;
  labelIds: readonly string[];
  historyId: number;
  readonly source: ContentSource;
}

/** A thread: its messages in date order. */
export interface StoredThread {
  readonly id: string;
  messages: StoredMessage[];
  /** Date of the newest message; the thread's sort key. */
  lastDate: number;
}

/** A message delivered through the admin API: its content plus where it lands. */
export interface NewMessage extends Omit<MessageContent, 'messageIdHeader'> {
  labelIds?: readonly string[] | undefined;
  threadId?: string | undefined;
  internalDate?: number | undefined;
}

/** A `users.watch` registration. */
export interface WatchState {
  topicName: string;
  labelIds: readonly string[];
  labelFilterBehavior: 'include' | 'exclude';
  expiration: number;
}

/** `messages.list` / `threads.list` parameters. */
export interface ListQuery {
  labelIds: readonly string[];
  includeSpamTrash: boolean;
  maxResults: number;
  pageToken?: string | undefined;
}

/** Options of a bulk seed. */
export interface SeedOptions {
  count: number;
  seed: number;
  /** Record one `messagesAdded` entry per message instead of a single history bump that expires older ids. */
  recordHistory: boolean;
  /** Largest thread size; threads get 1..maxThreadSize messages. */
  maxThreadSize: number;
}

/** What a mailbox needs from its surroundings. */
export interface MailboxDeps {
  clock: Clock;
  /** The gap between consecutive history ids (history ids increase, but not by one). */
  nextHistoryGap(): number;
  /** A new message id for a message dated `internalDate`, not yet used in `taken`. */
  newMessageId(internalDate: number, taken: (id: string) => boolean): string;
  /** Called after every change; `entry` is absent for a bulk seed that recorded no history. */
  onChange(mailbox: Mailbox, historyId: number, entry?: HistoryEntry): void;
  /** How long history stays readable (ms). */
  historyRetentionMs: number;
}

const interned = new Map<string, readonly string[]>();

/** Shares equal label arrays between messages (seeded mailboxes have few distinct combinations). */
function intern(labels: readonly string[]): readonly string[] {
  const key = labels.join('\u0000');
  let shared = interned.get(key);
  if (!shared) {
    shared = Object.freeze([...labels]);
    interned.set(key, shared);
  }
  return shared;
}

function encodeHistoryToken(id: number): string {
  return Buffer.from(`h${id}`).toString('base64url');
}

function decodeHistoryToken(token: string): number | undefined {
  const match = /^h(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** One user's mailbox: messages, threads, labels, history and watch. */
export class Mailbox {
  readonly email: string;
  historyId: number;
  readonly history: HistoryLog;
  watch: WatchState | undefined;

  private readonly messages = new Map<string, StoredMessage>();
  private readonly threads = new Map<string, StoredThread>();
  private readonly messageIndex = new SortedIndex<StoredMessage>(
    (m) => m.internalDate,
    (m) => m.id,
  );
  private readonly threadIndex = new SortedIndex<StoredThread>(
    (t) => t.lastDate,
    (t) => t.id,
  );
  private readonly labelCounts = new Map<string, number>();
  private readonly userLabels = new Map<string, LabelResource>();
  private nextUserLabel = 1;

  constructor(
    email: string,
    initialHistoryId: number,
    private readonly deps: MailboxDeps,
  ) {
    this.email = email;
    this.historyId = initialHistoryId;
    this.history = new HistoryLog(initialHistoryId);
  }

  get messagesTotal(): number {
    return this.messages.size;
  }

  get threadsTotal(): number {
    return this.threads.size;
  }

  /** System labels followed by user labels. */
  labels(): LabelResource[] {
    return [...SYSTEM_LABELS, ...this.userLabels.values()];
  }

  label(id: string): LabelResource | undefined {
    return SYSTEM_LABELS.find((l) => l.id === id) ?? this.userLabels.get(id);
  }

  /** Creates a user label (`Label_N`). */
  createLabel(name: string): LabelResource {
    if (this.labels().some((l) => l.name.toLowerCase() === name.toLowerCase())) {
      throw new MailboxError('labelExists', `Label name exists or conflicts: ${name}`);
    }
    const label: LabelResource = {
      id: `Label_${this.nextUserLabel++}`,
      name,
      type: 'user',
      messageListVisibility: 'show',
      labelListVisibility: 'labelShow',
    };
    this.userLabels.set(label.id, label);
    return label;
  }

  /** Message and thread counts of one label, as `users.labels.get` reports them. */
  labelCountsOf(id: string): {
    messagesTotal: number;
    messagesUnread: number;
    threadsTotal: number;
    threadsUnread: number;
  } {
    let messagesUnread = 0;
    for (const m of this.messages.values())
      if (m.labelIds.includes(id) && m.labelIds.includes('UNREAD')) messagesUnread++;
    let threadsTotal = 0;
    let threadsUnread = 0;
    for (const t of this.threads.values()) {
      const labelled = t.messages.filter((m) => m.labelIds.includes(id));
      if (labelled.length > 0) threadsTotal++;
      if (labelled.some((m) => m.labelIds.includes('UNREAD'))) threadsUnread++;
    }
    return { messagesTotal: this.labelCounts.get(id) ?? 0, messagesUnread, threadsTotal, threadsUnread };
  }

  message(id: string): StoredMessage | undefined {
    return this.messages.get(id);
  }

  thread(id: string): StoredThread | undefined {
    return this.threads.get(id);
  }

  /** Renders a message's content as MIME. */
  render(m: StoredMessage): RenderedMessage {
    const content = this.contentOf(m);
    return renderMessage(content, { id: m.id, internalDate: m.internalDate, deliveredTo: this.email });
  }

  /** Delivers a message (labels applied on arrival are part of the `messagesAdded` record). */
  addMessage(input: NewMessage): StoredMessage {
    const labelIds = intern(this.checkLabels(input.labelIds ?? ['INBOX', 'UNREAD']));
    const thread = input.threadId === undefined ? undefined : this.threads.get(input.threadId);
    if (input.threadId !== undefined && !thread)
      throw new MailboxError('threadNotFound', `Unknown thread ${input.threadId}`);
    const internalDate = input.internalDate ?? this.deps.clock.now();
    const id = this.deps.newMessageId(internalDate, (candidate) => this.messages.has(candidate));
    const previous = thread?.messages[thread.messages.length - 1];
    const content: MessageContent = {
      from: input.from,
      to: input.to,
      cc: input.cc,
      subject: input.subject,
      text: input.text,
      html: input.html,
      attachments: input.attachments,
      messageIdHeader: `<${id}.emu@mail.gmail.com>`,
      inReplyTo: previous ? this.contentOf(previous).messageIdHeader : undefined,
    };
    const historyId = this.bump();
    const message: StoredMessage = {
      id,
      threadId: thread?.id ?? id,
      internalDate,
      labelIds,
      historyId,
      source: { kind: 'given', content },
    };
    this.store(message);
    this.record({ kind: 'added', message });
    return message;
  }

  /** Adds and removes labels; a change that alters nothing records nothing. */
  modify(id: string, add: readonly string[], remove: readonly string[]): StoredMessage {
    const message = this.requireMessage(id);
    this.checkLabels([...add, ...remove]);
    const before = message.labelIds;
    const after = [...before.filter((l) => !remove.includes(l))];
    for (const label of add) if (!after.includes(label)) after.push(label);
    const added = after.filter((l) => !before.includes(l));
    const removed = before.filter((l) => !after.includes(l));
    if (added.length === 0 && removed.length === 0) return message;
    for (const label of added) this.count(label, 1);
    for (const label of removed) this.count(label, -1);
    message.labelIds = intern(after);
    message.historyId = this.bump();
    this.record({ kind: 'labels', message, added, removed });
    return message;
  }

  /** Moves a message to the trash: adds TRASH, removes INBOX and SPAM (a label change, not a deletion). */
  trash(id: string): StoredMessage {
    return this.modify(id, ['TRASH'], ['INBOX', 'SPAM']);
  }

  /** Takes a message out of the trash (INBOX is not restored, as in Gmail). */
  untrash(id: string): StoredMessage {
    return this.modify(id, [], ['TRASH']);
  }

  /** Deletes a message permanently (`messagesDeleted`). */
  delete(id: string): void {
    const message = this.requireMessage(id);
    this.messages.delete(id);
    this.messageIndex.remove(message);
    for (const label of message.labelIds) this.count(label, -1);
    const thread = this.threads.get(message.threadId);
    if (thread) {
      this.threadIndex.remove(thread);
      thread.messages = thread.messages.filter((m) => m !== message);
      const last = thread.messages[thread.messages.length - 1];
      if (last) {
        thread.lastDate = last.internalDate;
        this.threadIndex.insert(thread);
      } else {
        this.threads.delete(thread.id);
      }
    }
    this.bump();
    this.record({ kind: 'deleted', message });
  }

  /** Makes every history id issued so far expire: reading from any of them now answers 404. */
  expireHistory(): void {
    this.bump();
    this.history.expire(this.historyId);
  }

  /**
   * Adds `count` generated messages grouped in threads, dated backwards from now. Messages keep only ids,
   * date and labels; their content is regenerated from the seed on every read.
   */
  seed(options: SeedOptions): { count: number; threads: number } {
    const rng = seededRng(mixSeed(options.seed, 0x5eed));
    const now = this.deps.clock.now();
    const dates: number[] = new Array(options.count);
    let date = now - 60_000;
    for (let i = options.count - 1; i >= 0; i--) {
      dates[i] = date;
      date -= randomInt(rng, 30_000, 600_000);
    }
    const bulkHistoryId = options.recordHistory ? 0 : this.bump();
    const created: StoredMessage[] = [];
    const createdThreads: StoredThread[] = [];
    let threadNo = 0;
    for (let i = 0; i < options.count; threadNo++) {
      const size = Math.min(randomInt(rng, 1, options.maxThreadSize), options.count - i);
      let thread: StoredThread | undefined;
      for (let position = 0; position < size; position++, i++) {
        const internalDate = dates[i] as number;
        const id = this.deps.newMessageId(internalDate, (candidate) => this.messages.has(candidate));
        const outgoing = position > 0 && rng() < 0.3;
        const message: StoredMessage = {
          id,
          threadId: thread?.id ?? id,
          internalDate,
          labelIds: seededLabels(rng, outgoing),
          historyId: options.recordHistory ? this.bump() : bulkHistoryId,
          source: { kind: 'seeded', ref: { seed: options.seed, thread: threadNo, position }, outgoing },
        };
        this.messages.set(id, message);
        for (const label of message.labelIds) this.count(label, 1);
        created.push(message);
        if (!thread) {
          thread = { id, messages: [], lastDate: internalDate };
          this.threads.set(id, thread);
          createdThreads.push(thread);
        }
        thread.messages.push(message);
        thread.lastDate = internalDate;
        if (options.recordHistory) this.record({ kind: 'added', message });
      }
    }
    this.messageIndex.insertMany(created);
    this.threadIndex.insertMany(createdThreads);
    if (!options.recordHistory) {
      // without per-message records, a reader of older history would silently miss the seeded messages
      this.history.expire(bulkHistoryId);
      this.deps.onChange(this, this.historyId);
    }
    return { count: created.length, threads: createdThreads.length };
  }

  /** A page of message ids, newest first. */
  listMessages(query: ListQuery): {
    messages: { id: string; threadId: string }[];
    nextPageToken?: string;
    resultSizeEstimate: number;
  } {
    const after = query.pageToken === undefined ? undefined : decodeCursor(query.pageToken);
    if (query.pageToken !== undefined && !after) throw new MailboxError('invalid', 'Invalid pageToken');
    const page: StoredMessage[] = [];
    let more = false;
    for (const m of this.messageIndex.descending(after)) {
      if (!this.matches(m, query)) continue;
      if (page.length === query.maxResults) {
        more = true;
        break;
      }
      page.push(m);
    }
    const last = page[page.length - 1];
    return {
      messages: page.map((m) => ({ id: m.id, threadId: m.threadId })),
      ...(more && last ? { nextPageToken: encodeCursor(this.messageIndex.cursorOf(last)) } : {}),
      resultSizeEstimate: this.estimate(query, this.messages.size),
    };
  }

  /** A page of threads, most recently active first. */
  listThreads(query: ListQuery): {
    threads: StoredThread[];
    nextPageToken?: string;
    resultSizeEstimate: number;
  } {
    const after = query.pageToken === undefined ? undefined : decodeCursor(query.pageToken);
    if (query.pageToken !== undefined && !after) throw new MailboxError('invalid', 'Invalid pageToken');
    const page: StoredThread[] = [];
    let more = false;
    for (const t of this.threadIndex.descending(after)) {
      if (!t.messages.some((m) => this.matches(m, query))) continue;
      if (page.length === query.maxResults) {
        more = true;
        break;
      }
      page.push(t);
    }
    const last = page[page.length - 1];
    return {
      threads: page,
      ...(more && last ? { nextPageToken: encodeCursor(this.threadIndex.cursorOf(last)) } : {}),
      resultSizeEstimate: Math.min(this.threads.size, this.estimate(query, this.threads.size)),
    };
  }

  /**
   * History after `startHistoryId` (or after the position a page token names), chronological. Throws
   * `HistoryExpiredError` when the start lies before the retained window.
   */
  readHistory(
    startHistoryId: number,
    pageToken: string | undefined,
    maxResults: number,
    filter: HistoryFilter,
  ): { history: HistoryRecord[]; nextPageToken?: string; historyId: number } {
    this.history.pruneBefore(this.deps.clock.now() - this.deps.historyRetentionMs);
    let after = startHistoryId;
    if (pageToken !== undefined) {
      const fromToken = decodeHistoryToken(pageToken);
      if (fromToken === undefined) throw new MailboxError('invalid', 'Invalid pageToken');
      after = Math.max(after, fromToken);
    }
    const { records, lastId, more } = this.history.read(after, maxResults, filter);
    return {
      history: records,
      ...(more && lastId !== undefined ? { nextPageToken: encodeHistoryToken(lastId) } : {}),
      historyId: this.historyId,
    };
  }

  private contentOf(m: StoredMessage): MessageContent {
    return m.source.kind === 'given'
      ? m.source.content
      : seededContent(m.source.ref, this.email, m.source.outgoing);
  }

  private matches(m: StoredMessage, query: ListQuery): boolean {
    if (
      !query.includeSpamTrash &&
      !query.labelIds.some((l) => SPAM_TRASH.includes(l)) &&
      m.labelIds.some((l) => SPAM_TRASH.includes(l))
    ) {
      return false;
    }
    return query.labelIds.every((l) => m.labelIds.includes(l));
  }

  private estimate(query: ListQuery, total: number): number {
    if (query.labelIds.length > 0)
      return Math.min(...query.labelIds.map((l) => this.labelCounts.get(l) ?? 0));
    if (query.includeSpamTrash) return total;
    const hidden = (this.labelCounts.get('SPAM') ?? 0) + (this.labelCounts.get('TRASH') ?? 0);
    return Math.max(0, total - hidden);
  }

  private requireMessage(id: string): StoredMessage {
    const message = this.messages.get(id);
    if (!message) throw new MailboxError('messageNotFound', `Unknown message ${id}`);
    return message;
  }

  private checkLabels(labelIds: readonly string[]): string[] {
    for (const id of labelIds) {
      if (!SYSTEM_LABEL_IDS.has(id) && !this.userLabels.has(id)) {
        throw new MailboxError('labelNotFound', `Invalid label: ${id}`);
      }
    }
    return [...new Set(labelIds)];
  }

  private store(message: StoredMessage): void {
    this.messages.set(message.id, message);
    this.messageIndex.insert(message);
    for (const label of message.labelIds) this.count(label, 1);
    const existing = this.threads.get(message.threadId);
    if (existing) {
      this.threadIndex.remove(existing);
      existing.messages.push(message);
      existing.messages.sort((a, b) => a.internalDate - b.internalDate || (a.id < b.id ? -1 : 1));
      existing.lastDate = Math.max(existing.lastDate, message.internalDate);
      this.threadIndex.insert(existing);
    } else {
      const thread = { id: message.threadId, messages: [message], lastDate: message.internalDate };
      this.threads.set(thread.id, thread);
      this.threadIndex.insert(thread);
    }
  }

  private count(label: string, delta: number): void {
    this.labelCounts.set(label, (this.labelCounts.get(label) ?? 0) + delta);
  }

  private bump(): number {
    this.historyId += this.deps.nextHistoryGap();
    return this.historyId;
  }

  private record(
    change:
      | { kind: 'added' | 'deleted'; message: StoredMessage }
      | { kind: 'labels'; message: StoredMessage; added: string[]; removed: string[] },
  ): void {
    const { message } = change;
    const entry: HistoryEntry = {
      id: this.historyId,
      at: this.deps.clock.now(),
      kind: change.kind,
      messageId: message.id,
      threadId: message.threadId,
      labelIds: message.labelIds,
    };
    if (change.kind === 'labels') {
      if (change.added.length > 0) entry.labelsAdded = change.added;
      if (change.removed.length > 0) entry.labelsRemoved = change.removed;
    }
    this.history.append(entry);
    this.deps.onChange(this, this.historyId, entry);
  }
}

const CATEGORIES: readonly string[] = [
  'CATEGORY_PERSONAL',
  'CATEGORY_PERSONAL',
  'CATEGORY_PERSONAL',
  'CATEGORY_UPDATES',
  'CATEGORY_UPDATES',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_SOCIAL',
  'CATEGORY_FORUMS',
];

/** Labels of a generated message: mostly inbox mail with a category, some unread, starred, sent, spam or trash. */
function seededLabels(rng: () => number, outgoing: boolean): readonly string[] {
  if (outgoing) return intern(rng() < 0.2 ? ['SENT', 'IMPORTANT'] : ['SENT']);
  const roll = rng();
  if (roll < 0.01) return intern(['SPAM', 'UNREAD']);
  if (roll < 0.02) return intern(['TRASH', pick(rng, CATEGORIES)]);
  const labels: string[] = [];
  if (roll < 0.92) labels.push('INBOX');
  if (rng() < 0.25) labels.push('UNREAD');
  if (rng() < 0.2) labels.push('IMPORTANT');
  if (rng() < 0.03) labels.push('STARRED');
  labels.push(pick(rng, CATEGORIES));
  return intern(labels);
}
