import * as v from 'valibot';
import type { Clock } from '../../../shared/core/clock.js';
import type { Ids } from '../../../shared/core/ids.js';
import { problem } from '../../../shared/runtime/problem.js';
import type { TaskQueue } from '../../../shared/tasks/task-queue.js';
import type { MailboxChecks } from '../../../shared/webhooks/check-mailboxes.js';
import type { WebhookStore } from '../../../shared/webhooks/ports.js';
import { cancelReplay } from '../../../shared/webhooks/replays/cancel-replay.js';
import { CreateReplayInput, createReplay } from '../../../shared/webhooks/replays/create-replay.js';
import { publicReplay, type Replay as ReplayModel } from '../../../shared/webhooks/replays/model.js';
import type { ReplayStore } from '../../../shared/webhooks/replays/ports.js';
import type { SubscriptionStore } from '../../../shared/webhooks/subscriptions/ports.js';
import { defineRoute } from '../http/route.js';
import { Cursor, Id, notFound, PageLimit } from '../http/schemas.js';
import { Count, IsoTime, iso, listBody, listOf, NullableIsoTime } from '../http/views.js';

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
  reads: MailboxChecks;
}

const Params = v.object({ replayId: Id });
const ListQuery = v.strictObject({
  limit: PageLimit(100, 20),
  cursor: v.optional(Cursor),
});
const Replay = v.pipe(
  v.object({
    id: v.string(),
    object: v.literal('replay'),
    workspaceId: v.string(),
    status: v.pipe(
      v.picklist(['queued', 'running', 'completed', 'failed', 'cancelled']),
      v.description('queued until its first delivery exists; running until every one has settled'),
    ),
    mailboxId: v.pipe(
      v.nullable(v.string()),
      v.description('the one mailbox a window replay covers; null for all'),
    ),
    webhookEndpointId: v.string(),
    endpointId: v.string(),
    startTime: NullableIsoTime,
    endTime: NullableIsoTime,
    from: NullableIsoTime,
    to: NullableIsoTime,
    eventIds: v.nullable(v.array(v.string())),
    eventsReplayed: v.nullable(Count),
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
    lastError: v.nullable(v.string()),
    createdAt: IsoTime,
    startedAt: NullableIsoTime,
    updatedAt: IsoTime,
    dispatchedAt: v.pipe(
      NullableIsoTime,
      v.description(
        'When every selected event had its delivery; the replay completes once they have settled',
      ),
    ),
    completedAt: NullableIsoTime,
    cancelledAt: NullableIsoTime,
  }),
  v.title('Replay'),
);
const replayNotFound = () => notFound('replay');

async function view(deps: ReplayRouteDeps, replay: ReplayModel): Promise<v.InferOutput<typeof Replay>> {
  const shown = publicReplay(replay, await deps.replays.progress(replay.id));
  const { failed } = shown.progress;
  return {
    ...shown,
    object: 'replay',
    status:
      shown.state === 'cancelled'
        ? 'cancelled'
        : shown.state === 'completed'
          ? 'completed'
          : shown.enqueued === 0
            ? 'queued'
            : 'running',
    webhookEndpointId: shown.endpointId,
    startTime: shown.from,
    endTime: shown.to,
    eventsReplayed: shown.enqueued,
    lastError:
      failed > 0 ? `${failed} of its deliveries failed; see GET /v1/deliveries?replayId=${shown.id}` : null,
    createdAt: iso(shown.createdAt),
    // dispatch starts as the replay is created
    startedAt: iso(shown.createdAt),
    updatedAt: iso(shown.updatedAt),
    dispatchedAt: iso(shown.dispatchedAt),
    completedAt: iso(shown.completedAt),
    cancelledAt: iso(shown.cancelledAt),
  };
}

export const replayRoutes = [
  defineRoute<ReplayRouteDeps, undefined, undefined, typeof CreateReplayInput>({
    method: 'POST',
    path: '/v1/replays',
    operationId: 'createReplay',
    summary:
      'Re-send past events to one endpoint, by time window (`from`, `to`, optionally of one `mailboxId`) or `eventIds`, with their original `webhook-id`; a replay overlapping a running one to the same endpoint is refused',
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
        schema: listOf(Replay),
      },
    },
    async handle({ deps, workspaceId, query }) {
      const page = await deps.replays.list(workspaceId, query.limit, query.cursor);
      return {
        status: 200,
        body: listBody(await Promise.all(page.data.map((r) => view(deps, r))), page.next),
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
      return replay ? { status: 200, body: await view(deps, replay) } : replayNotFound();
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
      return replay ? { status: 200, body: await view(deps, replay) } : replayNotFound();
    },
  }),
];
