import { describe, expect, it } from 'vitest';
import type { TaskQueue } from '../task-queue.js';

/** Behaviour every {@link TaskQueue} adapter must have; `tasks()` lists what the backend holds. */
export function describeTaskQueueContract(
  name: string,
  make: () => Promise<{ queue: TaskQueue; tasks(): Promise<{ name: string; url: string; body: unknown }[]> }>,
): void {
  describe(`${name} (TaskQueue contract)`, () => {
    it('creates one task per name, however often it is enqueued', async () => {
      const { queue, tasks } = await make();
      expect(
        await queue.enqueue({
          name: 'delivery-1-attempt-1',
          url: 'http://127.0.0.1:9/deliver',
          body: { deliveryId: 'd1' },
        }),
      ).toEqual({ enqueued: true });
      expect(
        await queue.enqueue({
          name: 'delivery-1-attempt-1',
          url: 'http://127.0.0.1:9/deliver',
          body: { deliveryId: 'd1' },
        }),
      ).toEqual({ enqueued: false });
      expect(
        await queue.enqueue({
          name: 'delivery-1-attempt-2',
          url: 'http://127.0.0.1:9/deliver',
          body: { deliveryId: 'd1' },
        }),
      ).toEqual({ enqueued: true });
      const held = await tasks();
      expect(held.map((t) => t.name).sort()).toEqual(['delivery-1-attempt-1', 'delivery-1-attempt-2']);
      expect(held[0]).toMatchObject({ url: 'http://127.0.0.1:9/deliver', body: { deliveryId: 'd1' } });
    });
  });
}
