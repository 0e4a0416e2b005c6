import type { MailmonEvent } from '../../events/event.js';

/** A mirror rebuilt only from events: message id → {threadId, labelIds}, plus the thread ids. */
export interface ReplayedMirror {
  messages: Map<string, { threadId: string; labelIds: string[] }>;
  threads: Set<string>;
}

/** Replays an event stream from empty, in `seq` order; proves events alone describe the mirror. */
export function replayEvents(events: readonly MailmonEvent[]): ReplayedMirror {
  const mirror: ReplayedMirror = { messages: new Map(), threads: new Set() };
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  for (const e of ordered) {
    const d = e.data as { messageId?: string; threadId?: string; labelIds?: string[] };
    switch (e.type) {
      case 'message.created':
      case 'message.updated':
        mirror.messages.set(d.messageId!, { threadId: d.threadId!, labelIds: [...d.labelIds!].sort() });
        break;
      case 'message.deleted':
        mirror.messages.delete(d.messageId!);
        break;
      case 'thread.created':
        mirror.threads.add(d.threadId!);
        break;
      case 'thread.deleted':
        mirror.threads.delete(d.threadId!);
        break;
      default:
        break;
    }
  }
  return mirror;
}

/** Ids that occur with two different contents (type and data): a retried change must reuse its id unchanged. */
export function conflictingEventIds(events: readonly MailmonEvent[]): string[] {
  const contents = new Map<string, string>();
  const conflicting = new Set<string>();
  for (const e of events) {
    const content = JSON.stringify([e.type, e.data]);
    if ((contents.get(e.id) ?? content) !== content) conflicting.add(e.id);
    contents.set(e.id, content);
  }
  return [...conflicting];
}
