import * as v from 'valibot';
import { messageResourceId, threadResourceId } from '../../../shared/events/resource-ids.js';
import { Address, address, IsoTime, iso } from '../http/views.js';

/** A mirrored message as the API shows it: Mailmon's ids, Gmail's beside them, metadata only. */
export const Message = v.pipe(
  v.object({
    id: v.pipe(v.string(), v.description('Mailmon’s message id (`msg_…`), unique in the workspace')),
    object: v.literal('message'),
    mailboxId: v.string(),
    threadId: v.pipe(v.string(), v.description('Mailmon’s id of its thread (`thr_…`)')),
    providerMessageId: v.pipe(v.string(), v.description('Gmail’s message id')),
    providerThreadId: v.pipe(v.string(), v.description('Gmail’s thread id')),
    subject: v.string(),
    from: Address,
    to: v.array(v.string()),
    cc: v.array(v.string()),
    snippet: v.string(),
    receivedAt: IsoTime,
    labelIds: v.array(v.string()),
    sizeEstimate: v.number(),
    attachments: v.array(v.object({ filename: v.string(), mimeType: v.string(), size: v.number() })),
  }),
  v.title('Message'),
);

const ThreadMessage = v.object({ id: v.string(), subject: v.string(), receivedAt: IsoTime });

/** A mirrored thread as the API shows it, with its messages oldest first. */
export const Thread = v.pipe(
  v.object({
    id: v.pipe(v.string(), v.description('Mailmon’s thread id (`thr_…`), unique in the workspace')),
    object: v.literal('thread'),
    mailboxId: v.string(),
    providerThreadId: v.pipe(v.string(), v.description('Gmail’s thread id')),
    subject: v.string(),
    snippet: v.string(),
    lastMessageAt: IsoTime,
    labelIds: v.array(v.string()),
    messageCount: v.number(),
    messageIds: v.array(v.string()),
    messages: v.array(ThreadMessage),
  }),
  v.title('Thread'),
);

type Doc = Record<string, unknown> & { mailboxId: string };

/** A stored message document as a {@link Message}. */
export function messageView(d: Doc): v.InferOutput<typeof Message> {
  const providerId = String(d.id);
  const providerThreadId = String(d.threadId);
  return {
    id: messageResourceId(d.mailboxId, providerId),
    object: 'message',
    mailboxId: d.mailboxId,
    threadId: threadResourceId(d.mailboxId, providerThreadId),
    providerMessageId: providerId,
    providerThreadId,
    subject: String(d.subject ?? ''),
    from: address(String(d.from ?? '')),
    to: (d.to as string[] | undefined) ?? [],
    cc: (d.cc as string[] | undefined) ?? [],
    snippet: String(d.snippet ?? ''),
    receivedAt: iso(Number(d.receivedAt ?? 0)),
    labelIds: (d.labelIds as string[] | undefined) ?? [],
    sizeEstimate: Number(d.sizeEstimate ?? 0),
    attachments: (d.attachments as v.InferOutput<typeof Message>['attachments'] | undefined) ?? [],
  };
}

/** A stored thread document as a {@link Thread}. */
export function threadView(d: Doc): v.InferOutput<typeof Thread> {
  const providerId = String(d.id);
  const members = (d.members as Record<string, { subject?: string; receivedAt?: number }> | undefined) ?? {};
  const messageIds = (d.messageIds as string[] | undefined) ?? Object.keys(members);
  return {
    id: threadResourceId(d.mailboxId, providerId),
    object: 'thread',
    mailboxId: d.mailboxId,
    providerThreadId: providerId,
    subject: String(d.subject ?? ''),
    snippet: String(d.snippet ?? ''),
    lastMessageAt: iso(Number(d.lastMessageAt ?? 0)),
    labelIds: (d.labelIds as string[] | undefined) ?? [],
    messageCount: Number(d.messageCount ?? messageIds.length),
    messageIds: messageIds.map((m) => messageResourceId(d.mailboxId, m)),
    messages: messageIds.map((m) => ({
      id: messageResourceId(d.mailboxId, m),
      subject: String(members[m]?.subject ?? ''),
      receivedAt: iso(Number(members[m]?.receivedAt ?? 0)),
    })),
  };
}
