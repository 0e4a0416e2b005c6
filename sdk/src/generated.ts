// Written by `npm run sdk:generate` from the API’s OpenAPI document: change the routes, then regenerate.
import { type MailmonClientOptions, send } from './http.js';

export type Mailbox = {
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
  lastError: unknown;
  createdAt: number;
};

export type MessageCreatedEvent = {
  id: string;
  type: "message.created";
  schemaVersion: 1;
  occurredAt: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxId: string;
  seq: number;
  data: {
    messageId: string;
    threadId: string;
    subject: string;
    from: string;
    to: Array<string>;
    cc: Array<string>;
    snippet: string;
    receivedAt: string;
    labelIds: Array<string>;
    sizeEstimate: number;
    attachments: Array<{
      filename: string;
      mimeType: string;
      size: number;
    }>;
  };
};

export type MessageUpdatedEvent = {
  id: string;
  type: "message.updated";
  schemaVersion: 1;
  occurredAt: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxId: string;
  seq: number;
  data: {
    messageId: string;
    threadId: string;
    subject: string;
    from: string;
    to: Array<string>;
    cc: Array<string>;
    snippet: string;
    receivedAt: string;
    labelIds: Array<string>;
    sizeEstimate: number;
    attachments: Array<{
      filename: string;
      mimeType: string;
      size: number;
    }>;
    previousLabelIds: Array<string>;
  };
};

export type MessageDeletedEvent = {
  id: string;
  type: "message.deleted";
  schemaVersion: 1;
  occurredAt: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxId: string;
  seq: number;
  data: {
    messageId: string;
    threadId: string;
    labelIds: Array<string>;
  };
};

export type ThreadCreatedEvent = {
  id: string;
  type: "thread.created";
  schemaVersion: 1;
  occurredAt: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxId: string;
  seq: number;
  data: {
    threadId: string;
    messageIds: Array<string>;
    messageCount: number;
    labelIds: Array<string>;
    subject: string;
    snippet: string;
    lastMessageAt: string;
  };
};

export type ThreadUpdatedEvent = {
  id: string;
  type: "thread.updated";
  schemaVersion: 1;
  occurredAt: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxId: string;
  seq: number;
  data: {
    threadId: string;
    messageIds: Array<string>;
    messageCount: number;
    labelIds: Array<string>;
    subject: string;
    snippet: string;
    lastMessageAt: string;
  };
};

export type ThreadDeletedEvent = {
  id: string;
  type: "thread.deleted";
  schemaVersion: 1;
  occurredAt: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxId: string;
  seq: number;
  data: {
    threadId: string;
  };
};

export type MailboxConnectedEvent = {
  id: string;
  type: "mailbox.connected";
  schemaVersion: 1;
  occurredAt: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxId: string;
  seq: number;
  data: {
    mailboxId: string;
    emailAddress: string;
    mailboxExternalId: string;
    reconnected: boolean;
  };
};

export type MailboxSyncedEvent = {
  id: string;
  type: "mailbox.synced";
  schemaVersion: 1;
  occurredAt: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxId: string;
  seq: number;
  data: {
    reason: "initial" | "history_expired";
    historyId: string;
  };
};

export type MailboxReconnectRequiredEvent = {
  id: string;
  type: "mailbox.reconnect_required";
  schemaVersion: 1;
  occurredAt: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxId: string;
  seq: number;
  data: {
    reason: string;
  };
};

export type MailboxResyncStartedEvent = {
  id: string;
  type: "mailbox.resync_started";
  schemaVersion: 1;
  occurredAt: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxId: string;
  seq: number;
  data: {
    reason: "history_expired";
    previousCursor: string | null;
  };
};

export type Message = {
  id: string;
  mailboxId: string;
  threadId: string;
  labelIds: Array<string>;
  subject: string;
  from: string;
  to: Array<string>;
  cc: Array<string>;
  snippet: string;
  receivedAt: number;
  sizeEstimate: number;
  attachments: Array<{
    filename: string;
    mimeType: string;
    size: number;
  }>;
};

export type Thread = {
  id: string;
  mailboxId: string;
  messageIds: Array<string>;
  labelIds: Array<string>;
  messageCount: number;
  subject: string;
  snippet: string;
  lastMessageAt: number;
};

export type SyncRun = {
  id: string;
  mailboxId: string;
  kind: "initial" | "incremental" | "resync";
  previousCursor: string | null;
  nextCursor: string | null;
  startedAt: number;
  finishedAt: number;
  outcome: "succeeded" | "busy" | "retry_later" | "reconnect_required" | "lease_lost" | "failed";
  counts: {
    pages: number;
    fetched: number;
    events: number;
    messagesWritten: number;
    messagesDeleted: number;
  };
  error?: string;
};

export type DeliveryCounts = {
  pending: number;
  delivered: number;
  failed: number;
  oldestPendingDueAt: number | null;
};

export type MailboxHealth = {
  mailboxId: string;
  status: string;
  syncState: string;
  watchState: string;
  watchExpiresAt: number | null;
  cursor: string | null;
  latestKnownHistoryId: string | null;
  cursorLagHistoryIds: number | null;
  lastSuccessfulSyncAt: number | null;
  msSinceLastSync: number | null;
  lastError: unknown;
  lastRun: SyncRun | null;
  events: {
    total: number;
    pendingFanOut: number;
  };
  deliveries: DeliveryCounts;
};

export type WorkspaceHealth = {
  mailboxes: {
    total: number;
    byStatus: Record<string, number>;
    bySyncState: Record<string, number>;
  };
  events: {
    total: number;
    pendingFanOut: number;
  };
  deliveries: DeliveryCounts;
  endpoints: {
    enabled: number;
    disabled: number;
  };
};

export type WebhookEndpointWithSecret = {
  id: string;
  workspaceId: string;
  url: string;
  description: string;
  eventTypes: Array<string>;
  mailboxIds: Array<string>;
  status: "enabled" | "disabled";
  disabledReason: string | null;
  failingSince: number | null;
  secretCount: number;
  createdAt: number;
  updatedAt: number;
  secret: string;
};

export type WebhookEndpoint = {
  id: string;
  workspaceId: string;
  url: string;
  description: string;
  eventTypes: Array<string>;
  mailboxIds: Array<string>;
  status: "enabled" | "disabled";
  disabledReason: string | null;
  failingSince: number | null;
  secretCount: number;
  createdAt: number;
  updatedAt: number;
};

export type Subscription = {
  id: string;
  workspaceId: string;
  endpointId: string;
  mailboxIds: "all" | Array<string>;
  eventTypes: "all" | (Array<"message.created" | "message.updated" | "message.deleted" | "thread.created" | "thread.updated" | "thread.deleted" | "mailbox.connected" | "mailbox.synced" | "mailbox.reconnect_required" | "mailbox.resync_started">);
  createdAt: number;
  updatedAt: number;
};

export type Replay = {
  id: string;
  workspaceId: string;
  endpointId: string;
  from: string | null;
  to: string | null;
  eventIds: Array<string> | null;
  /** `running` until every selected event has a delivery and all of them have settled; `completed` after */
  state: "running" | "completed" | "cancelled";
  enqueued: number;
  progress: {
    total: number | null;
    enqueued: number;
    pending: number;
    delivered: number;
    failed: number;
  };
  createdAt: number;
  updatedAt: number;
  /** When every selected event had its delivery; the replay completes once they have settled */
  dispatchedAt: number | null;
  completedAt: number | null;
  cancelledAt: number | null;
};

export type ApiKey = {
  keyId: string;
  workspaceId: string;
  label: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
};

export type Delivery = {
  id: string;
  endpointId: string;
  mailboxId: string;
  eventId: string;
  eventType: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: number | null;
  lastStatus: (number | string) | null;
  failureReason?: string | null;
  replayId?: string;
  createdAt: number;
  updatedAt: number;
};

export type DeliveryAttempt = {
  attempt: number;
  at: number;
  durationMs: number;
  status: number | ("timeout" | "network_error" | "refused");
  outcome: "delivered" | "retry" | "failed" | "endpoint_gone";
  responseSnippet: string;
  error?: string | null;
  nextAttemptAt: number | null;
};

/** Any event Mailmon delivers, discriminated by `type`. */
export type MailmonEvent =
  | MessageCreatedEvent
  | MessageUpdatedEvent
  | MessageDeletedEvent
  | ThreadCreatedEvent
  | ThreadUpdatedEvent
  | ThreadDeletedEvent
  | MailboxConnectedEvent
  | MailboxSyncedEvent
  | MailboxReconnectRequiredEvent
  | MailboxResyncStartedEvent;

/** Every event type. */
export type MailmonEventType = MailmonEvent['type'];

/** The event of one type. */
export type EventOf<T extends MailmonEventType> = Extract<MailmonEvent, { type: T }>;

/** A typed client of the Mailmon REST API: one method per operation; errors throw `MailmonApiError`. */
export class MailmonClient {
  constructor(private readonly options: MailmonClientOptions) {}

  /** Create a single-use, 15-minute link that connects a Gmail mailbox (`POST /v1/mailboxes/connect-sessions`) */
  createConnectSession(body: {
    tenantExternalId: string;
    mailboxExternalId: string;
    returnUrl?: string;
    loginHint?: string;
  }): Promise<{
    id: string;
    connectUrl: string;
    expiresAt: string;
  }> {
    return send<{
    id: string;
    connectUrl: string;
    expiresAt: string;
  }>(this.options, 'POST', `v1/mailboxes/connect-sessions`, undefined, body);
  }

  /** List the workspace’s mailboxes, newest first (`GET /v1/mailboxes`) */
  listMailboxes(input: { limit?: string | number; cursor?: string } = {}): Promise<{
    data: Array<Mailbox>;
    nextCursor: string | null;
  }> {
    return send<{
    data: Array<Mailbox>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/mailboxes`, { limit: input.limit, cursor: input.cursor });
  }

  /** Get a mailbox with its sync health (cursor, last sync, last error) (`GET /v1/mailboxes/{mailboxId}`) */
  getMailbox(input: { mailboxId: string }): Promise<Mailbox> {
    return send<Mailbox>(this.options, 'GET', `v1/mailboxes/${encodeURIComponent(input.mailboxId)}`, undefined);
  }

  /** Delete a mailbox: stop its Gmail watch, revoke its token and purge its mirror, events, sync runs and deliveries (`DELETE /v1/mailboxes/{mailboxId}`) */
  deleteMailbox(input: { mailboxId: string }): Promise<{
    id: string;
    status: "deleting";
  } | undefined> {
    return send<{
    id: string;
    status: "deleting";
  } | undefined>(this.options, 'DELETE', `v1/mailboxes/${encodeURIComponent(input.mailboxId)}`, undefined);
  }

  /** List a mailbox’s events in seq order after `afterSeq` (`GET /v1/mailboxes/{mailboxId}/events`) */
  listMailboxEvents(input: { mailboxId: string; limit?: string | number; afterSeq?: string | number }): Promise<{
    data: Array<MessageCreatedEvent | MessageUpdatedEvent | MessageDeletedEvent | ThreadCreatedEvent | ThreadUpdatedEvent | ThreadDeletedEvent | MailboxConnectedEvent | MailboxSyncedEvent | MailboxReconnectRequiredEvent | MailboxResyncStartedEvent>;
    nextAfterSeq: number | null;
  }> {
    return send<{
    data: Array<MessageCreatedEvent | MessageUpdatedEvent | MessageDeletedEvent | ThreadCreatedEvent | ThreadUpdatedEvent | ThreadDeletedEvent | MailboxConnectedEvent | MailboxSyncedEvent | MailboxReconnectRequiredEvent | MailboxResyncStartedEvent>;
    nextAfterSeq: number | null;
  }>(this.options, 'GET', `v1/mailboxes/${encodeURIComponent(input.mailboxId)}/events`, { limit: input.limit, afterSeq: input.afterSeq });
  }

  /** List mirrored messages of one mailbox, or of every mailbox of the workspace without `mailboxId`, newest first, by label and date (`GET /v1/messages`) */
  listMessages(input: { mailboxId?: string; labelId?: string; since?: string; limit?: string | number; cursor?: string } = {}): Promise<{
    data: Array<Message>;
    nextCursor: string | null;
  }> {
    return send<{
    data: Array<Message>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/messages`, { mailboxId: input.mailboxId, labelId: input.labelId, since: input.since, limit: input.limit, cursor: input.cursor });
  }

  /** Get one mirrored message (metadata only, no bodies) (`GET /v1/messages/{id}`) */
  getMessage(input: { id: string; mailboxId: string }): Promise<Message> {
    return send<Message>(this.options, 'GET', `v1/messages/${encodeURIComponent(input.id)}`, { mailboxId: input.mailboxId });
  }

  /** List mirrored threads of one mailbox, or of every mailbox of the workspace without `mailboxId`, newest first, by label and date (`GET /v1/threads`) */
  listThreads(input: { mailboxId?: string; labelId?: string; since?: string; limit?: string | number; cursor?: string } = {}): Promise<{
    data: Array<Thread>;
    nextCursor: string | null;
  }> {
    return send<{
    data: Array<Thread>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/threads`, { mailboxId: input.mailboxId, labelId: input.labelId, since: input.since, limit: input.limit, cursor: input.cursor });
  }

  /** Get one mirrored thread (metadata only, no bodies) (`GET /v1/threads/{id}`) */
  getThread(input: { id: string; mailboxId: string }): Promise<Thread> {
    return send<Thread>(this.options, 'GET', `v1/threads/${encodeURIComponent(input.id)}`, { mailboxId: input.mailboxId });
  }

  /** The workspace’s event feed: every event of every mailbox in commit order; resume from `nextCursor` to see each event at least once, with no gaps (`GET /v1/events`) */
  listEvents(input: { after?: string; limit?: string | number; types?: string; mailboxId?: string } = {}): Promise<{
    object: "list";
    data: Array<MessageCreatedEvent | MessageUpdatedEvent | MessageDeletedEvent | ThreadCreatedEvent | ThreadUpdatedEvent | ThreadDeletedEvent | MailboxConnectedEvent | MailboxSyncedEvent | MailboxReconnectRequiredEvent | MailboxResyncStartedEvent>;
    nextCursor: string | null;
    hasMore: boolean;
  }> {
    return send<{
    object: "list";
    data: Array<MessageCreatedEvent | MessageUpdatedEvent | MessageDeletedEvent | ThreadCreatedEvent | ThreadUpdatedEvent | ThreadDeletedEvent | MailboxConnectedEvent | MailboxSyncedEvent | MailboxReconnectRequiredEvent | MailboxResyncStartedEvent>;
    nextCursor: string | null;
    hasMore: boolean;
  }>(this.options, 'GET', `v1/events`, { after: input.after, limit: input.limit, types: input.types, mailboxId: input.mailboxId });
  }

  /** List a mailbox’s sync runs (kind, cursors, counts, outcome), newest first (`GET /v1/mailboxes/{mailboxId}/sync-runs`) */
  listSyncRuns(input: { mailboxId: string; limit?: string | number; cursor?: string }): Promise<{
    data: Array<SyncRun>;
    nextCursor: string | null;
  }> {
    return send<{
    data: Array<SyncRun>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/mailboxes/${encodeURIComponent(input.mailboxId)}/sync-runs`, { limit: input.limit, cursor: input.cursor });
  }

  /** A mailbox’s cursor lag, last sync, last error, last run, event counts and delivery backlog (`GET /v1/mailboxes/{mailboxId}/health`) */
  getMailboxHealth(input: { mailboxId: string }): Promise<MailboxHealth> {
    return send<MailboxHealth>(this.options, 'GET', `v1/mailboxes/${encodeURIComponent(input.mailboxId)}/health`, undefined);
  }

  /** The workspace at a glance: mailboxes by state, event counts, delivery backlog, endpoints (`GET /v1/observability`) */
  getWorkspaceHealth(): Promise<WorkspaceHealth> {
    return send<WorkspaceHealth>(this.options, 'GET', `v1/observability`, undefined);
  }

  /** Create a webhook endpoint; its signing secret is returned only in this response (`POST /v1/webhook-endpoints`) */
  createWebhookEndpoint(body: {
    url: string;
    description?: string;
    eventTypes?: Array<"message.created" | "message.updated" | "message.deleted" | "thread.created" | "thread.updated" | "thread.deleted" | "mailbox.connected" | "mailbox.synced" | "mailbox.reconnect_required" | "mailbox.resync_started">;
    mailboxIds?: Array<string>;
  }): Promise<WebhookEndpointWithSecret> {
    return send<WebhookEndpointWithSecret>(this.options, 'POST', `v1/webhook-endpoints`, undefined, body);
  }

  /** List the workspace’s webhook endpoints (`GET /v1/webhook-endpoints`) */
  listWebhookEndpoints(): Promise<{
    data: Array<WebhookEndpoint>;
  }> {
    return send<{
    data: Array<WebhookEndpoint>;
  }>(this.options, 'GET', `v1/webhook-endpoints`, undefined);
  }

  /** Get a webhook endpoint (`GET /v1/webhook-endpoints/{id}`) */
  getWebhookEndpoint(input: { id: string }): Promise<WebhookEndpoint> {
    return send<WebhookEndpoint>(this.options, 'GET', `v1/webhook-endpoints/${encodeURIComponent(input.id)}`, undefined);
  }

  /** Update a webhook endpoint (re-enabling clears its failure streak) (`PATCH /v1/webhook-endpoints/{id}`) */
  updateWebhookEndpoint(input: { id: string }, body: {
    url?: string;
    description?: string;
    eventTypes?: Array<"message.created" | "message.updated" | "message.deleted" | "thread.created" | "thread.updated" | "thread.deleted" | "mailbox.connected" | "mailbox.synced" | "mailbox.reconnect_required" | "mailbox.resync_started">;
    mailboxIds?: Array<string>;
    status?: "enabled" | "disabled";
  }): Promise<WebhookEndpoint> {
    return send<WebhookEndpoint>(this.options, 'PATCH', `v1/webhook-endpoints/${encodeURIComponent(input.id)}`, undefined, body);
  }

  /** Delete a webhook endpoint and its subscriptions; its pending deliveries fail (`DELETE /v1/webhook-endpoints/{id}`) */
  deleteWebhookEndpoint(input: { id: string }): Promise<void> {
    return send<void>(this.options, 'DELETE', `v1/webhook-endpoints/${encodeURIComponent(input.id)}`, undefined);
  }

  /** Rotate the signing secret; the previous one keeps signing for 24 hours (`POST /v1/webhook-endpoints/{id}/rotate-secret`) */
  rotateWebhookSecret(input: { id: string }): Promise<WebhookEndpointWithSecret> {
    return send<WebhookEndpointWithSecret>(this.options, 'POST', `v1/webhook-endpoints/${encodeURIComponent(input.id)}/rotate-secret`, undefined);
  }

  /** Route events of some mailboxes (or all) and some types (or all) to an endpoint; an endpoint with subscriptions takes what any of them matches (`POST /v1/subscriptions`) */
  createSubscription(body: {
    endpointId: string;
    mailboxIds: "all" | Array<string>;
    eventTypes?: "all" | (Array<"message.created" | "message.updated" | "message.deleted" | "thread.created" | "thread.updated" | "thread.deleted" | "mailbox.connected" | "mailbox.synced" | "mailbox.reconnect_required" | "mailbox.resync_started">);
  }): Promise<Subscription> {
    return send<Subscription>(this.options, 'POST', `v1/subscriptions`, undefined, body);
  }

  /** List the workspace’s subscriptions, oldest first (of one endpoint with `endpointId`) (`GET /v1/subscriptions`) */
  listSubscriptions(input: { endpointId?: string } = {}): Promise<{
    data: Array<Subscription>;
  }> {
    return send<{
    data: Array<Subscription>;
  }>(this.options, 'GET', `v1/subscriptions`, { endpointId: input.endpointId });
  }

  /** Get a subscription (`GET /v1/subscriptions/{id}`) */
  getSubscription(input: { id: string }): Promise<Subscription> {
    return send<Subscription>(this.options, 'GET', `v1/subscriptions/${encodeURIComponent(input.id)}`, undefined);
  }

  /** Change a subscription’s mailboxes or event types (`PATCH /v1/subscriptions/{id}`) */
  updateSubscription(input: { id: string }, body: {
    mailboxIds?: "all" | Array<string>;
    eventTypes?: "all" | (Array<"message.created" | "message.updated" | "message.deleted" | "thread.created" | "thread.updated" | "thread.deleted" | "mailbox.connected" | "mailbox.synced" | "mailbox.reconnect_required" | "mailbox.resync_started">);
  }): Promise<Subscription> {
    return send<Subscription>(this.options, 'PATCH', `v1/subscriptions/${encodeURIComponent(input.id)}`, undefined, body);
  }

  /** Delete a subscription (an endpoint left without any routes by its own filter again) (`DELETE /v1/subscriptions/{id}`) */
  deleteSubscription(input: { id: string }): Promise<void> {
    return send<void>(this.options, 'DELETE', `v1/subscriptions/${encodeURIComponent(input.id)}`, undefined);
  }

  /** Re-send past events to one endpoint, by time window (`from`, `to`) or `eventIds`, with their original `webhook-id`; a replay overlapping a running one to the same endpoint is refused (`POST /v1/replays`) */
  createReplay(body: {
    endpointId: string;
    from?: string;
    to?: string;
    eventIds?: Array<string>;
  }): Promise<Replay> {
    return send<Replay>(this.options, 'POST', `v1/replays`, undefined, body);
  }

  /** List the workspace’s replays, newest first (`GET /v1/replays`) */
  listReplays(input: { limit?: string | number; cursor?: string } = {}): Promise<{
    data: Array<Replay>;
    nextCursor: string | null;
  }> {
    return send<{
    data: Array<Replay>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/replays`, { limit: input.limit, cursor: input.cursor });
  }

  /** Get a replay with its progress (deliveries enqueued, pending, delivered, failed) (`GET /v1/replays/{replayId}`) */
  getReplay(input: { replayId: string }): Promise<Replay> {
    return send<Replay>(this.options, 'GET', `v1/replays/${encodeURIComponent(input.replayId)}`, undefined);
  }

  /** Cancel a running replay; its deliveries still pending fail with `replay_cancelled` (`POST /v1/replays/{replayId}/cancel`) */
  cancelReplay(input: { replayId: string }): Promise<Replay> {
    return send<Replay>(this.options, 'POST', `v1/replays/${encodeURIComponent(input.replayId)}/cancel`, undefined);
  }

  /** Create an API key for this workspace; the key is shown only in this response (`POST /v1/api-keys`) */
  createApiKey(body: {
    label: string;
  }): Promise<{
    keyId: string;
    workspaceId: string;
    label: string;
    prefix: string;
    createdAt: number;
    lastUsedAt: number | null;
    revokedAt: number | null;
    apiKey: string;
  }> {
    return send<{
    keyId: string;
    workspaceId: string;
    label: string;
    prefix: string;
    createdAt: number;
    lastUsedAt: number | null;
    revokedAt: number | null;
    apiKey: string;
  }>(this.options, 'POST', `v1/api-keys`, undefined, body);
  }

  /** List this workspace’s API keys (prefix, label, last use, revocation) (`GET /v1/api-keys`) */
  listApiKeys(): Promise<{
    data: Array<ApiKey>;
  }> {
    return send<{
    data: Array<ApiKey>;
  }>(this.options, 'GET', `v1/api-keys`, undefined);
  }

  /** Revoke an API key; it stops working at once (`DELETE /v1/api-keys/{keyId}`) */
  revokeApiKey(input: { keyId: string }): Promise<void> {
    return send<void>(this.options, 'DELETE', `v1/api-keys/${encodeURIComponent(input.keyId)}`, undefined);
  }

  /** List deliveries, newest first, by endpoint, event, replay or state (`GET /v1/deliveries`) */
  listDeliveries(input: { endpointId?: string; eventId?: string; replayId?: string; state?: "pending" | "delivered" | "failed"; limit?: string | number; cursor?: string } = {}): Promise<{
    data: Array<Delivery>;
    nextCursor: string | null;
  }> {
    return send<{
    data: Array<Delivery>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/deliveries`, { endpointId: input.endpointId, eventId: input.eventId, replayId: input.replayId, state: input.state, limit: input.limit, cursor: input.cursor });
  }

  /** Get a delivery with every attempt (`GET /v1/deliveries/{deliveryId}`) */
  getDelivery(input: { deliveryId: string }): Promise<{
    id: string;
    endpointId: string;
    mailboxId: string;
    eventId: string;
    eventType: string;
    state: "pending" | "delivered" | "failed";
    attempts: number;
    nextAttemptAt: number | null;
    lastStatus: (number | string) | null;
    failureReason?: string | null;
    replayId?: string;
    createdAt: number;
    updatedAt: number;
    attemptLog: Array<DeliveryAttempt>;
  }> {
    return send<{
    id: string;
    endpointId: string;
    mailboxId: string;
    eventId: string;
    eventType: string;
    state: "pending" | "delivered" | "failed";
    attempts: number;
    nextAttemptAt: number | null;
    lastStatus: (number | string) | null;
    failureReason?: string | null;
    replayId?: string;
    createdAt: number;
    updatedAt: number;
    attemptLog: Array<DeliveryAttempt>;
  }>(this.options, 'GET', `v1/deliveries/${encodeURIComponent(input.deliveryId)}`, undefined);
  }
}
