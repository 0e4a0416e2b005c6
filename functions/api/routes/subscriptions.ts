import * as v from 'valibot';
import type { FirestoreReadModel } from '../../../shared/adapters/firestore/firestore-read-model.js';
import type { Clock } from '../../../shared/core/clock.js';
import type { Ids } from '../../../shared/core/ids.js';
import { EVENT_TYPES } from '../../../shared/events/event.js';
import { problem } from '../../../shared/runtime/problem.js';
import type { WebhookStore } from '../../../shared/webhooks/ports.js';
import {
  CreateSubscriptionInput,
  createSubscription,
  UpdateSubscriptionInput,
  updateSubscription,
} from '../../../shared/webhooks/subscriptions/manage-subscriptions.js';
import type { SubscriptionStore } from '../../../shared/webhooks/subscriptions/ports.js';
import { defineRoute } from '../http/route.js';
import { Id } from '../http/schemas.js';

/** What the subscription routes need. */
export interface SubscriptionRouteDeps {
  subscriptions: SubscriptionStore;
  webhooks: WebhookStore;
  reads: FirestoreReadModel;
  clock: Clock;
  ids: Ids;
}

const IdParams = v.object({ id: Id });
const ListQuery = v.strictObject({
  endpointId: v.optional(Id),
});
const SubscriptionFields = v.object({
  id: v.string(),
  workspaceId: v.string(),
  endpointId: v.string(),
  mailboxIds: v.union([v.literal('all'), v.array(v.string())]),
  eventTypes: v.union([v.literal('all'), v.array(v.picklist(EVENT_TYPES))]),
  createdAt: v.number(),
  updatedAt: v.number(),
});
const Subscription = v.pipe(SubscriptionFields, v.title('Subscription'));
const notFound = () => ({
  status: 404,
  body: problem(404, 'not_found', 'Not found', 'No such subscription in this workspace.'),
});

export const subscriptionRoutes = [
  defineRoute<SubscriptionRouteDeps, undefined, undefined, typeof CreateSubscriptionInput>({
    method: 'POST',
    path: '/v1/subscriptions',
    operationId: 'createSubscription',
    summary:
      'Route events of some mailboxes (or all) and some types (or all) to an endpoint; an endpoint with subscriptions takes what any of them matches',
    tag: 'Webhooks',
    auth: 'apiKey',
    body: CreateSubscriptionInput,
    responses: { 201: { description: 'Created', schema: Subscription } },
    async handle({ deps, workspaceId, body }) {
      return { status: 201, body: await createSubscription(deps, workspaceId, body) };
    },
  }),
  defineRoute<SubscriptionRouteDeps, undefined, typeof ListQuery>({
    method: 'GET',
    path: '/v1/subscriptions',
    operationId: 'listSubscriptions',
    summary: 'List the workspace’s subscriptions, oldest first (of one endpoint with `endpointId`)',
    tag: 'Webhooks',
    auth: 'apiKey',
    query: ListQuery,
    responses: { 200: { description: 'Subscriptions', schema: v.object({ data: v.array(Subscription) }) } },
    async handle({ deps, workspaceId, query }) {
      const filter = query.endpointId ? { endpointId: query.endpointId } : {};
      return { status: 200, body: { data: await deps.subscriptions.list(workspaceId, filter) } };
    },
  }),
  defineRoute<SubscriptionRouteDeps, typeof IdParams>({
    method: 'GET',
    path: '/v1/subscriptions/:id',
    operationId: 'getSubscription',
    summary: 'Get a subscription',
    tag: 'Webhooks',
    auth: 'apiKey',
    params: IdParams,
    responses: { 200: { description: 'Subscription', schema: Subscription } },
    async handle({ deps, workspaceId, params }) {
      const found = await deps.subscriptions.get(workspaceId, params.id);
      return found ? { status: 200, body: found } : notFound();
    },
  }),
  defineRoute<SubscriptionRouteDeps, typeof IdParams, undefined, typeof UpdateSubscriptionInput>({
    method: 'PATCH',
    path: '/v1/subscriptions/:id',
    operationId: 'updateSubscription',
    summary: 'Change a subscription’s mailboxes or event types',
    tag: 'Webhooks',
    auth: 'apiKey',
    params: IdParams,
    body: UpdateSubscriptionInput,
    responses: { 200: { description: 'Updated', schema: Subscription } },
    async handle({ deps, workspaceId, params, body }) {
      const updated = await updateSubscription(deps, workspaceId, params.id, body);
      return updated ? { status: 200, body: updated } : notFound();
    },
  }),
  defineRoute<SubscriptionRouteDeps, typeof IdParams>({
    method: 'DELETE',
    path: '/v1/subscriptions/:id',
    operationId: 'deleteSubscription',
    summary: 'Delete a subscription (an endpoint left without any routes by its own filter again)',
    tag: 'Webhooks',
    auth: 'apiKey',
    params: IdParams,
    responses: { 204: { description: 'Deleted' } },
    async handle({ deps, workspaceId, params }) {
      return (await deps.subscriptions.delete(workspaceId, params.id)) ? { status: 204 } : notFound();
    },
  }),
];
