import { describe, expect, it } from 'vitest';
import { runPooled } from './run-pooled.js';

describe('runPooled', () => {
  it('runs every item with at most `width` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await runPooled([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((resolve) => setImmediate(resolve));
      done.push(n);
      inFlight -= 1;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it('stops starting items after a failure and rejects with it', async () => {
    const started: number[] = [];
    await expect(
      runPooled([1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });

  it('does nothing for no items', async () => {
    await runPooled([], 4, async () => {
      throw new Error('never');
    });
  });
});
