import { randomBytes } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { startEmulators } from '../emulators/harness/emulators.js';
import { onShutdown } from '../emulators/harness/on-shutdown.js';
import { startWebhookReceiver } from '../emulators/testing/webhook-receiver.js';
import { FirestoreDeliveryStore } from '../shared/adapters/firestore/firestore-delivery-store.js';
import { FirestoreSubscriptionStore } from '../shared/adapters/firestore/firestore-subscription-store.js';
import { FirestoreWebhookStore } from '../shared/adapters/firestore/firestore-webhook-store.js';
import { NodeHttpSender } from '../shared/adapters/http-sender/node-http-sender.js';
import { LocalKeyWrapper } from '../shared/adapters/local-key-wrapper/local-key-wrapper.js';
import { systemClock } from '../shared/core/clock.js';
import { randomIds } from '../shared/core/ids.js';
import { runPooled } from '../shared/core/run-pooled.js';
import { CredentialBox } from '../shared/secrets/credentials.js';
import { RecordingQueue } from '../shared/tasks/testing/recording-queue.js';
import { attemptDelivery, DEFAULT_DELIVERY_LIMITS } from '../shared/webhooks/attempt-delivery.js';
import { buildDeliveryRequest } from '../shared/webhooks/build-delivery-request.js';
import { fanOutBacklog } from '../shared/webhooks/fan-out-events.js';
import { createEndpoint } from '../shared/webhooks/manage-endpoints.js';
import { allowAll } from '../shared/webhooks/ssrf-guard.js';

/**
 * Fans out `count` events to one endpoint and delivers them all through the real adapters (Firestore
 * emulator, signed HTTP to a loopback receiver) at the per-endpoint concurrency cap. Prints delivery
 * throughput against a baseline from the same run: the same number of bare signed POSTs to the receiver.
 */
export async function benchWebhookDelivery(count: number): Promise<void> {
  const emulators = await startEmulators();
  onShutdown(() => emulators.stop());
  const receiver = await startWebhookReceiver();
  const db = new Firestore({
    projectId: `demo-bench-${randomBytes(3).toString('hex')}`,
    host: emulators.firestoreHost.split(':')[0],
    port: Number(emulators.firestoreHost.split(':')[1]),
    ssl: false,
    customHeaders: { Authorization: 'Bearer owner' },
  });
  try {
    const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));
    const webhooks = new FirestoreWebhookStore(db);
    const endpoint = await createEndpoint(
      { webhooks, box, clock: systemClock, ids: randomIds, reads: { unknownMailboxes: async () => [] } },
      'ws_bench',
      {
        url: receiver.url,
        description: '',
        eventTypes: [],
        mailboxIds: [],
      },
    );
    const writer = db.bulkWriter();
    const events = Array.from({ length: count }, (_, i) => ({
      id: `evt_${i}`,
      type: 'message.created' as const,
      schemaVersion: 1 as const,
      occurredAt: new Date().toISOString(),
      workspaceId: 'ws_bench',
      tenantExternalId: 't',
      mailboxId: 'mbx_bench',
      seq: i + 1,
      data: { messageId: `m${i}`, subject: `Message ${i}` },
    }));
    for (const e of events)
      void writer.set(db.collection('mailboxes').doc('mbx_bench').collection('events').doc(e.id), {
        ...e,
        fanout: 'pending',
      });
    await writer.close();
    const width = DEFAULT_DELIVERY_LIMITS.maxConcurrentPerEndpoint;
    const sender = new NodeHttpSender({ timeoutMs: 15_000, maxResponseBytes: 1024 });

    // baseline: the HTTP part alone — signing and POSTing every event, no storage
    const baselineStart = performance.now();
    await runPooled(events, width, (event) =>
      sender.send(
        buildDeliveryRequest({
          event,
          delivery: { id: `base_${event.id}`, attempt: 1 },
          endpoint: { url: receiver.url, secrets: [endpoint.secret] },
          now: Date.now(),
        }),
      ),
    );
    const baselineRate = count / ((performance.now() - baselineStart) / 1000);
    receiver.received.length = 0;

    const tasks = new RecordingQueue();
    const deliverUrl = 'http://127.0.0.1:9/deliverWebhook';
    const subscriptions = new FirestoreSubscriptionStore(db);
    const memoryBefore = process.memoryUsage().rss;
    const fanStart = performance.now();
    const { deliveries: fanned } = await fanOutBacklog(
      { webhooks, subscriptions, tasks, clock: systemClock, deliverUrl },
      { mailboxId: 'mbx_bench', batch: 500, budgetMs: Number.POSITIVE_INFINITY },
    );
    const fanSeconds = (performance.now() - fanStart) / 1000;
    const store = new FirestoreDeliveryStore({ db, tasks, box, deliverUrl });
    const deliverStart = performance.now();
    const failures = new Map<string, number>();
    await runPooled(tasks.tasks.splice(0), width, async (task) => {
      // a deferred attempt (no free slot) runs again at once, as would its task; an aborted transaction is retried
      for (;;) {
        try {
          const result = await attemptDelivery(
            { store, sender, clock: systemClock, random: Math.random, guard: allowAll },
            task.body as { deliveryId: string; attempt: number },
          );
          if (result.kind !== 'deferred') return result;
          failures.set('deferred (no free slot)', (failures.get('deferred (no free slot)') ?? 0) + 1);
        } catch (error) {
          const name =
            error instanceof Error ? `${error.name}: ${error.message.slice(0, 80)}` : String(error);
          failures.set(name, (failures.get(name) ?? 0) + 1);
        }
      }
    });
    const deliverSeconds = (performance.now() - deliverStart) / 1000;
    const rate = count / deliverSeconds;
    const delivered = (
      await db.collection('deliveries').where('state', '==', 'delivered').count().get()
    ).data().count;
    console.log(`webhook delivery: ${count} events to one endpoint, ${width} attempts in flight`);
    console.log(
      `  fan-out: ${fanned} deliveries in ${fanSeconds.toFixed(1)} s (${(fanned / fanSeconds).toFixed(0)}/s)`,
    );
    console.log(
      `  delivered: ${delivered} of ${count} (${delivered === count ? 'complete' : 'INCOMPLETE'}), received ${receiver.received.length}`,
    );
    console.log(
      `  throughput: ${rate.toFixed(0)} deliveries/s (load, sign, slot, POST, record; Firestore emulator)`,
    );
    console.log(
      `  throughput / bare signed POSTs in this run (${baselineRate.toFixed(0)}/s): ${(rate / baselineRate).toFixed(2)}`,
    );
    console.log(
      `  memory: rss grew ${((process.memoryUsage().rss - memoryBefore) / 1024 / 1024).toFixed(0)} MiB over fan-out and delivery`,
    );
    for (const [name, n] of failures) console.log(`  retried ${n}× after ${name}`);
    if (delivered !== count) process.exitCode = 1;
  } finally {
    await receiver.close();
    await db.terminate();
    await emulators.stop();
  }
}
