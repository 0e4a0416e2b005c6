import type { DocumentReference, Firestore, Timestamp } from '@google-cloud/firestore';
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
  RecordResult,
  SlotGrant,
} from '../../webhooks/ports.js';
import { eventOf } from './event-documents.js';
import { expireAtFor } from './retention.js';

const DISABLED_REASON_TEXT: Record<EndpointDisableReason, string> = {
  gone: 'endpoint answered 410 Gone',
  failing_for_5_days: 'failing for 5 days',
};

// gRPC status codes Firestore answers with
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;

const slotKey = (endpointId: string, holder: string) => `${endpointId}/${holder}`;

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
 * `mailboxes/{mailboxId}/events/{id}`, `operatorEvents/{id}`, and `endpointSlots/{endpointId}/slots/{0..limit-1}`:
 * a slot is held while its document exists. Claiming one is a `create` (exactly one of racing creators
 * wins, without transactions contending on one hot document), releasing it a `delete` preconditioned on
 * the holder's own write, and a slot whose lease ran out is taken over with the same precondition.
 * Attempts are tasks named after delivery and attempt number — the names fan-out uses — so scheduling
 * twice enqueues once.
 */
export class FirestoreDeliveryStore implements DeliveryStore {
  /** Slots this process holds, so releasing one needs no query. */
  private readonly held = new Map<string, { ref: DocumentReference; writeTime: Timestamp }>();

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
    if (eventSnap.exists) event = eventOf(eventSnap.data()!);
    // the id is the document's, never a stored field: secrets open under the endpoint they were sealed for
    const endpoint = endpointSnap.exists
      ? { ...(endpointSnap.data() as WebhookEndpoint), id: endpointSnap.id }
      : undefined;
    return {
      delivery: {
        id: snap.id,
        workspaceId: d.workspaceId,
        endpointId: d.endpointId,
        eventId: d.eventId,
        state: d.state,
        attempts: d.attempts,
        ...(d.deferrals ? { deferrals: d.deferrals } : {}),
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

  async recordAttempt(record: AttemptRecord): Promise<RecordResult> {
    const ref = this.db.collection('deliveries').doc(record.deliveryId);
    const endpointRef = this.db.collection('webhookEndpoints').doc(record.endpointId);
    const { attempt, delivery: t } = record;
    return this.db.runTransaction(async (tx) => {
      const [snap, endpoint] = await tx.getAll(ref, endpointRef);
      if (!snap?.exists || snap.get('state') !== 'pending' || snap.get('attempts') !== attempt.attempt - 1)
        return 'stale';
      if (
        record.expectFailingSince !== undefined &&
        endpoint?.exists &&
        (endpoint.get('failingSince') ?? null) !== record.expectFailingSince
      )
        return 'endpoint_changed';
      // an attempt lives as long as its delivery (Firestore TTL does not reach subcollections)
      const expireAt = snap.get('expireAt') ?? expireAtFor(attempt.at);
      tx.set(ref.collection('attempts').doc(String(attempt.attempt)), { ...attempt, expireAt });
      tx.update(ref, {
        attempts: attempt.attempt,
        state: t.state,
        nextAttemptAt: t.state === 'pending' ? t.nextAttemptAt : null,
        lastStatus: attempt.status,
        failureReason: t.state === 'failed' ? t.reason : null,
        deferrals: 0,
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
            { ...ev, expireAt: expireAtFor(ev.at) },
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

  async deferAttempt(
    deliveryId: string,
    attempt: number,
    deferral: number,
    at: number,
  ): Promise<'deferred' | 'stale'> {
    const ref = this.db.collection('deliveries').doc(deliveryId);
    const moved = await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || snap.get('state') !== 'pending' || snap.get('attempts') !== attempt - 1)
        return false;
      if ((snap.get('deferrals') ?? 0) !== deferral - 1) return false;
      tx.update(ref, { nextAttemptAt: at, deferrals: deferral });
      return true;
    });
    if (!moved) return 'stale';
    await this.deps.tasks.enqueue({
      name: taskName(deliveryId, String(attempt), 'w', String(deferral)),
      url: this.deps.deliverUrl,
      body: { deliveryId, attempt },
      scheduleAt: at,
    });
    return 'deferred';
  }

  async acquireSlot(
    endpointId: string,
    holder: string,
    options: { limit: number; now: number; leaseMs: number },
  ): Promise<SlotGrant> {
    const slots = this.slots(endpointId);
    const lease = { holder, expiresAt: options.now + options.leaseMs };
    const own = await slots.where('holder', '==', holder).limit(1).get();
    if (!own.empty) {
      const write = await own.docs[0]!.ref.set(lease);
      this.held.set(slotKey(endpointId, holder), { ref: own.docs[0]!.ref, writeTime: write.writeTime });
      return { acquired: true };
    }
    // a free slot is one that does not exist: claiming it is a single create, no read and no lock
    const start = Math.floor(Math.random() * options.limit);
    for (let k = 0; k < options.limit; k += 1) {
      const ref = slots.doc(String((start + k) % options.limit));
      try {
        const write = await ref.create(lease);
        this.held.set(slotKey(endpointId, holder), { ref, writeTime: write.writeTime });
        return { acquired: true };
      } catch (error) {
        if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
      }
    }
    // every slot is taken: take over one whose holder's lease ran out, if any
    const taken = await slots.get();
    for (const slot of taken.docs) {
      if (Number(slot.id) >= options.limit) continue;
      if ((slot.get('expiresAt') as number) > options.now) continue;
      try {
        // the precondition makes two takers of one expired slot race: one wins
        const write = await slot.ref.update(lease, { lastUpdateTime: slot.updateTime });
        this.held.set(slotKey(endpointId, holder), { ref: slot.ref, writeTime: write.writeTime });
        return { acquired: true };
      } catch (error) {
        if ((error as { code?: number }).code !== FAILED_PRECONDITION) throw error;
      }
    }
    return { acquired: false };
  }

  async releaseSlot(endpointId: string, holder: string): Promise<void> {
    const key = slotKey(endpointId, holder);
    const mine = this.held.get(key);
    this.held.delete(key);
    const refs = mine
      ? [{ ref: mine.ref, updateTime: mine.writeTime }]
      : (await this.slots(endpointId).where('holder', '==', holder).get()).docs.map((d) => ({
          ref: d.ref,
          updateTime: d.updateTime,
        }));
    for (const { ref, updateTime } of refs) {
      try {
        // only if still ours: an expired slot someone else took over is theirs now
        await ref.delete({ lastUpdateTime: updateTime });
      } catch (error) {
        const code = (error as { code?: number }).code;
        if (code !== FAILED_PRECONDITION && code !== NOT_FOUND) throw error;
      }
    }
  }

  private slots(endpointId: string) {
    return this.db.collection('endpointSlots').doc(endpointId).collection('slots');
  }
}
