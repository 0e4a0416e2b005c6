import type { Mailbox, StoredMessage, StoredThread } from './mailbox.js';
import type { Header } from './message-content.js';

/** The `format` values of `messages.get` and `threads.get`. */
export const MESSAGE_FORMATS = ['minimal', 'metadata', 'full', 'raw'] as const;

/** One of {@link MESSAGE_FORMATS}. */
export type MessageFormat = (typeof MESSAGE_FORMATS)[number];

/** A message resource in Gmail's JSON shape for the given format. */
export function messageResource(
  mailbox: Mailbox,
  m: StoredMessage,
  format: MessageFormat,
  metadataHeaders: readonly string[],
): Record<string, unknown> {
  const rendered = mailbox.render(m);
  const resource: Record<string, unknown> = { id: m.id, threadId: m.threadId };
  if (m.labelIds.length > 0) resource.labelIds = [...m.labelIds];
  resource.snippet = rendered.snippet;
  if (format === 'full') resource.payload = rendered.payload;
  if (format === 'metadata') {
    const wanted = new Set(metadataHeaders.map((h) => h.toLowerCase()));
    const headers: Header[] =
      wanted.size === 0
        ? rendered.payload.headers
        : rendered.payload.headers.filter((h) => wanted.has(h.name.toLowerCase()));
    resource.payload = { mimeType: rendered.payload.mimeType, headers };
  }
  resource.sizeEstimate = rendered.sizeEstimate;
  if (format === 'raw') resource.raw = rendered.raw();
  resource.historyId = String(m.historyId);
  resource.internalDate = String(m.internalDate);
  return resource;
}

/** The history id of a thread: that of its most recently changed message. */
export function threadHistoryId(t: StoredThread): number {
  let max = 0;
  for (const m of t.messages) max = Math.max(max, m.historyId);
  return max;
}

/** A `threads.list` entry: id, snippet of the newest message, history id. */
export function threadSummary(
  mailbox: Mailbox,
  t: StoredThread,
): { id: string; snippet: string; historyId: string } {
  const newest = t.messages[t.messages.length - 1];
  return {
    id: t.id,
    snippet: newest ? mailbox.render(newest).snippet : '',
    historyId: String(threadHistoryId(t)),
  };
}

/** A `threads.get` resource. */
export function threadResource(
  mailbox: Mailbox,
  t: StoredThread,
  format: MessageFormat,
  metadataHeaders: readonly string[],
): Record<string, unknown> {
  return {
    id: t.id,
    historyId: String(threadHistoryId(t)),
    messages: t.messages.map((m) => messageResource(mailbox, m, format, metadataHeaders)),
  };
}
