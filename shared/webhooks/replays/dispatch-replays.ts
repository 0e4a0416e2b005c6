import type { Clock } from '../../core/clock.js';
import { deterministicId } from '../../core/ids.js';
import type { MailmonEvent } from '../../events/event.js';
import { type TaskQueue, taskName } from '../../tasks/task-queue.js';
import type { Delivery } from '../model.js';
import type { WebhookStore } from '../ports.js';
import { endpointTakes } from '../subscriptions/model.js';
import type { SubscriptionStore } from '../subscriptions/ports.js';
import type { Replay } from './model.js';
import type { ReplayStore } from './ports.js';

/** What dispatching replays needs. */
export interface DispatchDeps {
  replays: ReplayStore;
  webhooks: Pick<WebhookStore, 'getEndpoint'>;
  subscriptions: Pick<SubscriptionStore, 'list'>;
  tasks: TaskQueue;
  clock: Clock;
  deliverUrl: string;
  /** Events read per batch. */
  batch?: number;
}

/** The id of a replay's delivery of an event: one per (replay, event), whatever happens. */
export function replayDeliveryId(replayId: string, eventId: string): string {
  return deterministicId('dlv', 'replay', replayId, eventId);
}

/**
 * Dispatches one batch of a running replay: reads the next events of its selector (for a window, only those
 * the endpoint's subscriptions or filter take now, whether or not it is enabled), creates their deliveries
 * — with the event's id as `webhook-id`, like the original — and moves the cursor in one fenced commit, then enqueues their first attempts. A crash after the commit
 * leaves deliveries whose first attempt `recover_webhook_deliveries` enqueues; a repeated or concurrent
 * dispatch of the same batch creates nothing twice. Answers how many deliveries it created.
 */
export async function dispatchReplay(deps: DispatchDeps, replay: Replay): Promise<number> {
  if (replay.state !== 'running' || replay.dispatchedAt !== null) return 0;
  const batch = deps.batch ?? 200;
  const now = deps.clock.now();
  const endpoint = await deps.webhooks.getEndpoint(replay.workspaceId, replay.endpointId);
  let events: MailmonEvent[];
  let next: Replay['cursor'];
  let done: boolean;
  if (replay.selector.kind === 'window') {
    const page = await deps.replays.eventsInWindow(replay.workspaceId, replay.selector, replay.cursor, batch);
    const subscriptions = endpoint ? await deps.subscriptions.list(replay.workspaceId) : [];
    // routing decides what the window holds; a disabled endpoint still gets the deliveries, which then fail
    // visibly (endpoint_disabled) instead of the events dropping out of the replay unseen
    const routable = endpoint && { ...endpoint, status: 'enabled' as const };
    events = routable ? page.events.filter((e) => endpointTakes(routable, subscriptions, e)) : [];
    next = page.last ?? replay.cursor;
    done = page.events.length < batch;
  } else {
    const start = replay.cursor && 'index' in replay.cursor ? replay.cursor.index : 0;
    const refs = replay.selector.events.slice(start, start + batch);
    events = (await deps.replays.readEvents(refs)).filter((e): e is MailmonEvent => e !== undefined);
    next = { index: start + refs.length };
    done = start + refs.length >= replay.selector.events.length;
  }
  // an endpoint deleted meanwhile ends the replay without sending anything more
  if (!endpoint) {
    events = [];
    done = true;
  }
  const deliveries: Delivery[] = events.map((event) => ({
    id: replayDeliveryId(replay.id, event.id),
    workspaceId: replay.workspaceId,
    endpointId: replay.endpointId,
    mailboxId: event.mailboxId,
    eventId: event.id,
    eventType: event.type,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    lastStatus: null,
    replayId: replay.id,
    createdAt: now,
    updatedAt: now,
  }));
  const created = await deps.replays.commitBatch(replay.id, replay.cursor, deliveries, {
    cursor: next,
    done,
    now,
  });
  for (const d of created ?? [])
    await deps.tasks.enqueue({
      name: taskName(d.id, '1'),
      url: deps.deliverUrl,
      body: { deliveryId: d.id, attempt: 1 },
    });
  return created?.length ?? 0;
}

/**
 * The `dispatch_replays` job: up to `batchesPerReplay` batches of each replay still dispatching (oldest
 * first), then completes the replays dispatched in full whose deliveries have all settled, which frees their
 * endpoints for overlapping replays.
 */
export async function dispatchReplays(
  deps: DispatchDeps,
  options: { limit?: number; batchesPerReplay?: number; completionChecks?: number } = {},
): Promise<{ examined: number; deliveries: number; completed: number; failed: number }> {
  const limit = options.limit ?? 20;
  const dispatching = await deps.replays.dispatching(limit);
  let deliveries = 0;
  let completed = 0;
  let failed = 0;
  for (const first of dispatching) {
    try {
      let replay: Replay | undefined = first;
      for (
        let n = 0;
        replay?.state === 'running' && replay.dispatchedAt === null && n < (options.batchesPerReplay ?? 10);
        n += 1
      ) {
        deliveries += await dispatchReplay(deps, replay);
        replay = await deps.replays.get(replay.workspaceId, replay.id);
      }
    } catch {
      failed += 1;
    }
  }
  // a check is one small query, so many replays waiting on slow endpoints do not hold up the others for long
  const delivering = await deps.replays.delivering(options.completionChecks ?? 200);
  for (const replay of delivering) {
    try {
      // no delivery of a dispatched replay becomes pending again, so none pending now means none ever
      if (await deps.replays.hasPending(replay.id)) continue;
      if (await deps.replays.complete(replay.id, deps.clock.now())) completed += 1;
    } catch {
      failed += 1;
    }
  }
  return { examined: dispatching.length + delivering.length, deliveries, completed, failed };
}
