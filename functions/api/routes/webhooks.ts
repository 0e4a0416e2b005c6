import * as v from 'valibot';
import type { Clock } from '../../../shared/core/clock.js';
import type { Ids } from '../../../shared/core/ids.js';
import type { CredentialBox } from '../../../shared/secrets/credentials.js';
import type { MailboxChecks } from '../../../shared/webhooks/check-mailboxes.js';
import {
  CreateEndpointInput,
  createEndpoint,
  publicEndpoint,
  rotateEndpointSecret,
  UpdateEndpointInput,
  updateEndpointSettings,
} from '../../../shared/webhooks/manage-endpoints.js';
import type { WebhookStore } from '../../../shared/webhooks/ports.js';
import type { SubscriptionStore } from '../../../shared/webhooks/subscriptions/ports.js';
import { defineRoute } from '../http/route.js';
import { Id, notFound } from '../http/schemas.js';
import { listBody, listOf } from '../http/views.js';
import { Endpoint, type EndpointDeliveries, EndpointWithSecret, endpointView } from './webhook-views.js';

/** What the webhook routes need. */
export interface WebhookRouteDeps {
  webhooks: WebhookStore;
  subscriptions: SubscriptionStore;
  reads: MailboxChecks;
  box: Pick<CredentialBox, 'sealSecret'>;
  clock: Clock;
  ids: Ids;
  /** Only https endpoint URLs are accepted (gcp mode). */
  httpsOnly?: boolean;
  /** An endpoint's newest delivered and failed deliveries, for its delivery health. */
  observability: { latestDeliveries(workspaceId: string, endpointId: string): Promise<EndpointDeliveries> };
}

async function shown(deps: WebhookRouteDeps, e: ReturnType<typeof publicEndpoint>) {
  return endpointView(e, await deps.observability.latestDeliveries(e.workspaceId, e.id));
}

const IdParams = v.object({ id: Id });

const endpointNotFound = () => notFound('webhook endpoint');

export const webhookRoutes = [
  defineRoute<WebhookRouteDeps, undefined, undefined, typeof CreateEndpointInput>({
    method: 'POST',
    path: '/v1/webhook-endpoints',
    operationId: 'createWebhookEndpoint',
    summary: 'Create a webhook endpoint; its signing secret is returned only in this response',
    tag: 'Webhooks',
    auth: 'apiKey',
    body: CreateEndpointInput,
    responses: { 201: { description: 'Created', schema: EndpointWithSecret } },
    async handle({ deps, workspaceId, body }) {
      const { secret, ...created } = await createEndpoint(deps, workspaceId, body);
      return { status: 201, body: { ...(await shown(deps, created)), secret } };
    },
  }),
  defineRoute<WebhookRouteDeps>({
    method: 'GET',
    path: '/v1/webhook-endpoints',
    operationId: 'listWebhookEndpoints',
    summary: 'List the workspace’s webhook endpoints',
    tag: 'Webhooks',
    auth: 'apiKey',
    responses: { 200: { description: 'Endpoints', schema: listOf(Endpoint) } },
    async handle({ deps, workspaceId }) {
      const endpoints = await deps.webhooks.listEndpoints(workspaceId);
      return {
        status: 200,
        body: listBody(await Promise.all(endpoints.map((e) => shown(deps, publicEndpoint(e)))), null),
      };
    },
  }),
  defineRoute<WebhookRouteDeps, typeof IdParams>({
    method: 'GET',
    path: '/v1/webhook-endpoints/:id',
    operationId: 'getWebhookEndpoint',
    summary: 'Get a webhook endpoint',
    tag: 'Webhooks',
    auth: 'apiKey',
    params: IdParams,
    responses: { 200: { description: 'Endpoint', schema: Endpoint } },
    async handle({ deps, workspaceId, params }) {
      const e = await deps.webhooks.getEndpoint(workspaceId, params.id);
      return e ? { status: 200, body: await shown(deps, publicEndpoint(e)) } : endpointNotFound();
    },
  }),
  defineRoute<WebhookRouteDeps, typeof IdParams, undefined, typeof UpdateEndpointInput>({
    method: 'PATCH',
    path: '/v1/webhook-endpoints/:id',
    operationId: 'updateWebhookEndpoint',
    summary: 'Update a webhook endpoint (re-enabling clears its failure streak)',
    tag: 'Webhooks',
    auth: 'apiKey',
    params: IdParams,
    body: UpdateEndpointInput,
    responses: { 200: { description: 'Updated', schema: Endpoint } },
    async handle({ deps, workspaceId, params, body }) {
      const updated = await updateEndpointSettings(deps, workspaceId, params.id, body);
      return updated ? { status: 200, body: await shown(deps, updated) } : endpointNotFound();
    },
  }),
  defineRoute<WebhookRouteDeps, typeof IdParams>({
    method: 'DELETE',
    path: '/v1/webhook-endpoints/:id',
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete a webhook endpoint and its subscriptions; its pending deliveries fail',
    tag: 'Webhooks',
    auth: 'apiKey',
    params: IdParams,
    responses: { 204: { description: 'Deleted' } },
    async handle({ deps, workspaceId, params }) {
      if (!(await deps.webhooks.deleteEndpoint(workspaceId, params.id))) return endpointNotFound();
      // after the endpoint: a crash in between leaves subscriptions that route to nothing
      await deps.subscriptions.deleteForEndpoint(workspaceId, params.id);
      return { status: 204 };
    },
  }),
  defineRoute<WebhookRouteDeps, typeof IdParams>({
    method: 'POST',
    path: '/v1/webhook-endpoints/:id/rotate-secret',
    operationId: 'rotateWebhookSecret',
    summary: 'Rotate the signing secret; the previous one keeps signing for 24 hours',
    tag: 'Webhooks',
    auth: 'apiKey',
    params: IdParams,
    responses: { 200: { description: 'Rotated', schema: EndpointWithSecret } },
    async handle({ deps, workspaceId, params }) {
      const rotated = await rotateEndpointSecret(deps, workspaceId, params.id);
      if (!rotated) return endpointNotFound();
      const { secret, ...endpoint } = rotated;
      return { status: 200, body: { ...(await shown(deps, endpoint)), secret } };
    },
  }),
];
