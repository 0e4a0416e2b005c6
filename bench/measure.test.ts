import { describe, expect, it } from 'vitest';
import { Figures, repeated, spread } from './measure.js';

describe('benchmark figures', () => {
  it('summarise runs as min, median and max, the median of an even count being the middle pair’s mean', () => {
    expect(spread([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
    expect(() => spread([])).toThrow();
    const figures = new Figures<'rate'>();
    for (const rate of [10, 30, 20]) figures.add({ rate });
    expect(figures.show('rate', 0)).toBe('10 / 20 / 30');
  });

  it('run the warm-ups unmeasured before the measured runs', async () => {
    const order: number[] = [];
    const results = await repeated(2, 3, async (i) => {
      order.push(i);
      return i * 10;
    });
    expect(order).toEqual([-1, -2, 0, 1, 2]);
    expect(results).toEqual([0, 10, 20]);
  });
});
