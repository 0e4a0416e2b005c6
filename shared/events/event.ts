/** Every event type Mailmon emits (schemaVersion 1). */
export const EVENT_TYPES = [
  'message.created',
  'message.updated',
  'message.deleted',
  'thread.created',
  'thread.updated',
  'thread.deleted',
  'mailbox.connected',
  'mailbox.synced',
  'mailbox.reconnect_required',
  'mailbox.resync_started',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The envelope delivered to webhooks and listed by the API. */
export interface MailmonEvent {
  id: string;
  type: EventType;
  schemaVersion: 1;
  /** ISO 8601. */
  occurredAt: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxId: string;
  /** Per-mailbox, gap-free, strictly increasing. */
  seq: number;
  data: Record<string, unknown>;
}

/** An event before the commit that assigns its `seq`. */
export type PendingEvent = Omit<MailmonEvent, 'seq'>;
