import * as v from 'valibot';
import type { Clock } from '../../../shared/core/clock.js';
import type { Delivery as StoredDelivery } from '../../../shared/webhooks/model.js';
import type { WebhookStore } from '../../../shared/webhooks/ports.js';
import { apiKeyView, createdApiKeyView, issueApiKey } from '../../../shared/workspaces/api-keys.js';
import type { WorkspaceStore } from '../../../shared/workspaces/ports.js';
import { defineRoute } from '../http/route.js';
import { Cursor, Id, notFound, PageLimit } from '../http/schemas.js';
import { IsoTime, iso, listBody, listOf, NullableIsoTime } from '../http/views.js';

const deliveryView = (d: StoredDelivery) => ({
  ...d,
  object: 'delivery' as const,
  nextAttemptAt: iso(d.nextAttemptAt),
  createdAt: iso(d.createdAt),
  updatedAt: iso(d.updatedAt),
});

/** What the API-key and delivery routes need. */
export interface KeysAndDeliveriesDeps {
  workspaces: WorkspaceStore;
  webhooks: WebhookStore;
  clock: Clock;
}

const ApiKeyFields = v.object({
  keyId: v.string(),
  object: v.literal('api_key'),
  workspaceId: v.string(),
  label: v.string(),
  prefix: v.string(),
  createdAt: IsoTime,
  lastUsedAt: NullableIsoTime,
  revokedAt: NullableIsoTime,
});
const ApiKey = v.pipe(ApiKeyFields, v.title('ApiKey'));
/** Body of `POST /v1/api-keys`. */
export const CreateApiKeyInput = v.strictObject({
  label: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
});
const DeliveryFields = v.object({
  id: v.string(),
  object: v.literal('delivery'),
  endpointId: v.string(),
  mailboxId: v.string(),
  eventId: v.string(),
  eventType: v.string(),
  state: v.picklist(['pending', 'delivered', 'failed']),
  attempts: v.number(),
  nextAttemptAt: NullableIsoTime,
  lastStatus: v.nullable(v.union([v.number(), v.string()])),
  failureReason: v.optional(v.nullable(v.string())),
  replayId: v.optional(v.string()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const Delivery = v.pipe(DeliveryFields, v.title('Delivery'));
const AttemptFields = v.object({
  attempt: v.number(),
  at: IsoTime,
  durationMs: v.number(),
  status: v.union([v.number(), v.picklist(['timeout', 'network_error', 'refused'])]),
  outcome: v.picklist(['delivered', 'retry', 'failed', 'endpoint_gone']),
  responseSnippet: v.string(),
  error: v.optional(v.nullable(v.string())),
  nextAttemptAt: NullableIsoTime,
});
const Attempt = v.pipe(AttemptFields, v.title('DeliveryAttempt'));
export const keyAndDeliveryRoutes = [
  defineRoute<KeysAndDeliveriesDeps, undefined, undefined, typeof CreateApiKeyInput>({
    method: 'POST',
    path: '/v1/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key for this workspace; the key is shown only in this response',
    tag: 'API keys',
    auth: 'apiKey',
    body: CreateApiKeyInput,
    responses: {
      201: { description: 'Created', schema: v.object({ ...ApiKeyFields.entries, apiKey: v.string() }) },
    },
    async handle({ deps, workspaceId, body }) {
      const issued = await issueApiKey(deps, workspaceId, body.label);
      return { status: 201, body: createdApiKeyView(issued) };
    },
  }),
  defineRoute<KeysAndDeliveriesDeps>({
    method: 'GET',
    path: '/v1/api-keys',
    operationId: 'listApiKeys',
    summary: 'List this workspace’s API keys (prefix, label, last use, revocation)',
    tag: 'API keys',
    auth: 'apiKey',
    responses: { 200: { description: 'Keys', schema: listOf(ApiKey) } },
    async handle({ deps, workspaceId }) {
      return {
        status: 200,
        body: listBody((await deps.workspaces.listApiKeys(workspaceId)).map(apiKeyView), null),
      };
    },
  }),
  defineRoute<KeysAndDeliveriesDeps, ReturnType<typeof keyParams>>({
    method: 'DELETE',
    path: '/v1/api-keys/:keyId',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key; it stops working at once',
    tag: 'API keys',
    auth: 'apiKey',
    params: keyParams(),
    responses: { 204: { description: 'Revoked' } },
    async handle({ deps, workspaceId, params }) {
      return (await deps.workspaces.revokeApiKey(workspaceId, params.keyId, deps.clock.now()))
        ? { status: 204 }
        : notFound('API key');
    },
  }),
  defineRoute<KeysAndDeliveriesDeps, undefined, ReturnType<typeof deliveryQuery>>({
    method: 'GET',
    path: '/v1/deliveries',
    operationId: 'listDeliveries',
    summary: 'List deliveries, newest first, by endpoint, event, replay or state',
    tag: 'Webhooks',
    auth: 'apiKey',
    query: deliveryQuery(),
    responses: {
      200: {
        description: 'A page of deliveries, newest first',
        schema: listOf(Delivery),
      },
    },
    async handle({ deps, workspaceId, query }) {
      const { limit, cursor, ...filter } = query;
      const page = await deps.webhooks.listDeliveries(workspaceId, filter, limit, cursor);
      return { status: 200, body: listBody(page.data.map(deliveryView), page.next) };
    },
  }),
  defineRoute<KeysAndDeliveriesDeps, ReturnType<typeof deliveryParams>>({
    method: 'GET',
    path: '/v1/deliveries/:deliveryId',
    operationId: 'getDelivery',
    summary: 'Get a delivery with every attempt',
    tag: 'Webhooks',
    auth: 'apiKey',
    params: deliveryParams(),
    responses: {
      200: {
        description: 'Delivery',
        schema: v.object({ ...DeliveryFields.entries, attemptLog: v.array(Attempt) }),
      },
    },
    async handle({ deps, workspaceId, params }) {
      const found = await deps.webhooks.getDelivery(params.deliveryId);
      if (!found || found.workspaceId !== workspaceId) return notFound('delivery');
      return {
        status: 200,
        body: {
          ...deliveryView(found),
          attemptLog: (await deps.webhooks.listAttempts(params.deliveryId)).map((a) => ({
            ...a,
            at: iso(a.at),
            nextAttemptAt: iso(a.nextAttemptAt),
          })),
        },
      };
    },
  }),
];

function keyParams() {
  return v.object({ keyId: Id });
}
function deliveryParams() {
  return v.object({ deliveryId: Id });
}
function deliveryQuery() {
  return v.strictObject({
    endpointId: v.optional(Id),
    eventId: v.optional(Id),
    replayId: v.optional(Id),
    state: v.optional(v.picklist(['pending', 'delivered', 'failed'])),
    limit: PageLimit(200),
    cursor: v.optional(Cursor),
  });
}
