import { randomBytes } from 'node:crypto';
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
import type { TaskRequest } from '../shared/tasks/task-queue.js';
import { RecordingQueue } from '../shared/tasks/testing/recording-queue.js';
import { attemptDelivery, DEFAULT_DELIVERY_LIMITS } from '../shared/webhooks/attempt-delivery.js';
import { buildDeliveryRequest } from '../shared/webhooks/build-delivery-request.js';
import { fanOutBacklog } from '../shared/webhooks/fan-out-events.js';
import { createEndpoint } from '../shared/webhooks/manage-endpoints.js';
import { allowAll } from '../shared/webhooks/ssrf-guard.js';
import { countingFirestore, opsSince } from './counting-firestore.js';
import { Figures, repeated } from './measure.js';
import { recordBenchSection } from './report.js';

/** What the webhook-delivery benchmark runs. */
export interface WebhookDeliveryBenchOptions {
  events: number;
  warmUp: number;
  reps: number;
}

// what Cloud Tasks does with a task whose handler failed: runs it again after a pause
const TASK_RETRY_MS = 1_000;

/**
 * Plays Cloud Tasks over a recording queue: `width` workers run each task no earlier than its `scheduleAt`,
 * including the tasks that running ones enqueue (a deferred attempt, a retry), until none is left; a task
 * whose handler throws runs again after {@link TASK_RETRY_MS}. Returns how often each error was retried.
 */
async function runQueue(
  queue: RecordingQueue,
  width: number,
  handle: (task: TaskRequest) => Promise<void>,
): Promise<Map<string, number>> {
  const retried = new Map<string, number>();
  let inFlight = 0;
  let wake: () => void = () => {};
  let changed = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const notify = () => {
    wake();
    changed = new Promise<void>((resolve) => {
      wake = resolve;
    });
  };
  const worker = async () => {
    for (;;) {
      const now = Date.now();
      const due = queue.tasks.findIndex((t) => (t.scheduleAt ?? 0) <= now);
      if (due >= 0) {
        const [task] = queue.tasks.splice(due, 1);
        inFlight += 1;
        try {
          await handle(task!);
        } catch (error) {
          const name =
            error instanceof Error ? `${error.name}: ${error.message.slice(0, 80)}` : String(error);
          retried.set(name, (retried.get(name) ?? 0) + 1);
          queue.tasks.push({ ...task!, scheduleAt: Date.now() + TASK_RETRY_MS });
        } finally {
          inFlight -= 1;
          notify();
        }
        continue;
      }
      if (queue.tasks.length === 0 && inFlight === 0) return;
      // nothing due: wait for the earliest task's time, or for a running task to enqueue or finish
      const earliest = Math.min(...queue.tasks.map((t) => t.scheduleAt ?? 0), now + 60_000);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        changed,
        new Promise((resolve) => {
          timer = setTimeout(resolve, Math.max(1, earliest - now));
        }),
      ]);
      clearTimeout(timer);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return retried;
}

/**
 * Fans out `events` events to one endpoint and delivers them all through the real adapters (Firestore
 * emulator, signed HTTP to a loopback receiver) at the per-endpoint concurrency cap, with deferred attempts
 * run when their delayed task is due. Repeated after a warm-up, each figure is printed as min / median /
 * max beside a baseline from the same run: delivery throughput beside the same number of bare signed POSTs
 * to the receiver, fan-out beside bulk-writing as many documents.
 */
export async function benchWebhookDelivery(options: WebhookDeliveryBenchOptions): Promise<void> {
  const count = options.events;
  const emulators = await startEmulators();
  onShutdown(() => emulators.stop());
  const receiver = await startWebhookReceiver();
  const { db, ops } = countingFirestore({
    projectId: `demo-bench-${randomBytes(3).toString('hex')}`,
    host: emulators.firestoreHost.split(':')[0],
    port: Number(emulators.firestoreHost.split(':')[1]),
    ssl: false,
    customHeaders: { Authorization: 'Bearer owner' },
  });
  try {
    const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));
    const webhooks = new FirestoreWebhookStore(db);
    const subscriptions = new FirestoreSubscriptionStore(db);
    const width = DEFAULT_DELIVERY_LIMITS.maxConcurrentPerEndpoint;
    const sender = new NodeHttpSender({ timeoutMs: 15_000, maxResponseBytes: 1024 });
    const deliverUrl = 'http://127.0.0.1:9/deliverWebhook';
    const figures = new Figures<
      | 'rate'
      | 'baselineRate'
      | 'ratio'
      | 'fanRate'
      | 'writeRate'
      | 'fanRatio'
      | 'deferrals'
      | 'rss'
      | 'fanReads'
      | 'fanWrites'
      | 'reads'
      | 'writes'
      | 'tasks'
      | 'cpuMs'
    >();
    const retried = new Map<string, number>();
    let incomplete = 0;

    await repeated(options.warmUp, options.reps, async (i) => {
      // a workspace, mailbox and endpoint per run, so no run sees another's deliveries or slots
      const run = i < 0 ? `warm${-i}` : String(i);
      const workspaceId = `ws_bench_${run}`;
      const mailboxId = `mbx_bench_${run}`;
      const endpoint = await createEndpoint(
        { webhooks, box, clock: systemClock, ids: randomIds, reads: { unknownMailboxes: async () => [] } },
        workspaceId,
        { url: receiver.url, description: '', eventTypes: [], mailboxIds: [] },
      );
      const events = Array.from({ length: count }, (_, n) => ({
        id: `evt_${run}_${n}`,
        type: 'message.created' as const,
        schemaVersion: 1 as const,
        occurredAt: new Date().toISOString(),
        workspaceId,
        tenantExternalId: 't',
        mailboxId,
        seq: n + 1,
        data: { messageId: `m${n}`, subject: `Message ${n}` },
      }));
      const writer = db.bulkWriter();
      for (const e of events)
        void writer.set(db.collection('mailboxes').doc(mailboxId).collection('events').doc(e.id), {
          ...e,
          fanout: 'pending',
        });
      await writer.close();

      // baseline: the HTTP part alone — signing and POSTing every event at the same concurrency, no storage
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
      const baselineSeconds = (performance.now() - baselineStart) / 1000;
      // baseline for fan-out: bulk-writing as many small documents
      const writeStart = performance.now();
      const scratch = db.bulkWriter();
      for (const e of events) void scratch.set(db.collection(`scratch_${run}`).doc(e.id), { eventId: e.id });
      await scratch.close();
      const writeSeconds = (performance.now() - writeStart) / 1000;
      receiver.received.length = 0;

      const tasks = new RecordingQueue();
      const rssBefore = process.memoryUsage().rss;
      const fanOps = { ...ops };
      const fanStart = performance.now();
      const { deliveries: fanned } = await fanOutBacklog(
        { webhooks, subscriptions, tasks, clock: systemClock, deliverUrl },
        { mailboxId, batch: 500, budgetMs: Number.POSITIVE_INFINITY },
      );
      const fanSeconds = (performance.now() - fanStart) / 1000;
      const fannedOps = opsSince(ops, fanOps);
      const deliverOps = { ...ops };
      const cpuBefore = process.cpuUsage();
      let tasksRun = 0;
      const store = new FirestoreDeliveryStore({ db, tasks, box, deliverUrl });
      let deferrals = 0;
      const deliverStart = performance.now();
      const errors = await runQueue(tasks, width, async (task) => {
        tasksRun += 1;
        const result = await attemptDelivery(
          { store, sender, clock: systemClock, random: Math.random, guard: allowAll },
          task.body as { deliveryId: string; attempt: number },
        );
        if (result.kind === 'deferred') deferrals += 1;
      });
      const deliverSeconds = (performance.now() - deliverStart) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const deliveredOps = opsSince(ops, deliverOps);
      const delivered = (
        await db
          .collection('deliveries')
          .where('mailboxId', '==', mailboxId)
          .where('state', '==', 'delivered')
          .count()
          .get()
      ).data().count;
      if (delivered !== count) incomplete += 1;
      if (i >= 0) for (const [name, n] of errors) retried.set(name, (retried.get(name) ?? 0) + n);
      figures.add({
        rate: delivered / deliverSeconds,
        baselineRate: count / baselineSeconds,
        ratio: delivered / deliverSeconds / (count / baselineSeconds),
        fanRate: fanned / fanSeconds,
        writeRate: count / writeSeconds,
        fanRatio: fanned / fanSeconds / (count / writeSeconds),
        deferrals,
        rss: (process.memoryUsage().rss - rssBefore) / 1024 / 1024,
        fanReads: fannedOps.reads / fanned,
        fanWrites: fannedOps.writes / fanned,
        reads: deliveredOps.reads / count,
        writes: deliveredOps.writes / count,
        tasks: tasksRun / count,
        // the whole process's CPU (the delivery code and its clients; the receiver and emulators run elsewhere
        // or are idle meanwhile), per delivery
        cpuMs: (cpu.user + cpu.system) / 1000 / count,
      });
    });

    const runs = `${options.reps} runs after ${options.warmUp} warm-up, min / median / max`;
    console.log(`webhook delivery: ${count} events to one endpoint, ${width} attempts in flight, ${runs}`);
    console.log(
      `  throughput: ${figures.show('rate', 0)} deliveries/s (load, sign, slot, POST, record; delivered ones only)`,
    );
    console.log(`    baseline, bare signed POSTs of the same events: ${figures.show('baselineRate', 0)}/s`);
    console.log(`    throughput / baseline: ${figures.show('ratio', 2)}`);
    console.log(`  fan-out: ${figures.show('fanRate', 0)} deliveries/s`);
    console.log(`    baseline, bulk-writing as many documents: ${figures.show('writeRate', 0)}/s`);
    console.log(`    fan-out / baseline: ${figures.show('fanRatio', 2)}`);
    console.log(
      `  attempts put off for want of a free slot, each run when its delayed task was due: ${figures.show('deferrals', 0)}`,
    );
    console.log(`  memory: rss grew ${figures.show('rss', 0)} MiB over fan-out and delivery`);
    console.log(
      `  Firestore per delivery (counted at the client): fan-out ${figures.show('fanReads', 2)} reads, ${figures.show('fanWrites', 2)} writes; attempts ${figures.show('reads', 2)} reads, ${figures.show('writes', 2)} writes`,
    );
    console.log(
      `  Cloud Tasks tasks run per delivery: ${figures.show('tasks', 2)}; CPU per delivery: ${figures.show('cpuMs', 2)} ms`,
    );
    recordBenchSection('delivery', {
      deliveries: count,
      fanOutReads: figures.get('fanReads').median,
      fanOutWrites: figures.get('fanWrites').median,
      attemptReads: figures.get('reads').median,
      attemptWrites: figures.get('writes').median,
      tasks: figures.get('tasks').median,
      cpuMs: figures.get('cpuMs').median,
    });
    for (const [name, n] of retried) console.log(`  a task was run again ${n}× after ${name}`);
    if (incomplete > 0) {
      console.log(`  INCOMPLETE: ${incomplete} runs did not deliver all ${count} events`);
      process.exitCode = 1;
    }
  } finally {
    await receiver.close();
    await db.terminate();
    await emulators.stop();
  }
}
