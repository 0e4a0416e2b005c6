import type { Clock } from '../core/clock.js';
import type { Sleep } from './ports.js';

/**
 * A token bucket over Gmail quota units: `take(cost)` waits until the per-user budget allows the call.
 * A bucket of capacity C refilled at r units/ms admits C + 60 000·r units in any minute, so a burst of 10%
 * and a refill of 90% of the quota keep every rolling minute within Gmail's per-user limit.
 */
export class QuotaPacer {
  private available: number;
  private last: number;
  private readonly perMs: number;
  private readonly capacity: number;
  /** Units taken so far, for reporting. */
  used = 0;

  constructor(
    unitsPerMinute: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {
    this.capacity = unitsPerMinute * 0.1;
    this.available = this.capacity;
    this.last = clock.now();
    this.perMs = (unitsPerMinute * 0.9) / 60_000;
  }

  async take(cost: number): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.available = Math.min(this.capacity, this.available + (now - this.last) * this.perMs);
      this.last = now;
      if (this.available >= cost) {
        this.available -= cost;
        this.used += cost;
        return;
      }
      await this.sleep(Math.ceil((cost - this.available) / this.perMs));
    }
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping results in input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await work(items[i]!);
      } catch (error) {
        // stop handing out work: the caller retries the whole batch from its checkpoint
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
