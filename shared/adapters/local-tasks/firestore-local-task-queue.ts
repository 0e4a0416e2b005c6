import type { Firestore } from '@google-cloud/firestore';
import type { Clock } from '../../core/clock.js';
import type { TaskQueue, TaskRequest } from '../../tasks/task-queue.js';

const ALREADY_EXISTS = 6;
const DONE_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * {@link TaskQueue} for local mode: tasks are documents (`localTasks/{name}`), so pending ones survive a
 * restart of the dev stack; a duplicate name is refused as Cloud Tasks does.
 */
export class FirestoreLocalTaskQueue implements TaskQueue {
  constructor(
    private readonly db: Firestore,
    private readonly clock: Clock,
  ) {}

  async enqueue(task: TaskRequest): Promise<{ enqueued: boolean }> {
    try {
      await this.db
        .collection('localTasks')
        .doc(task.name)
        .create({
          url: task.url,
          body: JSON.stringify(task.body),
          scheduleAt: task.scheduleAt ?? this.clock.now(),
          state: 'pending',
          attempts: 0,
          leaseUntil: 0,
          createdAt: this.clock.now(),
        });
      return { enqueued: true };
    } catch (error) {
      if ((error as { code?: number }).code === ALREADY_EXISTS) return { enqueued: false };
      throw error;
    }
  }
}

/** How the runner retries a failed dispatch (Cloud Tasks' default shape: exponential, capped). */
export interface LocalRetryPolicy {
  maxAttempts: number;
  minBackoffMs: number;
  maxBackoffMs: number;
}

/**
 * Dispatches due local tasks by HTTP POST, one claim per task (a transaction moves its lease), so two
 * runners never send the same attempt. 2xx completes a task; anything else is retried with exponential
 * backoff (honouring Retry-After) until `maxAttempts`, then the task is marked failed.
 */
export class LocalTaskRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly db: Firestore,
    private readonly clock: Clock,
    private readonly send: typeof fetch = fetch,
    private readonly policy: LocalRetryPolicy = {
      maxAttempts: 10,
      minBackoffMs: 1000,
      maxBackoffMs: 300_000,
    },
    private readonly leaseMs = 60_000,
  ) {}

  /** Dispatches every task due now (at most `batch`); returns how many were sent. */
  async runDue(batch = 20): Promise<number> {
    const now = this.clock.now();
    const due = await this.db
      .collection('localTasks')
      .where('state', '==', 'pending')
      .where('scheduleAt', '<=', now)
      .orderBy('scheduleAt')
      .limit(batch)
      .get();
    let sent = 0;
    for (const doc of due.docs) {
      const claimed = await this.db.runTransaction(async (tx) => {
        const snap = await tx.get(doc.ref);
        // another runner may have sent this attempt since the query: then its attempts or schedule moved
        const unchanged =
          snap.get('attempts') === doc.get('attempts') && (snap.get('scheduleAt') as number) <= now;
        if (snap.get('state') !== 'pending' || (snap.get('leaseUntil') as number) > now || !unchanged)
          return undefined;
        tx.update(doc.ref, { leaseUntil: now + this.leaseMs });
        return snap.data();
      });
      if (!claimed) continue;
      sent += 1;
      const attempts = (claimed.attempts as number) + 1;
      let status = 0;
      let retryAfterMs: number | undefined;
      try {
        const response = await this.send(claimed.url as string, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-mailmon-task-name': doc.id,
            'x-mailmon-task-attempt': String(attempts),
          },
          body: claimed.body as string,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.leaseMs),
        });
        status = response.status;
        const header = Number(response.headers.get('retry-after'));
        if (Number.isFinite(header) && header > 0) retryAfterMs = header * 1000;
        await response.body?.cancel();
      } catch {
        status = 0;
      }
      const at = this.clock.now();
      if (status >= 200 && status < 300) {
        await doc.ref.update({
          state: 'done',
          attempts,
          lastStatus: status,
          doneAt: at,
          expireAt: new Date(at + DONE_RETENTION_MS),
        });
      } else if (attempts >= this.policy.maxAttempts) {
        await doc.ref.update({ state: 'failed', attempts, lastStatus: status, failedAt: at });
      } else {
        const backoff = Math.min(this.policy.maxBackoffMs, this.policy.minBackoffMs * 2 ** (attempts - 1));
        await doc.ref.update({
          attempts,
          lastStatus: status,
          leaseUntil: 0,
          scheduleAt: at + Math.max(backoff, retryAfterMs ?? 0),
        });
      }
    }
    return sent;
  }

  /** Polls for due tasks every `intervalMs` until {@link stop}. */
  start(intervalMs = 500): void {
    const tick = () => {
      this.running = this.runDue().catch(() => 0);
      void this.running.finally(() => {
        if (this.timer) this.timer = setTimeout(tick, intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
