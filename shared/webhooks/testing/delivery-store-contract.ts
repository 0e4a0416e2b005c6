import { describe, expect, it } from 'vitest';
import type { MailmonEvent } from '../../events/event.js';
import type { DeliveryAttempt } from '../model.js';
import type { AttemptRecord, DeliveryState, DeliveryStore, OperatorEvent } from '../ports.js';
import type {
  DeliveryFixture,
  ScheduledAttempt,
  StoredDelivery,
  StoredEndpoint,
} from './memory-delivery-store.js';

/** A store under test plus the seeding and read-back the contract needs. */
export interface DeliveryStoreHarness {
  store: DeliveryStore;
  seed(fixture: DeliveryFixture): Promise<void>;
  readDelivery(
    id: string,
  ): Promise<Omit<StoredDelivery, 'workspaceId' | 'endpointId' | 'eventId'> | undefined>;
  readAttempts(deliveryId: string): Promise<DeliveryAttempt[]>;
  readEndpoint(id: string): Promise<Pick<StoredEndpoint, 'status' | 'failingSince'> | undefined>;
  readOperatorEvents(): Promise<OperatorEvent[]>;
  readScheduled(): Promise<ScheduledAttempt[]>;
}

const T0 = Date.UTC(2026, 5, 1);
const DAY = 24 * 60 * 60 * 1000;

/** An endpoint fixture. */
export function endpointFixture(over: Partial<StoredEndpoint> = {}): StoredEndpoint {
  return {
    id: 'we_1',
    workspaceId: 'ws_1',
    url: 'https://hooks.example/mailmon',
    status: 'enabled',
    failingSince: null,
    disabledReason: null,
    secrets: [{ secret: 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', expiresAt: null }],
    ...over,
  };
}

/** An event fixture. */
export function eventFixture(over: Partial<MailmonEvent> = {}): MailmonEvent {
  return {
    id: 'evt_1',
    type: 'message.created',
    schemaVersion: 1,
    occurredAt: new Date(T0).toISOString(),
    workspaceId: 'ws_1',
    tenantExternalId: 'tenant-1',
    mailboxId: 'mbx_1',
    seq: 1,
    data: { messageId: 'm1' },
    ...over,
  };
}

/** A pending delivery fixture of `evt_1` to `we_1`. */
export function deliveryFixture(over: Partial<DeliveryState> = {}): DeliveryState {
  return {
    id: 'dlv_1',
    workspaceId: 'ws_1',
    endpointId: 'we_1',
    eventId: 'evt_1',
    state: 'pending',
    attempts: 0,
    ...over,
  };
}

function attemptFixture(attempt: number, over: Partial<DeliveryAttempt> = {}): DeliveryAttempt {
  return {
    attempt,
    at: T0 + attempt,
    durationMs: 12,
    status: 503,
    outcome: 'retry',
    responseSnippet: 'down',
    error: null,
    nextAttemptAt: T0 + 5000,
    ...over,
  };
}

function recordFixture(attempt: number, over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    deliveryId: 'dlv_1',
    endpointId: 'we_1',
    attempt: attemptFixture(attempt),
    delivery: { state: 'pending', nextAttemptAt: T0 + 5000 },
    ...over,
  };
}

/** The behaviour every {@link DeliveryStore} adapter must have. */
export function describeDeliveryStoreContract(
  name: string,
  make: () => Promise<DeliveryStoreHarness> | DeliveryStoreHarness,
): void {
  const seeded = async (fixture: Partial<DeliveryFixture> = {}) => {
    const h = await make();
    await h.seed({
      endpoint: endpointFixture(),
      event: eventFixture(),
      delivery: deliveryFixture(),
      ...fixture,
    });
    return h;
  };

  describe(`${name} (DeliveryStore contract)`, () => {
    it('loads a delivery with its event and endpoint, and nothing for unknown ids', async () => {
      const h = await seeded();
      expect(await h.store.load('dlv_1', T0)).toEqual({
        delivery: deliveryFixture(),
        event: eventFixture(),
        endpoint: {
          id: 'we_1',
          workspaceId: 'ws_1',
          url: 'https://hooks.example/mailmon',
          status: 'enabled',
          failingSince: null,
          secrets: ['whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='],
        },
      });
      expect(await h.store.load('dlv_unknown', T0)).toBeUndefined();
    });

    it('loads only the secrets still active at the given time, newest first', async () => {
      const current = 'whsec_Y3VycmVudC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==';
      const previous = 'whsec_cHJldmlvdXMtc2VjcmV0LTAxMjM0NTY3ODlhYmNkZQ==';
      const h = await seeded({
        endpoint: endpointFixture({
          secrets: [
            { secret: current, expiresAt: null },
            { secret: previous, expiresAt: T0 + 1000 },
          ],
        }),
      });
      expect((await h.store.load('dlv_1', T0))?.endpoint?.secrets).toEqual([current, previous]);
      expect((await h.store.load('dlv_1', T0 + 1000))?.endpoint?.secrets).toEqual([current]);
    });

    it('loads a delivery whose event or endpoint is gone, without them', async () => {
      const h = await make();
      await h.seed({ delivery: deliveryFixture() });
      expect(await h.store.load('dlv_1', T0)).toEqual({
        delivery: deliveryFixture(),
        event: undefined,
        endpoint: undefined,
      });
    });

    it('records an attempt with its delivery transition', async () => {
      const h = await seeded();
      expect(await h.store.recordAttempt(recordFixture(1))).toBe('recorded');
      expect(await h.readDelivery('dlv_1')).toMatchObject({
        id: 'dlv_1',
        state: 'pending',
        attempts: 1,
        nextAttemptAt: T0 + 5000,
      });
      expect(await h.readAttempts('dlv_1')).toEqual([attemptFixture(1)]);
      const delivered = recordFixture(2, {
        attempt: attemptFixture(2, { status: 200, outcome: 'delivered', nextAttemptAt: null }),
        delivery: { state: 'delivered' },
      });
      expect(await h.store.recordAttempt(delivered)).toBe('recorded');
      expect(await h.readDelivery('dlv_1')).toMatchObject({
        state: 'delivered',
        attempts: 2,
        nextAttemptAt: null,
      });
    });

    it('records a failed delivery with its reason', async () => {
      const h = await seeded();
      const failed = recordFixture(1, {
        attempt: attemptFixture(1, { status: 400, outcome: 'failed', nextAttemptAt: null }),
        delivery: { state: 'failed', reason: 'rejected' },
      });
      expect(await h.store.recordAttempt(failed)).toBe('recorded');
      expect(await h.readDelivery('dlv_1')).toMatchObject({ state: 'failed', failureReason: 'rejected' });
    });

    it('ignores a duplicate, a stale or a skipped-ahead attempt number, and anything after the delivery ended', async () => {
      const h = await seeded();
      expect(await h.store.recordAttempt(recordFixture(2))).toBe('stale');
      expect(await h.store.recordAttempt(recordFixture(1))).toBe('recorded');
      expect(await h.store.recordAttempt(recordFixture(1))).toBe('stale');
      const done = recordFixture(2, { delivery: { state: 'delivered' } });
      expect(await h.store.recordAttempt(done)).toBe('recorded');
      expect(await h.store.recordAttempt(recordFixture(3))).toBe('stale');
      expect((await h.readAttempts('dlv_1')).map((a) => a.attempt)).toEqual([1, 2]);
      expect(await h.readDelivery('dlv_1')).toMatchObject({ state: 'delivered', attempts: 2 });
      expect(await h.store.recordAttempt(recordFixture(1, { deliveryId: 'dlv_unknown' }))).toBe('stale');
    });

    it('lets exactly one of two concurrent records of the same attempt win', async () => {
      const h = await seeded();
      const results = await Promise.all([
        h.store.recordAttempt(recordFixture(1)),
        h.store.recordAttempt(recordFixture(1)),
      ]);
      expect(results.sort()).toEqual(['recorded', 'stale']);
      expect(await h.readAttempts('dlv_1')).toHaveLength(1);
    });

    it('marks an endpoint failing without moving an earlier start, and healthy again', async () => {
      const h = await seeded();
      await h.store.recordAttempt(recordFixture(1, { endpoint: { kind: 'failing', since: T0 } }));
      expect(await h.readEndpoint('we_1')).toMatchObject({ status: 'enabled', failingSince: T0 });
      await h.store.recordAttempt(recordFixture(2, { endpoint: { kind: 'failing', since: T0 + 99 } }));
      expect(await h.readEndpoint('we_1')).toMatchObject({ status: 'enabled', failingSince: T0 });
      await h.store.recordAttempt(recordFixture(3, { endpoint: { kind: 'healthy' } }));
      expect(await h.readEndpoint('we_1')).toMatchObject({ status: 'enabled', failingSince: null });
    });

    it('disables an endpoint and stores its operator event once', async () => {
      const h = await make();
      await h.seed({ endpoint: endpointFixture(), event: eventFixture(), delivery: deliveryFixture() });
      await h.seed({
        event: eventFixture({ id: 'evt_2' }),
        delivery: deliveryFixture({ id: 'dlv_2', eventId: 'evt_2' }),
      });
      const operatorEvent = (deliveryId: string): OperatorEvent => ({
        type: 'endpoint.disabled',
        workspaceId: 'ws_1',
        endpointId: 'we_1',
        reason: 'gone',
        at: T0,
        deliveryId,
        attempt: 1,
      });
      const disable = (deliveryId: string) =>
        recordFixture(1, {
          deliveryId,
          attempt: attemptFixture(1, { status: 410, outcome: 'endpoint_gone', nextAttemptAt: null }),
          delivery: { state: 'failed', reason: 'endpoint_gone' },
          endpoint: { kind: 'disabled', reason: 'gone', at: T0 },
          operatorEvent: operatorEvent(deliveryId),
        });
      expect(await h.store.recordAttempt(disable('dlv_1'))).toBe('recorded');
      expect(await h.store.recordAttempt(disable('dlv_2'))).toBe('recorded');
      expect(await h.readEndpoint('we_1')).toMatchObject({ status: 'disabled' });
      expect(await h.readOperatorEvents()).toEqual([operatorEvent('dlv_1')]);
    });

    it('refuses a record made from an endpoint failure streak that has changed since, writing nothing', async () => {
      const h = await seeded({ endpoint: endpointFixture({ failingSince: T0 - 6 * DAY }) });
      const disable = (expectFailingSince: number) =>
        recordFixture(1, {
          attempt: attemptFixture(1, { nextAttemptAt: null }),
          delivery: { state: 'failed', reason: 'endpoint_disabled' },
          endpoint: { kind: 'disabled', reason: 'failing_for_5_days', at: T0 },
          expectFailingSince,
        });
      expect(await h.store.recordAttempt(disable(T0 - 7 * DAY))).toBe('endpoint_changed');
      expect(await h.readDelivery('dlv_1')).toMatchObject({ state: 'pending', attempts: 0 });
      expect(await h.readAttempts('dlv_1')).toEqual([]);
      expect(await h.readEndpoint('we_1')).toMatchObject({ status: 'enabled', failingSince: T0 - 6 * DAY });
      expect(await h.store.recordAttempt(disable(T0 - 6 * DAY))).toBe('recorded');
      expect(await h.readEndpoint('we_1')).toMatchObject({ status: 'disabled' });
    });

    it('defers an attempt once per deferral number, moving nextAttemptAt and counting, until it is recorded', async () => {
      const h = await seeded();
      expect(await h.store.deferAttempt('dlv_1', 1, 1, T0 + 1000)).toBe('deferred');
      expect(await h.store.deferAttempt('dlv_1', 1, 1, T0 + 1500)).toBe('stale');
      expect(await h.store.deferAttempt('dlv_1', 2, 2, T0 + 1500)).toBe('stale');
      expect(await h.store.deferAttempt('dlv_1', 1, 2, T0 + 3000)).toBe('deferred');
      expect(await h.readDelivery('dlv_1')).toMatchObject({
        state: 'pending',
        attempts: 0,
        deferrals: 2,
        nextAttemptAt: T0 + 3000,
      });
      expect(await h.readAttempts('dlv_1')).toEqual([]);
      expect(await h.readScheduled()).toEqual([
        { deliveryId: 'dlv_1', attempt: 1, at: T0 + 1000 },
        { deliveryId: 'dlv_1', attempt: 1, at: T0 + 3000 },
      ]);
      expect(await h.store.recordAttempt(recordFixture(1))).toBe('recorded');
      expect(await h.readDelivery('dlv_1')).toMatchObject({ attempts: 1, deferrals: 0 });
      expect(await h.store.deferAttempt('dlv_1', 1, 1, T0 + 9000)).toBe('stale');
    });

    it('schedules each attempt of a delivery once', async () => {
      const h = await seeded();
      await h.store.scheduleAttempt('dlv_1', 2, T0 + 5000);
      await h.store.scheduleAttempt('dlv_1', 2, T0 + 5000);
      await h.store.scheduleAttempt('dlv_1', 3, T0 + 300_000);
      expect(await h.readScheduled()).toEqual([
        { deliveryId: 'dlv_1', attempt: 2, at: T0 + 5000 },
        { deliveryId: 'dlv_1', attempt: 3, at: T0 + 300_000 },
      ]);
    });

    it('grants at most `limit` slots per endpoint, renews a holder’s own slot and frees released ones', async () => {
      const { store } = await seeded();
      const options = { limit: 2, now: T0, leaseMs: 60_000 };
      expect(await store.acquireSlot('we_1', 'a', options)).toEqual({ acquired: true });
      expect(await store.acquireSlot('we_1', 'b', options)).toEqual({ acquired: true });
      expect(await store.acquireSlot('we_1', 'a', options)).toEqual({ acquired: true });
      expect(await store.acquireSlot('we_1', 'c', options)).toEqual({ acquired: false });
      expect(await store.acquireSlot('we_2', 'c', options)).toEqual({ acquired: true });
      await store.releaseSlot('we_1', 'a');
      expect(await store.acquireSlot('we_1', 'c', options)).toEqual({ acquired: true });
    });

    it('frees the slot of a holder whose lease expired', async () => {
      const { store } = await seeded();
      expect(await store.acquireSlot('we_1', 'a', { limit: 1, now: T0, leaseMs: 60_000 })).toEqual({
        acquired: true,
      });
      expect(await store.acquireSlot('we_1', 'b', { limit: 1, now: T0 + 59_999, leaseMs: 60_000 })).toEqual({
        acquired: false,
      });
      expect(await store.acquireSlot('we_1', 'b', { limit: 1, now: T0 + 60_000, leaseMs: 60_000 })).toEqual({
        acquired: true,
      });
    });

    it('never grants more than `limit` slots to concurrent requests', async () => {
      const { store } = await seeded();
      const grants = await Promise.all(
        ['a', 'b', 'c', 'd', 'e'].map((holder) =>
          store.acquireSlot('we_1', holder, { limit: 3, now: T0, leaseMs: 60_000 }),
        ),
      );
      expect(grants.filter((g) => g.acquired)).toHaveLength(3);
    });
  });
}
