import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { newProjectId, testFirestore } from '../../emulators/testing/index.js';
import { FirestoreDeliveryStore } from '../adapters/firestore/firestore-delivery-store.js';
import { FirestoreSubscriptionStore } from '../adapters/firestore/firestore-subscription-store.js';
import { FirestoreWebhookStore } from '../adapters/firestore/firestore-webhook-store.js';
import { LocalKeyWrapper } from '../adapters/local-key-wrapper/local-key-wrapper.js';
import { ManualClock } from '../core/clock.js';
import { randomIds } from '../core/ids.js';
import { CredentialBox } from '../secrets/credentials.js';
import { RecordingQueue } from '../tasks/testing/recording-queue.js';
import { attemptDelivery } from './attempt-delivery.js';
import { fanOutEvents } from './fan-out-events.js';
import { createEndpoint } from './manage-endpoints.js';
import type { HttpSender } from './ports.js';
import { RETRY_DELAYS_MS } from './retry-schedule.js';
import { verifyWebhook } from './sign.js';
import { allowAll } from './ssrf-guard.js';

const db = testFirestore(newProjectId('deliveries'));
afterAll(() => db.terminate());

describe('delivery through an outage', () => {
  it('retries on schedule while the endpoint is down for a day, then delivers every event once it is back', async () => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    const webhooks = new FirestoreWebhookStore(db);
    const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));
    const queue = new RecordingQueue();
    const { secret, id: endpointId } = await createEndpoint(
      { webhooks, box, clock, ids: randomIds, reads: { unknownMailboxes: async () => [] } },
      'ws_day',
      { url: 'http://127.0.0.1:9/hook', description: '', eventTypes: [], mailboxIds: [] },
    );
    for (let seq = 1; seq <= 3; seq += 1) {
      const id = `evt_day_${seq}`;
      await db
        .collection('mailboxes')
        .doc('mbx_day')
        .collection('events')
        .doc(id)
        .set({
          id,
          type: 'message.created',
          schemaVersion: 1,
          occurredAt: new Date(clock.now()).toISOString(),
          workspaceId: 'ws_day',
          tenantExternalId: 't',
          mailboxId: 'mbx_day',
          seq,
          data: { messageId: `m${seq}` },
          fanout: 'pending',
        });
    }
    const deliverUrl = 'http://127.0.0.1:9/deliverWebhook';
    const subscriptions = new FirestoreSubscriptionStore(db);
    expect(
      await fanOutEvents(
        { webhooks, subscriptions, tasks: queue, clock, deliverUrl },
        { mailboxId: 'mbx_day' },
      ),
    ).toEqual({ events: 3, deliveries: 3 });
    expect(
      await fanOutEvents(
        { webhooks, subscriptions, tasks: queue, clock, deliverUrl },
        { mailboxId: 'mbx_day' },
      ),
    ).toEqual({ events: 0, deliveries: 0 });

    const outageStart = clock.now();
    const downUntil = outageStart + 24 * 60 * 60 * 1000;
    const received: { eventId: string; body: string; headers: Record<string, string> }[] = [];
    const sender: HttpSender = {
      async send({ headers, body }) {
        if (clock.now() < downUntil) return { kind: 'response', status: 503, headers: {}, body: 'down' };
        received.push({ eventId: headers['webhook-id']!, body, headers });
        return { kind: 'response', status: 200, headers: {}, body: 'ok' };
      },
    };
    const deps = {
      store: new FirestoreDeliveryStore({ db, tasks: queue, box, deliverUrl }),
      sender,
      clock,
      random: () => 0.5,
      guard: allowAll,
    };
    // play Cloud Tasks: run every due task in schedule order, advancing the clock to each
    let ran = 0;
    for (;;) {
      const next = queue.tasks.sort((a, b) => (a.scheduleAt ?? 0) - (b.scheduleAt ?? 0)).shift();
      if (!next) break;
      if ((next.scheduleAt ?? 0) > clock.now()) clock.set(next.scheduleAt!);
      await attemptDelivery(deps, next.body as { deliveryId: string; attempt: number });
      ran += 1;
      expect(ran).toBeLessThan(100);
    }
    expect(received.map((r) => r.eventId).sort()).toEqual(['evt_day_1', 'evt_day_2', 'evt_day_3']);
    for (const r of received)
      expect(
        verifyWebhook({ headers: r.headers, rawBody: r.body, secrets: [secret], now: clock.now() }).ok,
      ).toBe(true);

    const { data: deliveries } = await webhooks.listDeliveries('ws_day', { endpointId }, 10);
    expect(deliveries.map((d) => d.state)).toEqual(['delivered', 'delivered', 'delivered']);
    for (const delivery of deliveries) {
      const attempts = await webhooks.listAttempts(delivery.id);
      // 5 s, 5 min, 30 min, 2 h, 5 h, 10 h add up to 17 h 35 m; the next (14 h later) is after the outage
      expect(attempts.map((a) => a.outcome)).toEqual([
        'retry',
        'retry',
        'retry',
        'retry',
        'retry',
        'retry',
        'retry',
        'delivered',
      ]);
      expect(attempts[0]!.at).toBe(outageStart);
      for (let i = 1; i < attempts.length; i += 1) {
        expect(attempts[i]!.at - attempts[i - 1]!.at).toBe(RETRY_DELAYS_MS[i - 1]);
      }
      expect(attempts.at(-2)!.at).toBeLessThan(downUntil);
      expect(attempts.at(-1)!.at).toBeGreaterThanOrEqual(downUntil);
    }
    const endpoint = await webhooks.getEndpoint('ws_day', endpointId);
    expect(endpoint).toMatchObject({ status: 'enabled', failingSince: null });
  });
});
