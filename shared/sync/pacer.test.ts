import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { mapBounded, QuotaPacer } from './pacer.js';

describe('QuotaPacer', () => {
  it('never admits more than the per-user quota in any rolling minute', async () => {
    const clock = new ManualClock(0);
    const pacer = new QuotaPacer(15_000, clock, async (ms) => clock.advance(ms));
    const admitted: number[] = [];
    for (let i = 0; i < 8000; i += 1) {
      await pacer.take(5);
      admitted.push(clock.now());
    }
    let worst = 0;
    let start = 0;
    for (let end = 0; end < admitted.length; end += 1) {
      while (admitted[end]! - admitted[start]! >= 60_000) start += 1;
      worst = Math.max(worst, (end - start + 1) * 5);
    }
    expect(worst).toBeLessThanOrEqual(15_000);
    expect(pacer.used).toBe(40_000);
    // and it is not needlessly slow: 40,000 units at 90% of 15,000/min take about 178 s
    expect(clock.now()).toBeLessThan(180_000);
  });
});

describe('mapBounded', () => {
  it('keeps at most `limit` calls in flight and results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapBounded([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await Promise.resolve();
      inFlight -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('stops handing out work after a failure', async () => {
    const seen: number[] = [];
    await expect(
      mapBounded([1, 2, 3, 4, 5, 6], 1, async (n) => {
        seen.push(n);
        if (n === 2) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([1, 2]);
  });
});
