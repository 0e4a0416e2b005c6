import * as v from 'valibot';

/**
 * The seed API's published contract, written here from its OpenAPI 3.1 document (schemas and the twelve
 * operations), so tests can hold this API to it. Objects are loose, because this API extends the seed's
 * resources with fields of its own; every field the seed requires is required here with the seed's type,
 * and every enumeration keeps the seed's values. The one exception is the event types a subscription lists:
 * the seed allows values beyond its three, and this API has more event types.
 */
const NonEmpty = v.pipe(v.string(), v.minLength(1));
const DateTime = v.pipe(v.string(), v.isoTimestamp());
const NullableDateTime = v.nullable(DateTime);
const NullableString = v.nullable(v.string());

const DeliveryState = v.picklist(['healthy', 'degraded', 'failing']);
const MailboxStatus = v.picklist(['active', 'reconnect_required', 'disabled']);
const SyncState = v.picklist(['initializing', 'healthy', 'lagging', 'failed']);
const WatchState = v.picklist(['active', 'expiring', 'expired', 'unhealthy']);
const SyncRunStatus = v.picklist([
  'running',
  'completed',
  'skipped_due_to_active_lease',
  'reconnect_required',
  'dispatch_retry_exhausted',
  'failed_after_lease_acquired',
  'lease_lost',
]);
const WebhookEventType = NonEmpty;

const ErrorDetail = v.looseObject({
  code: NonEmpty,
  message: NonEmpty,
  occurredAt: DateTime,
  retryable: v.boolean(),
});

const list = <T extends v.GenericSchema>(item: T) =>
  v.looseObject({ object: v.literal('list'), data: v.array(item), nextCursor: NullableString });

const SyncRun = v.looseObject({
  syncRunId: NonEmpty,
  mailboxId: NonEmpty,
  startedAt: DateTime,
  completedAt: NullableDateTime,
  status: SyncRunStatus,
  detail: NullableString,
  eventsEmitted: v.nullable(v.pipe(v.number(), v.integer())),
  leaseOwnerId: NullableString,
  previousCursor: NullableString,
  nextCursor: NullableString,
  cursorAdvanced: v.nullable(v.boolean()),
});

const Address = v.looseObject({ name: NullableString, email: NonEmpty });

const MessageFields = {
  id: NonEmpty,
  mailboxId: NonEmpty,
  threadId: NonEmpty,
  providerMessageId: NonEmpty,
  subject: v.string(),
  from: Address,
  snippet: v.string(),
  receivedAt: DateTime,
  labelIds: v.array(NonEmpty),
};

const ThreadFields = {
  id: NonEmpty,
  object: v.literal('thread'),
  mailboxId: NonEmpty,
  providerThreadId: NonEmpty,
  subject: v.string(),
  lastMessageAt: DateTime,
};

/** The seed document's component schemas that responses use, by their names there. */
export const seedSchemas = {
  ProblemDetails: v.looseObject({
    type: NonEmpty,
    title: NonEmpty,
    status: v.pipe(v.number(), v.integer()),
    code: NonEmpty,
    detail: NonEmpty,
    resource: v.optional(v.record(v.string(), v.string())),
    retryable: v.boolean(),
  }),
  ConnectSession: v.looseObject({
    id: NonEmpty,
    object: v.literal('connect_session'),
    connectUrl: NonEmpty,
    expiresAt: DateTime,
  }),
  WebhookEndpoint: v.looseObject({
    id: NonEmpty,
    object: v.literal('webhook_endpoint'),
    url: NonEmpty,
    description: v.nullable(NonEmpty),
    deliveryState: DeliveryState,
    lastDeliveryAt: NullableDateTime,
    lastDeliveryError: v.nullable(ErrorDetail),
    createdAt: DateTime,
    secret: NonEmpty,
  }),
  WebhookEndpointSubscriptionList: list(
    v.looseObject({
      id: NonEmpty,
      object: v.literal('webhook_endpoint_subscription'),
      webhookEndpointId: NonEmpty,
      mailboxId: NonEmpty,
      eventTypes: v.array(WebhookEventType),
      createdAt: DateTime,
    }),
  ),
  Mailbox: v.looseObject({
    id: NonEmpty,
    object: v.literal('mailbox'),
    provider: v.literal('gmail'),
    emailAddress: NonEmpty,
    status: MailboxStatus,
    syncState: SyncState,
    watchState: WatchState,
    initializedAt: NullableDateTime,
    lastSuccessfulSyncAt: NullableDateTime,
    lastError: v.nullable(ErrorDetail),
  }),
  SyncRunList: list(SyncRun),
  MailboxObservability: v.looseObject({
    object: v.literal('mailbox_observability'),
    mailboxId: NonEmpty,
    generatedAt: DateTime,
    lag: v.looseObject({
      status: MailboxStatus,
      syncState: SyncState,
      watchState: WatchState,
      lastSuccessfulSyncAt: NullableDateTime,
      lagSeconds: v.nullable(v.pipe(v.number(), v.integer())),
    }),
    cursor: v.looseObject({
      currentCursor: NullableString,
      previousCursor: NullableString,
      nextCursor: NullableString,
      advanced: v.nullable(v.boolean()),
      advancedAt: NullableDateTime,
    }),
    lease: v.looseObject({
      activeLeaseOwner: NullableString,
      activeLeaseHeartbeatAt: NullableDateTime,
      activeLeaseExpiresAt: NullableDateTime,
      contentionCount24h: v.pipe(v.number(), v.integer()),
      latestContentionAt: NullableDateTime,
      leaseLossCount24h: v.pipe(v.number(), v.integer()),
      latestLeaseLossAt: NullableDateTime,
    }),
    webhookDeliveries: v.array(
      v.looseObject({
        webhookEndpointId: NonEmpty,
        webhookEndpointUrl: NonEmpty,
        deliveryState: DeliveryState,
        consecutiveFailures: v.pipe(v.number(), v.integer()),
        pendingDeliveries: v.pipe(v.number(), v.integer()),
        processingDeliveries: v.pipe(v.number(), v.integer()),
        failedDeliveries: v.pipe(v.number(), v.integer()),
        lastDeliveryAt: NullableDateTime,
        lastDeliveryError: v.nullable(ErrorDetail),
      }),
    ),
    latestSyncRun: v.nullable(SyncRun),
  }),
  Replay: v.looseObject({
    id: NonEmpty,
    object: v.literal('replay'),
    status: v.picklist(['queued', 'running', 'completed', 'failed', 'cancelled']),
    mailboxId: NonEmpty,
    webhookEndpointId: NonEmpty,
    startTime: DateTime,
    endTime: DateTime,
    eventsReplayed: v.nullable(v.pipe(v.number(), v.integer())),
    createdAt: DateTime,
    startedAt: NullableDateTime,
    completedAt: NullableDateTime,
    lastError: NullableString,
  }),
  MessageList: list(v.looseObject(MessageFields)),
  Message: v.looseObject(MessageFields),
  ThreadList: list(v.looseObject(ThreadFields)),
  Thread: v.looseObject({
    ...ThreadFields,
    messages: v.array(v.looseObject({ id: NonEmpty, subject: v.string(), receivedAt: DateTime })),
  }),
} as const;

/** A seed operation: its route, the status and schema of its success, and the statuses of its problems. */
export interface SeedOperation {
  operationId: string;
  method: 'GET' | 'POST';
  /** The route as this API's router writes it (`:param`). */
  path: string;
  success: { status: number; schema: keyof typeof seedSchemas };
  problems: number[];
  /** The properties of its request body (every one required unless marked `?`). */
  body?: string[];
}

/** Every operation of the seed document. */
export const seedOperations: SeedOperation[] = [
  {
    operationId: 'mailboxes_create_connect_session',
    method: 'POST',
    path: '/v1/mailboxes/connect-sessions',
    success: { status: 201, schema: 'ConnectSession' },
    problems: [400],
    body: ['provider', 'tenantExternalId', 'mailboxExternalId', 'redirectUrl'],
  },
  {
    operationId: 'webhook_endpoints_create',
    method: 'POST',
    path: '/v1/webhook-endpoints',
    success: { status: 201, schema: 'WebhookEndpoint' },
    problems: [400],
    body: ['url', 'description?'],
  },
  {
    operationId: 'webhook_endpoints_create_subscription',
    method: 'POST',
    path: '/v1/webhook-endpoints/:endpointId/subscriptions',
    success: { status: 201, schema: 'WebhookEndpointSubscriptionList' },
    problems: [400, 404],
    body: ['mailboxIds', 'eventTypes'],
  },
  {
    operationId: 'mailboxes_get',
    method: 'GET',
    path: '/v1/mailboxes/:mailboxId',
    success: { status: 200, schema: 'Mailbox' },
    problems: [400, 404],
  },
  {
    operationId: 'mailboxes_list_sync_runs',
    method: 'GET',
    path: '/v1/mailboxes/:mailboxId/sync-runs',
    success: { status: 200, schema: 'SyncRunList' },
    problems: [400],
  },
  {
    operationId: 'mailboxes_get_observability',
    method: 'GET',
    path: '/v1/mailboxes/:mailboxId/observability',
    success: { status: 200, schema: 'MailboxObservability' },
    problems: [400, 404],
  },
  {
    operationId: 'replays_create',
    method: 'POST',
    path: '/v1/replays',
    success: { status: 201, schema: 'Replay' },
    problems: [400, 409],
    body: ['mailboxId', 'webhookEndpointId', 'startTime', 'endTime'],
  },
  {
    operationId: 'replays_get',
    method: 'GET',
    path: '/v1/replays/:replayId',
    success: { status: 200, schema: 'Replay' },
    problems: [400, 404],
  },
  {
    operationId: 'messages_list',
    method: 'GET',
    path: '/v1/messages',
    success: { status: 200, schema: 'MessageList' },
    problems: [400],
  },
  {
    operationId: 'messages_get',
    method: 'GET',
    path: '/v1/messages/:id',
    success: { status: 200, schema: 'Message' },
    problems: [400, 404],
  },
  {
    operationId: 'threads_list',
    method: 'GET',
    path: '/v1/threads',
    success: { status: 200, schema: 'ThreadList' },
    problems: [400],
  },
  {
    operationId: 'threads_get',
    method: 'GET',
    path: '/v1/threads/:id',
    success: { status: 200, schema: 'Thread' },
    problems: [400, 404],
  },
];
