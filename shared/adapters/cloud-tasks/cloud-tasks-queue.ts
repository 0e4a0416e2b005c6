import type { CloudTasksClient } from '@google-cloud/tasks';
import type { TaskQueue, TaskRequest } from '../../tasks/task-queue.js';

const ALREADY_EXISTS = 6;

/**
 * {@link TaskQueue} on Cloud Tasks: named tasks (`<queue>/tasks/<name>`) dedupe repeated enqueues — Cloud
 * Tasks refuses a name for about an hour after its task ran — and every request carries a Google-signed
 * OIDC token for the target, which the private functions verify.
 */
export class CloudTasksQueue implements TaskQueue {
  constructor(
    private readonly client: CloudTasksClient,
    /** `projects/P/locations/L/queues/Q`. */
    private readonly queue: string,
    private readonly oidc: { serviceAccountEmail: string; audience?: string },
  ) {}

  async enqueue(task: TaskRequest): Promise<{ enqueued: boolean }> {
    try {
      await this.client.createTask({
        parent: this.queue,
        task: {
          name: `${this.queue}/tasks/${task.name}`,
          ...(task.scheduleAt
            ? {
                scheduleTime: {
                  seconds: Math.floor(task.scheduleAt / 1000),
                  nanos: (task.scheduleAt % 1000) * 1e6,
                },
              }
            : {}),
          httpRequest: {
            url: task.url,
            httpMethod: 'POST',
            headers: { 'content-type': 'application/json' },
            body: Buffer.from(JSON.stringify(task.body)).toString('base64'),
            oidcToken: {
              serviceAccountEmail: this.oidc.serviceAccountEmail,
              audience: this.oidc.audience ?? task.url,
            },
          },
        },
      });
      return { enqueued: true };
    } catch (error) {
      // gRPC reports ALREADY_EXISTS as code 6; the REST transport as HTTP 409
      const code = (error as { code?: number }).code;
      if (code === ALREADY_EXISTS || code === 409 || /ALREADY_EXISTS/.test(String((error as Error).message)))
        return { enqueued: false };
      throw error;
    }
  }
}
