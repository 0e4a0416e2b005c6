import type { MailmonEvent } from '../../events/event.js';
import type { DeliveryAttempt } from '../model.js';
import type {
  AttemptRecord,
  DeliveryState,
  DeliveryStore,
  EndpointForDelivery,
  LoadedDelivery,
  OperatorEvent,
  RecordResult,
  SlotGrant,
} from '../ports.js';

/** An endpoint as the fake stores it: secrets in plaintext with their expiry. */
export interface StoredEndpoint extends Omit<EndpointForDelivery, 'secrets'> {
  secrets: { secret: string; expiresAt: number | null }[];
  disabledReason: string | null;
}

/** A delivery as the fake stores it. */
export interface StoredDelivery extends DeliveryState {
  nextAttemptAt: number | null;
  failureReason: string | null;
}

/** What a test seeds: an endpoint, optionally an event, and a delivery of that event to that endpoint. */
export interface DeliveryFixture {
  endpoint?: StoredEndpoint;
  event?: MailmonEvent;
  delivery: DeliveryState;
}

/** A scheduled attempt. */
export interface ScheduledAttempt {
  deliveryId: string;
  attempt: number;
  at: number;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * An in-memory {@link DeliveryStore} with the guarantees of the port (see the contract in
 * `delivery-store-contract.ts`). Every operation yields to the event loop first, so concurrent callers
 * interleave the way they would against a real database.
 */
export class MemoryDeliveryStore implements DeliveryStore {
  readonly deliveries = new Map<string, StoredDelivery>();
  readonly events = new Map<string, MailmonEvent>();
  readonly endpoints = new Map<string, StoredEndpoint>();
  readonly attempts = new Map<string, DeliveryAttempt[]>();
  readonly operatorEvents: OperatorEvent[] = [];
  readonly scheduled: ScheduledAttempt[] = [];
  private readonly slots = new Map<string, Map<string, number>>();

  /** Seeds a fixture (endpoint and event replace earlier ones with the same id). */
  seed(fixture: DeliveryFixture): void {
    if (fixture.endpoint) this.endpoints.set(fixture.endpoint.id, structuredClone(fixture.endpoint));
    if (fixture.event) this.events.set(fixture.event.id, structuredClone(fixture.event));
    this.deliveries.set(fixture.delivery.id, {
      ...fixture.delivery,
      nextAttemptAt: null,
      failureReason: null,
    });
  }

  /** Removes and returns the scheduled attempt due first, if any: a test's stand-in for the task queue. */
  takeNextScheduled(): ScheduledAttempt | undefined {
    if (this.scheduled.length === 0) return undefined;
    let first = 0;
    for (let i = 1; i < this.scheduled.length; i += 1)
      if (this.scheduled[i]!.at < this.scheduled[first]!.at) first = i;
    return this.scheduled.splice(first, 1)[0];
  }

  /** Holders of slots on an endpoint that are live at `now`. */
  slotHolders(endpointId: string, now: number): string[] {
    return [...(this.slots.get(endpointId) ?? new Map<string, number>())]
      .filter(([, expiresAt]) => expiresAt > now)
      .map(([holder]) => holder);
  }

  async load(deliveryId: string, now: number): Promise<LoadedDelivery | undefined> {
    await tick();
    const stored = this.deliveries.get(deliveryId);
    if (!stored) return undefined;
    const { nextAttemptAt: _next, failureReason: _reason, ...delivery } = stored;
    const event = this.events.get(delivery.eventId);
    const endpoint = this.endpoints.get(delivery.endpointId);
    return structuredClone({
      delivery,
      event,
      endpoint: endpoint && {
        id: endpoint.id,
        workspaceId: endpoint.workspaceId,
        url: endpoint.url,
        status: endpoint.status,
        failingSince: endpoint.failingSince,
        secrets: endpoint.secrets
          .filter((s) => s.expiresAt === null || s.expiresAt > now)
          .map((s) => s.secret),
      },
    });
  }

  async recordAttempt(record: AttemptRecord): Promise<RecordResult> {
    await tick();
    const delivery = this.deliveries.get(record.deliveryId);
    if (delivery?.state !== 'pending' || delivery.attempts !== record.attempt.attempt - 1) return 'stale';
    const seen = this.endpoints.get(record.endpointId);
    if (record.expectFailingSince !== undefined && seen && seen.failingSince !== record.expectFailingSince)
      return 'endpoint_changed';
    const t = record.delivery;
    Object.assign(delivery, {
      attempts: record.attempt.attempt,
      state: t.state,
      nextAttemptAt: t.state === 'pending' ? t.nextAttemptAt : null,
      failureReason: t.state === 'failed' ? t.reason : null,
      deferrals: 0,
    });
    this.attempts.set(record.deliveryId, [
      ...(this.attempts.get(record.deliveryId) ?? []),
      structuredClone(record.attempt),
    ]);
    const endpoint = this.endpoints.get(record.endpointId);
    const change = record.endpoint;
    if (endpoint && change) {
      if (change.kind === 'healthy') endpoint.failingSince = null;
      if (change.kind === 'failing') endpoint.failingSince ??= change.since;
      if (change.kind === 'disabled' && endpoint.status === 'enabled') {
        endpoint.status = 'disabled';
        endpoint.disabledReason = change.reason;
        if (record.operatorEvent) this.operatorEvents.push(structuredClone(record.operatorEvent));
      }
    }
    return 'recorded';
  }

  async scheduleAttempt(deliveryId: string, attempt: number, at: number): Promise<void> {
    await tick();
    if (this.scheduled.some((s) => s.deliveryId === deliveryId && s.attempt === attempt)) return;
    this.scheduled.push({ deliveryId, attempt, at });
  }

  async deferAttempt(
    deliveryId: string,
    attempt: number,
    deferral: number,
    at: number,
  ): Promise<'deferred' | 'stale'> {
    await tick();
    const delivery = this.deliveries.get(deliveryId);
    if (delivery?.state !== 'pending' || delivery.attempts !== attempt - 1) return 'stale';
    if ((delivery.deferrals ?? 0) !== deferral - 1) return 'stale';
    delivery.nextAttemptAt = at;
    delivery.deferrals = deferral;
    this.scheduled.push({ deliveryId, attempt, at });
    return 'deferred';
  }

  async acquireSlot(
    endpointId: string,
    holder: string,
    options: { limit: number; now: number; leaseMs: number },
  ): Promise<SlotGrant> {
    await tick();
    const held = this.slots.get(endpointId) ?? new Map<string, number>();
    this.slots.set(endpointId, held);
    for (const [h, expiresAt] of held) if (expiresAt <= options.now) held.delete(h);
    if (held.has(holder) || held.size < options.limit) {
      held.set(holder, options.now + options.leaseMs);
      return { acquired: true };
    }
    return { acquired: false };
  }

  async releaseSlot(endpointId: string, holder: string): Promise<void> {
    await tick();
    this.slots.get(endpointId)?.delete(holder);
  }
}
