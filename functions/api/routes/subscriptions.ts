import * as v from 'valibot';
import type { Clock } from '../../../shared/core/clock.js';
import type { Ids } from '../../../shared/core/ids.js';
import { EVENT_TYPES } from '../../../shared/events/event.js';
import { problem } from '../../../shared/runtime/problem.js';
import type { MailboxChecks } from '../../../shared/webhooks/check-mailboxes.js';
import { EventTypeList, MailboxIdList } from '../../../shared/webhooks/filter-schemas.js';
import type { WebhookStore } from '../../../shared/webhooks/ports.js';
import {
  CreateSubscriptionInput,
  createSubscription,
  UpdateSubscriptionInput,
  updateSubscription,
} from '../../../shared/webhooks/subscriptions/manage-subscriptions.js';
import type { Subscription as StoredSubscription } from '../../../shared/webhooks/subscriptions/model.js';
import type { SubscriptionStore } from '../../../shared/webhooks/subscriptions/ports.js';
import { defineRoute } from '../http/route.js';
import { Id, notFound } from '../http/schemas.js';
import { IsoTime, iso, listBody, listOf } from '../http/views.js';

/** What the subscription routes need. */
export interface SubscriptionRouteDeps {
  subscriptions: SubscriptionStore;
  webhooks: WebhookStore;
  reads: MailboxChecks;
  clock: Clock;
  ids: Ids;
}

const IdParams = v.object({ id: Id });
const ListQuery = v.strictObject({
  endpointId: v.optional(Id),
});
const Subscription = v.pipe(
  v.object({
    id: v.string(),
    object: v.literal('subscription'),
    workspaceId: v.string(),
    endpointId: v.string(),
    mailboxIds: v.union([v.literal('all'), v.array(v.string())]),
    eventTypes: v.union([v.literal('all'), v.array(v.picklist(EVENT_TYPES))]),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  }),
  v.title('Subscription'),
);
const subscriptionView = (s: StoredSubscription): v.InferOutput<typeof Subscription> => ({
  ...s,
  object: 'subscription',
  createdAt: iso(s.createdAt),
  updatedAt: iso(s.updatedAt),
});

/** A subscription as the seed API shows it under its endpoint: one entry per mailbox it names. */
const EndpointSubscription = v.pipe(
  v.object({
    id: v.string(),
    object: v.literal('webhook_endpoint_subscription'),
    webhookEndpointId: v.string(),
    mailboxId: v.pipe(v.string(), v.description('a mailbox id, or `all` for every mailbox of the workspace')),
    eventTypes: v.array(v.picklist(EVENT_TYPES)),
    createdAt: IsoTime,
  }),
  v.title('WebhookEndpointSubscription'),
);
const endpointSubscriptionViews = (s: StoredSubscription): v.InferOutput<typeof EndpointSubscription>[] =>
  (s.mailboxIds === 'all' ? ['all'] : s.mailboxIds).map((mailboxId) => ({
    id: s.id,
    object: 'webhook_endpoint_subscription',
    webhookEndpointId: s.endpointId,
    mailboxId,
    eventTypes: s.eventTypes === 'all' ? [...EVENT_TYPES] : s.eventTypes,
    createdAt: iso(s.createdAt),
  }));
const EndpointParams = v.object({ endpointId: Id });
const EndpointSubscriptionParams = v.object({ endpointId: Id, subscriptionId: Id });
/** Body of `POST /v1/webhook-endpoints/:endpointId/subscriptions`, as the seed API takes it. */
export const CreateEndpointSubscriptionsInput = v.strictObject({
  mailboxIds: v.pipe(MailboxIdList, v.minLength(1, 'list at least one mailbox')),
  eventTypes: v.pipe(EventTypeList, v.minLength(1, 'list at least one event type')),
});
const subscriptionNotFound = () => notFound('subscription');
const endpointNotFound = () => notFound('webhook endpoint');

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
      return { status: 201, body: subscriptionView(await createSubscription(deps, workspaceId, body)) };
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
    responses: { 200: { description: 'Subscriptions', schema: listOf(Subscription) } },
    async handle({ deps, workspaceId, query }) {
      const filter = query.endpointId ? { endpointId: query.endpointId } : {};
      const list = await deps.subscriptions.list(workspaceId, filter);
      return { status: 200, body: listBody(list.map(subscriptionView), null) };
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
      return found ? { status: 200, body: subscriptionView(found) } : subscriptionNotFound();
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
      return updated ? { status: 200, body: subscriptionView(updated) } : subscriptionNotFound();
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
      return (await deps.subscriptions.delete(workspaceId, params.id))
        ? { status: 204 }
        : subscriptionNotFound();
    },
  }),
  defineRoute<
    SubscriptionRouteDeps,
    typeof EndpointParams,
    undefined,
    typeof CreateEndpointSubscriptionsInput
  >({
    method: 'POST',
    path: '/v1/webhook-endpoints/:endpointId/subscriptions',
    operationId: 'createEndpointSubscriptions',
    summary:
      'Subscribe an endpoint to events of some mailboxes: one subscription per mailbox, the same as POST /v1/subscriptions makes',
    tag: 'Webhooks',
    auth: 'apiKey',
    params: EndpointParams,
    body: CreateEndpointSubscriptionsInput,
    responses: { 201: { description: 'Created', schema: listOf(EndpointSubscription) } },
    async handle({ deps, workspaceId, params, body }) {
      if (!(await deps.webhooks.getEndpoint(workspaceId, params.endpointId))) return endpointNotFound();
      // every mailbox is checked before anything is written
      if ((await deps.reads.unknownMailboxes(workspaceId, body.mailboxIds)).length > 0)
        return {
          status: 404,
          body: problem(
            404,
            'unknown_mailbox',
            'Not found',
            'A listed mailbox is not one of this workspace’s.',
          ),
        };
      const created = [];
      for (const mailboxId of [...new Set(body.mailboxIds)])
        created.push(
          await createSubscription(deps, workspaceId, {
            endpointId: params.endpointId,
            mailboxIds: [mailboxId],
            eventTypes: body.eventTypes,
          }),
        );
      return { status: 201, body: listBody(created.flatMap(endpointSubscriptionViews), null) };
    },
  }),
  defineRoute<SubscriptionRouteDeps, typeof EndpointParams>({
    method: 'GET',
    path: '/v1/webhook-endpoints/:endpointId/subscriptions',
    operationId: 'listEndpointSubscriptions',
    summary:
      'An endpoint’s subscriptions, one entry per mailbox each names (the same as GET /v1/subscriptions?endpointId=)',
    tag: 'Webhooks',
    auth: 'apiKey',
    params: EndpointParams,
    responses: { 200: { description: 'Subscriptions', schema: listOf(EndpointSubscription) } },
    async handle({ deps, workspaceId, params }) {
      if (!(await deps.webhooks.getEndpoint(workspaceId, params.endpointId))) return endpointNotFound();
      const list = await deps.subscriptions.list(workspaceId, { endpointId: params.endpointId });
      return { status: 200, body: listBody(list.flatMap(endpointSubscriptionViews), null) };
    },
  }),
  defineRoute<SubscriptionRouteDeps, typeof EndpointSubscriptionParams>({
    method: 'DELETE',
    path: '/v1/webhook-endpoints/:endpointId/subscriptions/:subscriptionId',
    operationId: 'deleteEndpointSubscription',
    summary: 'Delete one of an endpoint’s subscriptions (the same as DELETE /v1/subscriptions/:id)',
    tag: 'Webhooks',
    auth: 'apiKey',
    params: EndpointSubscriptionParams,
    responses: { 204: { description: 'Deleted' } },
    async handle({ deps, workspaceId, params }) {
      const found = await deps.subscriptions.get(workspaceId, params.subscriptionId);
      if (!found || found.endpointId !== params.endpointId) return subscriptionNotFound();
      return (await deps.subscriptions.delete(workspaceId, params.subscriptionId))
        ? { status: 204 }
        : subscriptionNotFound();
    },
  }),
];
