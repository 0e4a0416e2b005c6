import type { TaskQueue, TaskRequest } from '../task-queue.js';

/** A task queue that only records, deduplicating by name like Cloud Tasks; tests run the tasks themselves. */
export class RecordingQueue implements TaskQueue {
  readonly tasks: TaskRequest[] = [];
  private readonly names = new Set<string>();
  async enqueue(task: TaskRequest) {
    if (this.names.has(task.name)) return { enqueued: false };
    this.names.add(task.name);
    this.tasks.push(task);
    return { enqueued: true };
  }
}
