import type { Clock } from '../core/clock.js';
import { deterministicId } from '../core/ids.js';
import { runPooled } from '../core/run-pooled.js';
import type { TaskQueue } from '../tasks/task-queue.js';
import { taskName } from '../tasks/task-queue.js';
import type { Delivery } from './model.js';
import type { WebhookStore } from './ports.js';
import { endpointTakes, type Subscription } from './subscriptions/model.js';
import type { SubscriptionStore } from './subscriptions/ports.js';

const FAN_OUT_WIDTH = 8;

/** What fan-out reads and writes. */
export interface FanOutDeps {
  webhooks: WebhookStore;
  subscriptions: Pick<SubscriptionStore, 'list'>;
  tasks: TaskQueue;
  clock: Clock;
  deliverUrl: string;
}

/**
 * Turns pending events (the outbox the sync commits) into deliveries: one per endpoint that takes the event
 * (see `endpointTakes`: its subscriptions, or its own filter while it has none), with
 * a deterministic id, created in the same transaction that marks the event fanned out — then enqueues the
 * first attempt of each. A crash between the two leaves deliveries whose first attempt is overdue;
 * {@link recoverDeliveries} re-enqueues them under the same task name. Events of a mailbox being deleted
 * are marked fanned out with no deliveries.
 */
export async function fanOutEvents(
  deps: FanOutDeps,
  options: { mailboxId?: string; limit?: number } = {},
): Promise<{ events: number; deliveries: number }> {
  const events = await deps.webhooks.pendingEvents(options.limit ?? 200, options.mailboxId);
  const closed = await deps.webhooks.closedMailboxes([...new Set(events.map((e) => e.mailboxId))]);
  const open = events.filter((e) => !closed.has(e.mailboxId));
  const routing = new Map<
    string,
    { endpoints: Awaited<ReturnType<WebhookStore['listEndpoints']>>; subscriptions: Subscription[] }
  >();
  for (const workspaceId of new Set(open.map((e) => e.workspaceId))) {
    const [endpoints, subscriptions] = await Promise.all([
      deps.webhooks.listEndpoints(workspaceId),
      deps.subscriptions.list(workspaceId),
    ]);
    routing.set(workspaceId, { endpoints, subscriptions });
  }
  let deliveries = 0;
  // events commit independently (one transaction each), so several are in flight at once
  await runPooled(events, FAN_OUT_WIDTH, async (event) => {
    // a mailbox being deleted sends nothing more: its events are closed with no deliveries (and purged soon)
    if (closed.has(event.mailboxId)) {
      await deps.webhooks.commitFanOut(event, []);
      return;
    }
    const { endpoints, subscriptions } = routing.get(event.workspaceId)!;
    const now = deps.clock.now();
    const planned: Delivery[] = endpoints
      .filter((e) => endpointTakes(e, subscriptions, event))
      .map((e) => ({
        id: deterministicId('dlv', event.id, e.id),
        workspaceId: event.workspaceId,
        endpointId: e.id,
        mailboxId: event.mailboxId,
        eventId: event.id,
        eventType: event.type,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lastStatus: null,
        createdAt: now,
        updatedAt: now,
      }));
    if (!(await deps.webhooks.commitFanOut(event, planned))) return;
    await Promise.all(
      planned.map((d) =>
        deps.tasks.enqueue({
          name: taskName(d.id, '1'),
          url: deps.deliverUrl,
          body: { deliveryId: d.id, attempt: 1 },
        }),
      ),
    );
    deliveries += planned.length;
  });
  return { events: events.length, deliveries };
}

/**
 * Fans out batch after batch (of `batch` events) until no event is pending or `budgetMs` has passed since
 * it began; `drained` says which. An initial sync commits one event per message, far more than one batch.
 */
export async function fanOutBacklog(
  deps: FanOutDeps,
  options: { mailboxId?: string; batch?: number; budgetMs: number },
): Promise<{ events: number; deliveries: number; drained: boolean }> {
  const batch = options.batch ?? 500;
  const started = deps.clock.now();
  let events = 0;
  let deliveries = 0;
  for (;;) {
    const round = await fanOutEvents(deps, {
      limit: batch,
      ...(options.mailboxId === undefined ? {} : { mailboxId: options.mailboxId }),
    });
    events += round.events;
    deliveries += round.deliveries;
    if (round.events < batch) return { events, deliveries, drained: true };
    if (deps.clock.now() - started >= options.budgetMs) return { events, deliveries, drained: false };
  }
}

/** Re-enqueues attempts whose task never ran (lost between commit and enqueue); task names dedupe. */
export async function recoverDeliveries(
  deps: Omit<FanOutDeps, 'subscriptions'>,
  graceMs = 60_000,
): Promise<number> {
  const overdue = await deps.webhooks.overdueDeliveries(deps.clock.now() - graceMs, 200);
  for (const d of overdue) {
    const attempt = d.attempts + 1;
    await deps.tasks.enqueue({
      name: taskName(d.id, String(attempt), 'r', String(d.nextAttemptAt)),
      url: deps.deliverUrl,
      body: { deliveryId: d.id, attempt },
    });
  }
  return overdue.length;
}
