import type { CredentialBox } from '../secrets/credentials.js';
import { type TaskQueue, taskName } from '../tasks/task-queue.js';
import { openActiveSecrets } from './endpoint-secrets.js';
import type { Delivery, WebhookEndpoint } from './model.js';
import type { AttemptRecord, DeliveryStore, EndpointTransition, WebhookStore } from './ports.js';

/** What {@link deliveryStoreOverWebhookStore} is built from. */
export interface WebhookStoreDeliveryDeps {
  webhooks: WebhookStore;
  tasks: TaskQueue;
  box: Pick<CredentialBox, 'openSecret'>;
  /** The `deliverWebhook` URL that attempt tasks call. */
  deliverUrl: string;
}

const DISABLED_REASON_TEXT = {
  gone: 'endpoint answered 410 Gone',
  failing_for_5_days: 'failing for 5 days',
} as const;

function endpointFields(t: EndpointTransition, at: number): Partial<WebhookEndpoint> {
  switch (t.kind) {
    case 'healthy':
      return { failingSince: null, updatedAt: at };
    case 'failing':
      return { failingSince: t.since, updatedAt: at };
    case 'disabled':
      return { status: 'disabled', disabledReason: DISABLED_REASON_TEXT[t.reason], updatedAt: at };
  }
}

/**
 * A {@link DeliveryStore} made of a {@link WebhookStore} (attempts fenced by its compare-and-set
 * `recordAttempt`), a {@link TaskQueue} (an attempt is a task named after delivery and attempt number, the
 * names `fanOutEvents` uses, so scheduling twice enqueues once) and a `CredentialBox` that opens the
 * endpoint's active secrets. What it does not give: concurrency slots (every request is granted), a
 * `failing` transition that keeps an earlier start, and a stored `endpoint.disabled` operator event — the
 * disable itself is kept on the endpoint (`status`, `disabledReason`).
 */
export function deliveryStoreOverWebhookStore(deps: WebhookStoreDeliveryDeps): DeliveryStore {
  return {
    async load(deliveryId, now) {
      const found = await deps.webhooks.getDelivery(deliveryId);
      if (!found) return undefined;
      const { delivery, event, endpoint } = found;
      return {
        delivery: {
          id: delivery.id,
          workspaceId: delivery.workspaceId,
          endpointId: delivery.endpointId,
          eventId: delivery.eventId,
          state: delivery.state,
          attempts: delivery.attempts,
        },
        event,
        endpoint: endpoint && {
          id: endpoint.id,
          workspaceId: endpoint.workspaceId,
          url: endpoint.url,
          status: endpoint.status,
          failingSince: endpoint.failingSince,
          secrets: await openActiveSecrets(deps.box, endpoint, now),
        },
      };
    },

    async recordAttempt(record: AttemptRecord) {
      const { attempt, delivery } = record;
      const fields: Partial<Delivery> = {
        attempts: attempt.attempt,
        state: delivery.state,
        nextAttemptAt: delivery.state === 'pending' ? delivery.nextAttemptAt : null,
        lastStatus: attempt.status,
        failureReason: delivery.state === 'failed' ? delivery.reason : null,
        updatedAt: attempt.at,
      };
      const recorded = await deps.webhooks.recordAttempt(
        record.deliveryId,
        attempt.attempt - 1,
        attempt,
        fields,
        record.endpoint ? endpointFields(record.endpoint, attempt.at) : undefined,
      );
      return recorded ? 'recorded' : 'stale';
    },

    async scheduleAttempt(deliveryId, attempt, at) {
      await deps.tasks.enqueue({
        name: taskName(deliveryId, String(attempt)),
        url: deps.deliverUrl,
        body: { deliveryId, attempt },
        scheduleAt: at,
      });
    },

    async acquireSlot() {
      return { acquired: true };
    },

    async releaseSlot() {},
  };
}
