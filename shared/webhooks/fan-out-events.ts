import type { Clock } from '../core/clock.js';
import { deterministicId } from '../core/ids.js';
import type { TaskQueue } from '../tasks/task-queue.js';
import { taskName } from '../tasks/task-queue.js';
import { type Delivery, subscribes } from './model.js';
import type { WebhookStore } from './ports.js';

/**
 * Turns pending events (the outbox the sync commits) into deliveries: one per subscribed endpoint, with
 * a deterministic id, created in the same transaction that marks the event fanned out — then enqueues the
 * first attempt of each. A crash between the two leaves deliveries whose first attempt is overdue;
 * {@link recoverDeliveries} re-enqueues them under the same task name.
 */
export async function fanOutEvents(
  deps: { webhooks: WebhookStore; tasks: TaskQueue; clock: Clock; deliverUrl: string },
  options: { mailboxId?: string; limit?: number } = {},
): Promise<{ events: number; deliveries: number }> {
  const events = await deps.webhooks.pendingEvents(options.limit ?? 200, options.mailboxId);
  const endpointsByWorkspace = new Map<string, Awaited<ReturnType<WebhookStore['listEndpoints']>>>();
  let deliveries = 0;
  for (const event of events) {
    let endpoints = endpointsByWorkspace.get(event.workspaceId);
    if (!endpoints) {
      endpoints = await deps.webhooks.listEndpoints(event.workspaceId);
      endpointsByWorkspace.set(event.workspaceId, endpoints);
    }
    const now = deps.clock.now();
    const planned: Delivery[] = endpoints
      .filter((e) => subscribes(e, event))
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
    if (!(await deps.webhooks.commitFanOut(event, planned))) continue;
    for (const d of planned) {
      await deps.tasks.enqueue({
        name: taskName(d.id, '1'),
        url: deps.deliverUrl,
        body: { deliveryId: d.id, attempt: 1 },
      });
      deliveries += 1;
    }
  }
  return { events: events.length, deliveries };
}

/** Re-enqueues attempts whose task never ran (lost between commit and enqueue); task names dedupe. */
export async function recoverDeliveries(
  deps: { webhooks: WebhookStore; tasks: TaskQueue; clock: Clock; deliverUrl: string },
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
