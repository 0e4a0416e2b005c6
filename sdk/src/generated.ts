// Written by `npm run sdk:generate` from the API’s OpenAPI document: change the routes, then regenerate.
import { type MailmonClientOptions, send } from './http.js';

export type ConnectSession = {
  id: string;
  object: "connect_session";
  connectUrl: string;
  expiresAt: string;
};

export type ErrorDetail = {
  code: string;
  message: string;
  /** ISO 8601 timestamp (UTC) */
  occurredAt: string;
  retryable: boolean;
};

export type Mailbox = {
  id: string;
  object: "mailbox";
  provider: "gmail";
  workspaceId: string;
  tenantExternalId: string;
  mailboxExternalId: string;
  emailAddress: string;
  status: "active" | "reconnect_required" | "disabled" | "deleting";
  syncState: "initializing" | "healthy" | "lagging" | "failed";
  /** active; expiring (within a day, renewed daily); expired; unhealthy (none started) */
  watchState: "active" | "expiring" | "expired" | "unhealthy";
  watchExpiresAt: string | null;
  /** when its first full sync finished */
  initializedAt: string | null;
  lastSuccessfulSyncAt: string | null;
  lastError: ErrorDetail | null;
  cursor: string | null;
  /** ISO 8601 timestamp (UTC) */
  createdAt: string;
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
  /** Mailmon’s message id (`msg_…`), unique in the workspace */
  id: string;
  object: "message";
  mailboxId: string;
  /** Mailmon’s id of its thread (`thr_…`) */
  threadId: string;
  /** Gmail’s message id */
  providerMessageId: string;
  /** Gmail’s thread id */
  providerThreadId: string;
  subject: string;
  from: {
    name: string | null;
    email: string;
  };
  to: Array<string>;
  cc: Array<string>;
  snippet: string;
  /** ISO 8601 timestamp (UTC) */
  receivedAt: string;
  labelIds: Array<string>;
  sizeEstimate: number;
  attachments: Array<{
    filename: string;
    mimeType: string;
    size: number;
  }>;
};

export type Thread = {
  /** Mailmon’s thread id (`thr_…`), unique in the workspace */
  id: string;
  object: "thread";
  mailboxId: string;
  /** Gmail’s thread id */
  providerThreadId: string;
  subject: string;
  snippet: string;
  /** ISO 8601 timestamp (UTC) */
  lastMessageAt: string;
  labelIds: Array<string>;
  messageCount: number;
  messageIds: Array<string>;
  messages: Array<{
    id: string;
    subject: string;
    /** ISO 8601 timestamp (UTC) */
    receivedAt: string;
  }>;
};

export type SyncRun = {
  syncRunId: string;
  id: string;
  object: "sync_run";
  mailboxId: string;
  kind: "initial" | "incremental" | "resync";
  status: "running" | "completed" | "skipped_due_to_active_lease" | "reconnect_required" | "dispatch_retry_exhausted" | "failed_after_lease_acquired" | "lease_lost";
  /** Mailmon’s own outcome: succeeded, busy, retry_later, failed, … */
  outcome: string;
  /** ISO 8601 timestamp (UTC) */
  startedAt: string;
  completedAt: string | null;
  detail: string | null;
  eventsEmitted: number | null;
  leaseOwnerId: string | null;
  previousCursor: string | null;
  nextCursor: string | null;
  cursorAdvanced: boolean | null;
  counts: {
    pages: number;
    fetched: number;
    events: number;
    messagesWritten: number;
    messagesDeleted: number;
  };
};

export type DeliveryCounts = {
  pending: number;
  delivered: number;
  failed: number;
  oldestPendingDueAt: string | null;
};

export type MailboxHealth = {
  object: "mailbox_health";
  mailboxId: string;
  status: string;
  syncState: string;
  watchState: string;
  watchExpiresAt: string | null;
  cursor: string | null;
  latestKnownHistoryId: string | null;
  cursorLagHistoryIds: number | null;
  lastSuccessfulSyncAt: string | null;
  msSinceLastSync: number | null;
  lastError: ErrorDetail | null;
  lastRun: SyncRun | null;
  events: {
    total: number;
    pendingFanOut: number;
  };
  deliveries: DeliveryCounts;
};

export type MailboxObservability = {
  object: "mailbox_observability";
  mailboxId: string;
  /** ISO 8601 timestamp (UTC) */
  generatedAt: string;
  lag: {
    status: "active" | "reconnect_required" | "disabled" | "deleting";
    syncState: "initializing" | "healthy" | "lagging" | "failed";
    /** active; expiring (within a day, renewed daily); expired; unhealthy (none started) */
    watchState: "active" | "expiring" | "expired" | "unhealthy";
    lastSuccessfulSyncAt: string | null;
    lagSeconds: number | null;
  };
  cursor: {
    currentCursor: string | null;
    previousCursor: string | null;
    nextCursor: string | null;
    advanced: boolean | null;
    advancedAt: string | null;
  };
  lease: {
    activeLeaseOwner: string | null;
    activeLeaseHeartbeatAt: string | null;
    activeLeaseExpiresAt: string | null;
    contentionCount24h: number;
    latestContentionAt: string | null;
    leaseLossCount24h: number;
    latestLeaseLossAt: string | null;
  };
  webhookDeliveries: Array<{
    webhookEndpointId: string;
    webhookEndpointUrl: string;
    deliveryState: "healthy" | "degraded" | "failing";
    consecutiveFailures: number;
    pendingDeliveries: number;
    processingDeliveries: number;
    failedDeliveries: number;
    lastDeliveryAt: string | null;
    lastDeliveryError: ErrorDetail | null;
  }>;
  latestSyncRun: SyncRun | null;
};

export type WorkspaceHealth = {
  object: "workspace_observability";
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
  object: "webhook_endpoint";
  workspaceId: string;
  url: string;
  description: string | null;
  eventTypes: Array<string>;
  mailboxIds: Array<string>;
  status: "enabled" | "disabled";
  disabledReason: string | null;
  /** healthy; degraded while deliveries fail (retried); failing once disabled */
  deliveryState: "healthy" | "degraded" | "failing";
  lastDeliveryAt: string | null;
  lastDeliveryError: ErrorDetail | null;
  failingSince: string | null;
  secretCount: number;
  /** ISO 8601 timestamp (UTC) */
  createdAt: string;
  /** ISO 8601 timestamp (UTC) */
  updatedAt: string;
  secret: string;
};

export type WebhookEndpoint = {
  id: string;
  object: "webhook_endpoint";
  workspaceId: string;
  url: string;
  description: string | null;
  eventTypes: Array<string>;
  mailboxIds: Array<string>;
  status: "enabled" | "disabled";
  disabledReason: string | null;
  /** healthy; degraded while deliveries fail (retried); failing once disabled */
  deliveryState: "healthy" | "degraded" | "failing";
  lastDeliveryAt: string | null;
  lastDeliveryError: ErrorDetail | null;
  failingSince: string | null;
  secretCount: number;
  /** ISO 8601 timestamp (UTC) */
  createdAt: string;
  /** ISO 8601 timestamp (UTC) */
  updatedAt: string;
};

export type Subscription = {
  id: string;
  object: "subscription";
  workspaceId: string;
  endpointId: string;
  mailboxIds: "all" | Array<string>;
  eventTypes: "all" | (Array<"message.created" | "message.updated" | "message.deleted" | "thread.created" | "thread.updated" | "thread.deleted" | "mailbox.connected" | "mailbox.synced" | "mailbox.reconnect_required" | "mailbox.resync_started">);
  /** ISO 8601 timestamp (UTC) */
  createdAt: string;
  /** ISO 8601 timestamp (UTC) */
  updatedAt: string;
};

export type WebhookEndpointSubscription = {
  id: string;
  object: "webhook_endpoint_subscription";
  webhookEndpointId: string;
  /** a mailbox id, or `all` for every mailbox of the workspace */
  mailboxId: string;
  eventTypes: Array<"message.created" | "message.updated" | "message.deleted" | "thread.created" | "thread.updated" | "thread.deleted" | "mailbox.connected" | "mailbox.synced" | "mailbox.reconnect_required" | "mailbox.resync_started">;
  /** ISO 8601 timestamp (UTC) */
  createdAt: string;
};

export type Replay = {
  id: string;
  object: "replay";
  workspaceId: string;
  /** queued until its first delivery exists; running until every one has settled */
  status: "queued" | "running" | "completed" | "failed" | "cancelled";
  /** the one mailbox a window replay covers; null for all */
  mailboxId: string | null;
  webhookEndpointId: string;
  endpointId: string;
  startTime: string | null;
  endTime: string | null;
  from: string | null;
  to: string | null;
  eventIds: Array<string> | null;
  eventsReplayed: number | null;
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
  lastError: string | null;
  /** ISO 8601 timestamp (UTC) */
  createdAt: string;
  startedAt: string | null;
  /** ISO 8601 timestamp (UTC) */
  updatedAt: string;
  /** When every selected event had its delivery; the replay completes once they have settled */
  dispatchedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
};

export type ApiKey = {
  keyId: string;
  object: "api_key";
  workspaceId: string;
  label: string;
  prefix: string;
  /** ISO 8601 timestamp (UTC) */
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type Delivery = {
  id: string;
  object: "delivery";
  endpointId: string;
  mailboxId: string;
  eventId: string;
  eventType: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: (number | string) | null;
  failureReason?: string | null;
  replayId?: string;
  /** ISO 8601 timestamp (UTC) */
  createdAt: string;
  /** ISO 8601 timestamp (UTC) */
  updatedAt: string;
};

export type DeliveryAttempt = {
  attempt: number;
  /** ISO 8601 timestamp (UTC) */
  at: string;
  durationMs: number;
  status: number | ("timeout" | "network_error" | "refused");
  outcome: "delivered" | "retry" | "failed" | "endpoint_gone";
  responseSnippet: string;
  error?: string | null;
  nextAttemptAt: string | null;
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
    provider?: string;
    tenantExternalId: string;
    mailboxExternalId: string;
    returnUrl?: string;
    redirectUrl?: string;
    loginHint?: string;
  }): Promise<ConnectSession> {
    return send<ConnectSession>(this.options, 'POST', `v1/mailboxes/connect-sessions`, undefined, body);
  }

  /** List the workspace’s mailboxes, newest first (`GET /v1/mailboxes`) */
  listMailboxes(input: { limit?: string | number; cursor?: string } = {}): Promise<{
    object: "list";
    data: Array<Mailbox>;
    nextCursor: string | null;
  }> {
    return send<{
    object: "list";
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
    object: "mailbox";
    status: "deleting";
  } | undefined> {
    return send<{
    id: string;
    object: "mailbox";
    status: "deleting";
  } | undefined>(this.options, 'DELETE', `v1/mailboxes/${encodeURIComponent(input.mailboxId)}`, undefined);
  }

  /** List a mailbox’s events in seq order after `afterSeq` (`GET /v1/mailboxes/{mailboxId}/events`) */
  listMailboxEvents(input: { mailboxId: string; limit?: string | number; afterSeq?: string | number }): Promise<{
    object: "list";
    data: Array<MessageCreatedEvent | MessageUpdatedEvent | MessageDeletedEvent | ThreadCreatedEvent | ThreadUpdatedEvent | ThreadDeletedEvent | MailboxConnectedEvent | MailboxSyncedEvent | MailboxReconnectRequiredEvent | MailboxResyncStartedEvent>;
    nextAfterSeq: number | null;
  }> {
    return send<{
    object: "list";
    data: Array<MessageCreatedEvent | MessageUpdatedEvent | MessageDeletedEvent | ThreadCreatedEvent | ThreadUpdatedEvent | ThreadDeletedEvent | MailboxConnectedEvent | MailboxSyncedEvent | MailboxReconnectRequiredEvent | MailboxResyncStartedEvent>;
    nextAfterSeq: number | null;
  }>(this.options, 'GET', `v1/mailboxes/${encodeURIComponent(input.mailboxId)}/events`, { limit: input.limit, afterSeq: input.afterSeq });
  }

  /** List mirrored messages of one mailbox, or of every mailbox of the workspace without `mailboxId`, newest first, by label and date (`GET /v1/messages`) */
  listMessages(input: { mailboxId?: string; labelId?: string; since?: string; limit?: string | number; cursor?: string } = {}): Promise<{
    object: "list";
    data: Array<Message>;
    nextCursor: string | null;
  }> {
    return send<{
    object: "list";
    data: Array<Message>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/messages`, { mailboxId: input.mailboxId, labelId: input.labelId, since: input.since, limit: input.limit, cursor: input.cursor });
  }

  /** Get one mirrored message by its Mailmon id (metadata only, no bodies) (`GET /v1/messages/{id}`) */
  getMessage(input: { id: string; mailboxId?: string }): Promise<Message> {
    return send<Message>(this.options, 'GET', `v1/messages/${encodeURIComponent(input.id)}`, { mailboxId: input.mailboxId });
  }

  /** List mirrored threads of one mailbox, or of every mailbox of the workspace without `mailboxId`, newest first, by label and date (`GET /v1/threads`) */
  listThreads(input: { mailboxId?: string; labelId?: string; since?: string; limit?: string | number; cursor?: string } = {}): Promise<{
    object: "list";
    data: Array<Thread>;
    nextCursor: string | null;
  }> {
    return send<{
    object: "list";
    data: Array<Thread>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/threads`, { mailboxId: input.mailboxId, labelId: input.labelId, since: input.since, limit: input.limit, cursor: input.cursor });
  }

  /** Get one mirrored thread by its Mailmon id (metadata only, no bodies) (`GET /v1/threads/{id}`) */
  getThread(input: { id: string; mailboxId?: string }): Promise<Thread> {
    return send<Thread>(this.options, 'GET', `v1/threads/${encodeURIComponent(input.id)}`, { mailboxId: input.mailboxId });
  }

  /** The workspace’s event feed: every event of every mailbox in feed order; resume from `nextCursor` to see each event at least once, with no gaps (`after=latest` starts after the newest event) (`GET /v1/events`) */
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
    object: "list";
    data: Array<SyncRun>;
    nextCursor: string | null;
  }> {
    return send<{
    object: "list";
    data: Array<SyncRun>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/mailboxes/${encodeURIComponent(input.mailboxId)}/sync-runs`, { limit: input.limit, cursor: input.cursor });
  }

  /** A mailbox’s cursor lag, last sync, last error, last run, event counts and delivery backlog (`GET /v1/mailboxes/{mailboxId}/health`) */
  getMailboxHealth(input: { mailboxId: string }): Promise<MailboxHealth> {
    return send<MailboxHealth>(this.options, 'GET', `v1/mailboxes/${encodeURIComponent(input.mailboxId)}/health`, undefined);
  }

  /** A mailbox’s observability: lag, cursor movement, lease holder with contention and lease losses over 24 hours, deliveries per endpoint, latest sync run (`GET /v1/mailboxes/{mailboxId}/observability`) */
  getMailboxObservability(input: { mailboxId: string }): Promise<MailboxObservability> {
    return send<MailboxObservability>(this.options, 'GET', `v1/mailboxes/${encodeURIComponent(input.mailboxId)}/observability`, undefined);
  }

  /** The workspace at a glance: mailboxes by state, event counts, delivery backlog, endpoints (`GET /v1/observability`) */
  getWorkspaceHealth(): Promise<WorkspaceHealth> {
    return send<WorkspaceHealth>(this.options, 'GET', `v1/observability`, undefined);
  }

  /** Create a webhook endpoint; its signing secret is returned only in this response (`POST /v1/webhook-endpoints`) */
  createWebhookEndpoint(body: {
    url: string;
    description?: string | null;
    eventTypes?: Array<"message.created" | "message.updated" | "message.deleted" | "thread.created" | "thread.updated" | "thread.deleted" | "mailbox.connected" | "mailbox.synced" | "mailbox.reconnect_required" | "mailbox.resync_started">;
    mailboxIds?: Array<string>;
  }): Promise<WebhookEndpointWithSecret> {
    return send<WebhookEndpointWithSecret>(this.options, 'POST', `v1/webhook-endpoints`, undefined, body);
  }

  /** List the workspace’s webhook endpoints (`GET /v1/webhook-endpoints`) */
  listWebhookEndpoints(): Promise<{
    object: "list";
    data: Array<WebhookEndpoint>;
    nextCursor: string | null;
  }> {
    return send<{
    object: "list";
    data: Array<WebhookEndpoint>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/webhook-endpoints`, undefined);
  }

  /** Get a webhook endpoint (`GET /v1/webhook-endpoints/{id}`) */
  getWebhookEndpoint(input: { id: string }): Promise<WebhookEndpoint> {
    return send<WebhookEndpoint>(this.options, 'GET', `v1/webhook-endpoints/${encodeURIComponent(input.id)}`, undefined);
  }

  /** Update a webhook endpoint (re-enabling clears its failure streak) (`PATCH /v1/webhook-endpoints/{id}`) */
  updateWebhookEndpoint(input: { id: string }, body: {
    url?: string;
    description?: string | null;
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
    object: "list";
    data: Array<Subscription>;
    nextCursor: string | null;
  }> {
    return send<{
    object: "list";
    data: Array<Subscription>;
    nextCursor: string | null;
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

  /** Subscribe an endpoint to events of some mailboxes: one subscription per mailbox, the same as POST /v1/subscriptions makes (`POST /v1/webhook-endpoints/{endpointId}/subscriptions`) */
  createEndpointSubscriptions(input: { endpointId: string }, body: {
    mailboxIds: Array<string>;
    eventTypes: Array<"message.created" | "message.updated" | "message.deleted" | "thread.created" | "thread.updated" | "thread.deleted" | "mailbox.connected" | "mailbox.synced" | "mailbox.reconnect_required" | "mailbox.resync_started">;
  }): Promise<{
    object: "list";
    data: Array<WebhookEndpointSubscription>;
    nextCursor: string | null;
  }> {
    return send<{
    object: "list";
    data: Array<WebhookEndpointSubscription>;
    nextCursor: string | null;
  }>(this.options, 'POST', `v1/webhook-endpoints/${encodeURIComponent(input.endpointId)}/subscriptions`, undefined, body);
  }

  /** An endpoint’s subscriptions, one entry per mailbox each names (the same as GET /v1/subscriptions?endpointId=) (`GET /v1/webhook-endpoints/{endpointId}/subscriptions`) */
  listEndpointSubscriptions(input: { endpointId: string }): Promise<{
    object: "list";
    data: Array<WebhookEndpointSubscription>;
    nextCursor: string | null;
  }> {
    return send<{
    object: "list";
    data: Array<WebhookEndpointSubscription>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/webhook-endpoints/${encodeURIComponent(input.endpointId)}/subscriptions`, undefined);
  }

  /** Delete one of an endpoint’s subscriptions (the same as DELETE /v1/subscriptions/:id) (`DELETE /v1/webhook-endpoints/{endpointId}/subscriptions/{subscriptionId}`) */
  deleteEndpointSubscription(input: { endpointId: string; subscriptionId: string }): Promise<void> {
    return send<void>(this.options, 'DELETE', `v1/webhook-endpoints/${encodeURIComponent(input.endpointId)}/subscriptions/${encodeURIComponent(input.subscriptionId)}`, undefined);
  }

  /** Re-send past events to one endpoint, by time window (`from`, `to`, optionally of one `mailboxId`) or `eventIds`, with their original `webhook-id`; a replay overlapping a running one to the same endpoint is refused (`POST /v1/replays`) */
  createReplay(body: {
    endpointId?: string;
    webhookEndpointId?: string;
    mailboxId?: string;
    from?: string;
    to?: string;
    startTime?: string;
    endTime?: string;
    eventIds?: Array<string>;
  }): Promise<Replay> {
    return send<Replay>(this.options, 'POST', `v1/replays`, undefined, body);
  }

  /** List the workspace’s replays, newest first (`GET /v1/replays`) */
  listReplays(input: { limit?: string | number; cursor?: string } = {}): Promise<{
    object: "list";
    data: Array<Replay>;
    nextCursor: string | null;
  }> {
    return send<{
    object: "list";
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
    object: "api_key";
    workspaceId: string;
    label: string;
    prefix: string;
    /** ISO 8601 timestamp (UTC) */
    createdAt: string;
    lastUsedAt: string | null;
    revokedAt: string | null;
    apiKey: string;
  }> {
    return send<{
    keyId: string;
    object: "api_key";
    workspaceId: string;
    label: string;
    prefix: string;
    /** ISO 8601 timestamp (UTC) */
    createdAt: string;
    lastUsedAt: string | null;
    revokedAt: string | null;
    apiKey: string;
  }>(this.options, 'POST', `v1/api-keys`, undefined, body);
  }

  /** List this workspace’s API keys (prefix, label, last use, revocation) (`GET /v1/api-keys`) */
  listApiKeys(): Promise<{
    object: "list";
    data: Array<ApiKey>;
    nextCursor: string | null;
  }> {
    return send<{
    object: "list";
    data: Array<ApiKey>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/api-keys`, undefined);
  }

  /** Revoke an API key; it stops working at once (`DELETE /v1/api-keys/{keyId}`) */
  revokeApiKey(input: { keyId: string }): Promise<void> {
    return send<void>(this.options, 'DELETE', `v1/api-keys/${encodeURIComponent(input.keyId)}`, undefined);
  }

  /** List deliveries, newest first, by endpoint, event, replay or state (`GET /v1/deliveries`) */
  listDeliveries(input: { endpointId?: string; eventId?: string; replayId?: string; state?: "pending" | "delivered" | "failed"; limit?: string | number; cursor?: string } = {}): Promise<{
    object: "list";
    data: Array<Delivery>;
    nextCursor: string | null;
  }> {
    return send<{
    object: "list";
    data: Array<Delivery>;
    nextCursor: string | null;
  }>(this.options, 'GET', `v1/deliveries`, { endpointId: input.endpointId, eventId: input.eventId, replayId: input.replayId, state: input.state, limit: input.limit, cursor: input.cursor });
  }

  /** Get a delivery with every attempt (`GET /v1/deliveries/{deliveryId}`) */
  getDelivery(input: { deliveryId: string }): Promise<{
    id: string;
    object: "delivery";
    endpointId: string;
    mailboxId: string;
    eventId: string;
    eventType: string;
    state: "pending" | "delivered" | "failed";
    attempts: number;
    nextAttemptAt: string | null;
    lastStatus: (number | string) | null;
    failureReason?: string | null;
    replayId?: string;
    /** ISO 8601 timestamp (UTC) */
    createdAt: string;
    /** ISO 8601 timestamp (UTC) */
    updatedAt: string;
    attemptLog: Array<DeliveryAttempt>;
  }> {
    return send<{
    id: string;
    object: "delivery";
    endpointId: string;
    mailboxId: string;
    eventId: string;
    eventType: string;
    state: "pending" | "delivered" | "failed";
    attempts: number;
    nextAttemptAt: string | null;
    lastStatus: (number | string) | null;
    failureReason?: string | null;
    replayId?: string;
    /** ISO 8601 timestamp (UTC) */
    createdAt: string;
    /** ISO 8601 timestamp (UTC) */
    updatedAt: string;
    attemptLog: Array<DeliveryAttempt>;
  }>(this.options, 'GET', `v1/deliveries/${encodeURIComponent(input.deliveryId)}`, undefined);
  }
}
