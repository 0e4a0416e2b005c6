import * as v from 'valibot';
import type { EventType } from './event.js';

const Iso = v.pipe(v.string(), v.isoTimestamp());
const LabelIds = v.array(v.string());
const Attachment = v.object({ filename: v.string(), mimeType: v.string(), size: v.number() });
const MessageData = v.object({
  messageId: v.string(),
  threadId: v.string(),
  subject: v.string(),
  from: v.string(),
  to: v.array(v.string()),
  cc: v.array(v.string()),
  snippet: v.string(),
  receivedAt: Iso,
  labelIds: LabelIds,
  sizeEstimate: v.number(),
  attachments: v.array(Attachment),
});
const ThreadData = v.object({
  threadId: v.string(),
  messageIds: v.array(v.string()),
  messageCount: v.number(),
  labelIds: LabelIds,
  subject: v.string(),
  snippet: v.string(),
  lastMessageAt: Iso,
});

/** The `data` of each event type (schemaVersion 1). */
export const EVENT_DATA_SCHEMAS = {
  'message.created': MessageData,
  'message.updated': v.object({ ...MessageData.entries, previousLabelIds: LabelIds }),
  'message.deleted': v.object({ messageId: v.string(), threadId: v.string(), labelIds: LabelIds }),
  'thread.created': ThreadData,
  'thread.updated': ThreadData,
  'thread.deleted': v.object({ threadId: v.string() }),
  'mailbox.connected': v.object({
    mailboxId: v.string(),
    emailAddress: v.string(),
    mailboxExternalId: v.string(),
    reconnected: v.boolean(),
  }),
  'mailbox.synced': v.object({ reason: v.picklist(['initial', 'history_expired']), historyId: v.string() }),
  'mailbox.reconnect_required': v.object({ reason: v.string() }),
  'mailbox.resync_started': v.object({
    reason: v.literal('history_expired'),
    previousCursor: v.nullable(v.string()),
  }),
} satisfies Record<EventType, v.GenericSchema>;

/** The envelope of an event of `type`, with its typed `data`. */
export function eventSchema<T extends EventType>(type: T) {
  const name = `${type.replace(/(^|[._])([a-z])/g, (_, __, c: string) => c.toUpperCase())}Event`;
  return v.pipe(
    v.object({
      id: v.string(),
      type: v.literal(type),
      schemaVersion: v.literal(1),
      occurredAt: Iso,
      workspaceId: v.string(),
      tenantExternalId: v.string(),
      mailboxId: v.string(),
      seq: v.number(),
      data: EVENT_DATA_SCHEMAS[type],
    }),
    v.title(name),
  );
}

/** Any event, discriminated by `type`: what webhooks deliver and the events API lists. */
export const MailmonEventSchema = v.variant(
  'type',
  (Object.keys(EVENT_DATA_SCHEMAS) as EventType[]).map((type) => eventSchema(type)) as [
    ReturnType<typeof eventSchema>,
    ...ReturnType<typeof eventSchema>[],
  ],
);
