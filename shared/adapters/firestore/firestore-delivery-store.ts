import type { Firestore } from '@google-cloud/firestore';
import { deterministicId } from '../../core/ids.js';
import type { MailmonEvent } from '../../events/event.js';
import type { CredentialBox } from '../../secrets/credentials.js';
import { type TaskQueue, taskName } from '../../tasks/task-queue.js';
import { openActiveSecrets } from '../../webhooks/endpoint-secrets.js';
import type { WebhookEndpoint } from '../../webhooks/model.js';
import type {
  AttemptRecord,
  DeliveryStore,
  EndpointDisableReason,
  LoadedDelivery,
  SlotGrant,
} from '../../webhooks/ports.js';

// operator events are kept as long as deliveries (Firestore TTL on expireAt)
const OPERATOR_EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

const DISABLED_REASON_TEXT: Record<EndpointDisableReason, string> = {
  gone: 'endpoint answered 410 Gone',
  failing_for_5_days: 'failing for 5 days',
};

/** What {@link FirestoreDeliveryStore} is built from. */
export interface FirestoreDeliveryStoreDeps {
  db: Firestore;
  tasks: TaskQueue;
  box: Pick<CredentialBox, 'openSecret'>;
  /** The `deliverWebhook` URL attempt tasks call. */
  deliverUrl: string;
}

/**
 * {@link DeliveryStore} on Firestore: `deliveries/{id}` with `attempts/{n}`, `webhookEndpoints/{id}`, events at
 * `mailboxes/{mailboxId}/events/{id}`, `operatorEvents/{id}`, and `endpointSlots/{endpointId}` (a map of
 * holder → lease expiry, changed only in transactions, so concurrent acquirers never exceed the limit).
 * Attempts are tasks named after delivery and attempt number — the names fan-out uses — so scheduling
 * twice enqueues once.
 */
export class FirestoreDeliveryStore implements DeliveryStore {
  constructor(private readonly deps: FirestoreDeliveryStoreDeps) {}

  private get db() {
    return this.deps.db;
  }

  async load(deliveryId: string, now: number): Promise<LoadedDelivery | undefined> {
    const snap = await this.db.collection('deliveries').doc(deliveryId).get();
    if (!snap.exists) return undefined;
    const d = snap.data()!;
    const [eventSnap, endpointSnap] = await Promise.all([
      this.db.collection('mailboxes').doc(d.mailboxId).collection('events').doc(d.eventId).get(),
      this.db.collection('webhookEndpoints').doc(d.endpointId).get(),
    ]);
    let event: MailmonEvent | undefined;
    if (eventSnap.exists) {
      const { fanout: _f, deliveries: _d, ...rest } = eventSnap.data()!;
      event = rest as MailmonEvent;
    }
    const endpoint = endpointSnap.exists ? (endpointSnap.data() as WebhookEndpoint) : undefined;
    return {
      delivery: {
        id: snap.id,
        workspaceId: d.workspaceId,
        endpointId: d.endpointId,
        eventId: d.eventId,
        state: d.state,
        attempts: d.attempts,
      },
      event,
      endpoint: endpoint && {
        id: endpoint.id,
        workspaceId: endpoint.workspaceId,
        url: endpoint.url,
        status: endpoint.status,
        failingSince: endpoint.failingSince ?? null,
        secrets: await openActiveSecrets(this.deps.box, endpoint, now),
      },
    };
  }

  async recordAttempt(record: AttemptRecord): Promise<'recorded' | 'stale'> {
    const ref = this.db.collection('deliveries').doc(record.deliveryId);
    const endpointRef = this.db.collection('webhookEndpoints').doc(record.endpointId);
    const { attempt, delivery: t } = record;
    return this.db.runTransaction(async (tx) => {
      const [snap, endpoint] = await tx.getAll(ref, endpointRef);
      if (!snap?.exists || snap.get('state') !== 'pending' || snap.get('attempts') !== attempt.attempt - 1)
        return 'stale';
      tx.set(ref.collection('attempts').doc(String(attempt.attempt)), attempt);
      tx.update(ref, {
        attempts: attempt.attempt,
        state: t.state,
        nextAttemptAt: t.state === 'pending' ? t.nextAttemptAt : null,
        lastStatus: attempt.status,
        failureReason: t.state === 'failed' ? t.reason : null,
        updatedAt: attempt.at,
      });
      const change = record.endpoint;
      if (!change || !endpoint?.exists) return 'recorded';
      if (change.kind === 'healthy') tx.update(endpointRef, { failingSince: null, updatedAt: attempt.at });
      // an earlier start of the failure streak stays: it is what the 5-day rule measures from
      if (change.kind === 'failing' && endpoint.get('failingSince') == null)
        tx.update(endpointRef, { failingSince: change.since, updatedAt: attempt.at });
      if (change.kind === 'disabled' && endpoint.get('status') === 'enabled') {
        tx.update(endpointRef, {
          status: 'disabled',
          disabledReason: DISABLED_REASON_TEXT[change.reason],
          updatedAt: attempt.at,
        });
        const ev = record.operatorEvent;
        if (ev)
          tx.set(
            this.db
              .collection('operatorEvents')
              .doc(deterministicId('opev', ev.endpointId, ev.type, ev.deliveryId, String(ev.attempt))),
            { ...ev, expireAt: new Date(ev.at + OPERATOR_EVENT_RETENTION_MS) },
          );
      }
      return 'recorded';
    });
  }

  async scheduleAttempt(deliveryId: string, attempt: number, at: number): Promise<void> {
    await this.deps.tasks.enqueue({
      name: taskName(deliveryId, String(attempt)),
      url: this.deps.deliverUrl,
      body: { deliveryId, attempt },
      scheduleAt: at,
    });
  }

  async acquireSlot(
    endpointId: string,
    holder: string,
    options: { limit: number; now: number; leaseMs: number },
  ): Promise<SlotGrant> {
    const ref = this.db.collection('endpointSlots').doc(endpointId);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const held = Object.entries((snap.get('holders') as Record<string, number> | undefined) ?? {}).filter(
        ([, expiresAt]) => expiresAt > options.now,
      );
      const live = new Map(held);
      if (!live.has(holder) && live.size >= options.limit) {
        const soonest = Math.min(...live.values());
        return { acquired: false, retryAfterMs: Math.max(1, soonest - options.now) };
      }
      live.set(holder, options.now + options.leaseMs);
      tx.set(ref, { holders: Object.fromEntries(live) });
      return { acquired: true };
    });
  }

  async releaseSlot(endpointId: string, holder: string): Promise<void> {
    const ref = this.db.collection('endpointSlots').doc(endpointId);
    await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const holders = { ...((snap.get('holders') as Record<string, number> | undefined) ?? {}) };
      if (!(holder in holders)) return;
      delete holders[holder];
      tx.set(ref, { holders });
    });
  }
}
