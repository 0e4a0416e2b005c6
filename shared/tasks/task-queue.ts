/** An HTTP task: POST `body` as JSON to `url`, no earlier than `scheduleAt`. */
export interface TaskRequest {
  /** Deterministic name: enqueueing the same name twice creates one task. `[A-Za-z0-9_-]`, ≤ 500 chars. */
  name: string;
  url: string;
  body: unknown;
  /** Epoch ms; now when omitted. */
  scheduleAt?: number;
}

/** Schedules HTTP tasks (Cloud Tasks in gcp mode, a local runner otherwise). */
export interface TaskQueue {
  /** `enqueued: false` when a task of that name already exists (or ran recently): a duplicate, not an error. */
  enqueue(task: TaskRequest): Promise<{ enqueued: boolean }>;
}

/** Makes any string a valid task name, keeping it deterministic and unique per input. */
export function taskName(...parts: string[]): string {
  return parts
    .join('-')
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .slice(0, 500);
}
