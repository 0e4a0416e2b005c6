import * as v from 'valibot';
import type { Clock } from '../../../shared/core/clock.js';
import type { Ids } from '../../../shared/core/ids.js';
import { problem } from '../../../shared/runtime/problem.js';
import type { TaskQueue } from '../../../shared/tasks/task-queue.js';
import type { WebhookStore } from '../../../shared/webhooks/ports.js';
import { cancelReplay } from '../../../shared/webhooks/replays/cancel-replay.js';
import { CreateReplayInput, createReplay } from '../../../shared/webhooks/replays/create-replay.js';
import { publicReplay, type Replay as ReplayModel } from '../../../shared/webhooks/replays/model.js';
import type { ReplayStore } from '../../../shared/webhooks/replays/ports.js';
import type { SubscriptionStore } from '../../../shared/webhooks/subscriptions/ports.js';
import { defineRoute } from '../http/route.js';
import { Cursor, Id } from '../http/schemas.js';

/** What the replay routes need. */
export interface ReplayRouteDeps {
  replays: ReplayStore;
  webhooks: WebhookStore;
  subscriptions: SubscriptionStore;
  tasks: TaskQueue;
  clock: Clock;
  ids: Ids;
  /** The `deliverWebhook` URL delivery tasks call. */
  deliverUrl: string;
}

const Params = v.object({ replayId: Id });
const ListQuery = v.strictObject({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, 'must be 1-100'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(100),
    ),
    '20',
  ),
  cursor: v.optional(Cursor),
});
const ReplayFields = v.object({
  id: v.string(),
  workspaceId: v.string(),
  endpointId: v.string(),
  from: v.nullable(v.string()),
  to: v.nullable(v.string()),
  eventIds: v.nullable(v.array(v.string())),
  state: v.pipe(
    v.picklist(['running', 'completed', 'cancelled']),
    v.description(
      '`running` until every selected event has a delivery and all of them have settled; `completed` after',
    ),
  ),
  enqueued: v.number(),
  progress: v.object({
    total: v.nullable(v.number()),
    enqueued: v.number(),
    pending: v.number(),
    delivered: v.number(),
    failed: v.number(),
  }),
  createdAt: v.number(),
  updatedAt: v.number(),
  dispatchedAt: v.pipe(
    v.nullable(v.number()),
    v.description('When every selected event had its delivery; the replay completes once they have settled'),
  ),
  completedAt: v.nullable(v.number()),
  cancelledAt: v.nullable(v.number()),
});
const Replay = v.pipe(ReplayFields, v.title('Replay'));
const notFound = () => ({
  status: 404,
  body: problem(404, 'not_found', 'Not found', 'No such replay in this workspace.'),
});

async function view(deps: ReplayRouteDeps, replay: ReplayModel) {
  return publicReplay(replay, await deps.replays.progress(replay.id));
}

export const replayRoutes = [
  defineRoute<ReplayRouteDeps, undefined, undefined, typeof CreateReplayInput>({
    method: 'POST',
    path: '/v1/replays',
    operationId: 'createReplay',
    summary:
      'Re-send past events to one endpoint, by time window (`from`, `to`) or `eventIds`, with their original `webhook-id`; a replay overlapping a running one to the same endpoint is refused',
    tag: 'Replays',
    auth: 'apiKey',
    body: CreateReplayInput,
    responses: {
      201: { description: 'Created; its first batch is already dispatched', schema: Replay },
      409: { description: 'Overlaps a running replay to the same endpoint (`replay_overlaps`)' },
    },
    async handle({ deps, workspaceId, body }) {
      const result = await createReplay(deps, workspaceId, body);
      if ('conflictWith' in result)
        return {
          status: 409,
          body: problem(
            409,
            'replay_overlaps',
            'Replay overlaps a running one',
            `Replay ${result.conflictWith} to this endpoint covers some of the same events; wait for it or cancel it.`,
            { conflictingReplayId: result.conflictWith },
          ),
        };
      return { status: 201, body: await view(deps, result.created) };
    },
  }),
  defineRoute<ReplayRouteDeps, undefined, typeof ListQuery>({
    method: 'GET',
    path: '/v1/replays',
    operationId: 'listReplays',
    summary: 'List the workspace’s replays, newest first',
    tag: 'Replays',
    auth: 'apiKey',
    query: ListQuery,
    responses: {
      200: {
        description: 'A page of replays',
        schema: v.object({ data: v.array(Replay), nextCursor: v.nullable(v.string()) }),
      },
    },
    async handle({ deps, workspaceId, query }) {
      const page = await deps.replays.list(workspaceId, query.limit, query.cursor);
      return {
        status: 200,
        body: { data: await Promise.all(page.data.map((r) => view(deps, r))), nextCursor: page.next },
      };
    },
  }),
  defineRoute<ReplayRouteDeps, typeof Params>({
    method: 'GET',
    path: '/v1/replays/:replayId',
    operationId: 'getReplay',
    summary: 'Get a replay with its progress (deliveries enqueued, pending, delivered, failed)',
    tag: 'Replays',
    auth: 'apiKey',
    params: Params,
    responses: { 200: { description: 'Replay', schema: Replay } },
    async handle({ deps, workspaceId, params }) {
      const replay = await deps.replays.get(workspaceId, params.replayId);
      return replay ? { status: 200, body: await view(deps, replay) } : notFound();
    },
  }),
  defineRoute<ReplayRouteDeps, typeof Params>({
    method: 'POST',
    path: '/v1/replays/:replayId/cancel',
    operationId: 'cancelReplay',
    summary: 'Cancel a running replay; its deliveries still pending fail with `replay_cancelled`',
    tag: 'Replays',
    auth: 'apiKey',
    params: Params,
    responses: { 200: { description: 'The replay as it is now', schema: Replay } },
    async handle({ deps, workspaceId, params }) {
      const replay = await cancelReplay(deps, workspaceId, params.replayId);
      return replay ? { status: 200, body: await view(deps, replay) } : notFound();
    },
  }),
];
