import * as v from 'valibot';
import type { Clock } from '../../core/clock.js';
import { NonRetryableError } from '../../core/errors.js';
import type { Ids } from '../../core/ids.js';
import type { MailboxChecks } from '../check-mailboxes.js';
import type { WebhookStore } from '../ports.js';
import { type DispatchDeps, dispatchReplay } from './dispatch-replays.js';
import type { Replay, ReplaySelector } from './model.js';

const DAY = 24 * 60 * 60 * 1000;
/** The longest window one replay may cover. */
export const MAX_REPLAY_WINDOW_MS = 31 * DAY;
const Timestamp = v.pipe(
  v.string(),
  v.isoTimestamp('must be an ISO 8601 timestamp'),
  v.transform((s) => Date.parse(s)),
);
const EventId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/));

const ResourceId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/));

/**
 * Body of `POST /v1/replays`: an endpoint and a window (`from`, `to`) or `eventIds`, never both; a window may
 * be limited to one `mailboxId`. The seed API's names are taken too: `webhookEndpointId` for `endpointId`,
 * `startTime` and `endTime` for `from` and `to` (one name of each pair at a time).
 */
export const CreateReplayInput = v.pipe(
  v.strictObject({
    endpointId: v.optional(ResourceId),
    webhookEndpointId: v.optional(ResourceId),
    mailboxId: v.optional(ResourceId),
    from: v.optional(Timestamp),
    to: v.optional(Timestamp),
    startTime: v.optional(Timestamp),
    endTime: v.optional(Timestamp),
    eventIds: v.optional(v.pipe(v.array(EventId), v.minLength(1), v.maxLength(1000))),
  }),
  v.check(
    (b) => (b.endpointId === undefined) !== (b.webhookEndpointId === undefined),
    'give the endpoint as `endpointId` (or `webhookEndpointId`), once',
  ),
  v.check(
    (b) =>
      !(b.from !== undefined && b.startTime !== undefined) &&
      !(b.to !== undefined && b.endTime !== undefined),
    'give the window as `from`/`to` or as `startTime`/`endTime`, not both',
  ),
  v.transform(({ webhookEndpointId, startTime, endTime, ...b }) => {
    const from = b.from ?? startTime;
    const to = b.to ?? endTime;
    return {
      ...b,
      endpointId: (b.endpointId ?? webhookEndpointId)!,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    };
  }),
  v.check(
    (b) =>
      b.eventIds !== undefined
        ? b.from === undefined && b.to === undefined && b.mailboxId === undefined
        : b.from !== undefined && b.to !== undefined,
    'give either a window (`from` and `to`, optionally `mailboxId`), or `eventIds`',
  ),
);

/** What creating a replay needs. */
export interface CreateReplayDeps extends DispatchDeps {
  webhooks: Pick<WebhookStore, 'getEndpoint'>;
  reads: MailboxChecks;
  clock: Clock;
  ids: Ids;
}

/** A created replay, or the running one it overlaps. */
export type CreateReplayResult = { created: Replay } | { conflictWith: string };

/**
 * Creates a replay to one of the workspace's endpoints and dispatches its first batch at once. Refuses
 * (`NonRetryableError`, nothing written) an unknown or disabled endpoint, a window that is empty, in the
 * future or longer than 31 days, and event ids that are not the workspace's. A replay overlapping a
 * running one to the same endpoint is not created: its id comes back as `conflictWith`.
 */
export async function createReplay(
  deps: CreateReplayDeps,
  workspaceId: string,
  input: v.InferOutput<typeof CreateReplayInput>,
): Promise<CreateReplayResult> {
  const endpoint = await deps.webhooks.getEndpoint(workspaceId, input.endpointId);
  if (!endpoint)
    throw new NonRetryableError(
      `No such webhook endpoint in this workspace: ${input.endpointId}`,
      'unknown_endpoint',
    );
  if (endpoint.status !== 'enabled')
    throw new NonRetryableError(
      'The endpoint is disabled; enable it before replaying to it',
      'endpoint_disabled',
    );
  const now = deps.clock.now();
  let selector: ReplaySelector;
  if (input.eventIds) {
    const ids = [...new Set(input.eventIds)];
    const found = await deps.replays.findEvents(workspaceId, ids);
    const known = new Set(found.map((e) => e.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new NonRetryableError(
        `No such event in this workspace: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}`,
        'unknown_event',
      );
    const order = new Map(ids.map((id, i) => [id, i]));
    selector = { kind: 'events', events: found.sort((a, b) => order.get(a.id)! - order.get(b.id)!) };
  } else {
    const from = input.from!;
    const to = input.to!;
    if (from >= to) throw new NonRetryableError('`from` must be before `to`', 'invalid_window');
    if (to > now) throw new NonRetryableError('`to` must not be in the future', 'invalid_window');
    if (to - from > MAX_REPLAY_WINDOW_MS)
      throw new NonRetryableError('A replay covers at most 31 days; split it', 'invalid_window');
    if (input.mailboxId && (await deps.reads.unknownMailboxes(workspaceId, [input.mailboxId])).length > 0)
      throw new NonRetryableError(`No such mailbox in this workspace: ${input.mailboxId}`, 'unknown_mailbox');
    selector = { kind: 'window', from, to, ...(input.mailboxId ? { mailboxId: input.mailboxId } : {}) };
  }
  const replay: Replay = {
    id: deps.ids.random('rpl'),
    workspaceId,
    endpointId: endpoint.id,
    selector,
    state: 'running',
    cursor: null,
    enqueued: 0,
    createdAt: now,
    updatedAt: now,
    dispatchedAt: null,
    completedAt: null,
    cancelledAt: null,
  };
  const stored = await deps.replays.create(replay);
  if (!stored.created) return { conflictWith: stored.conflictWith };
  await dispatchReplay(deps, replay);
  return { created: (await deps.replays.get(workspaceId, replay.id)) ?? replay };
}
