/** The smallest, middle and largest of a figure's values over the measured runs. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** min / median / max of `values` (the median of an even count is the mean of the middle two). */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('no values to summarise');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted.at(-1)! };
}

/** `min / median / max` with `digits` decimals. */
export function formatSpread(s: Spread, digits = 1): string {
  return `${s.min.toFixed(digits)} / ${s.median.toFixed(digits)} / ${s.max.toFixed(digits)}`;
}

/** One figure per measured run, printed as min / median / max beside its reference. */
export class Figures<K extends string> {
  private readonly values = new Map<K, number[]>();

  add(run: Partial<Record<K, number>>): void {
    for (const [key, value] of Object.entries(run) as [K, number][]) {
      const list = this.values.get(key) ?? [];
      list.push(value);
      this.values.set(key, list);
    }
  }

  get(key: K): Spread {
    return spread(this.values.get(key) ?? []);
  }

  /** The spread of `key`, formatted. */
  show(key: K, digits = 1): string {
    return formatSpread(this.get(key), digits);
  }
}

/**
 * Runs `run` `warmUp` times unmeasured (JIT, connections, emulator caches), then `reps` times measured,
 * and returns the measured runs' results.
 */
export async function repeated<T>(
  warmUp: number,
  reps: number,
  run: (i: number) => Promise<T>,
): Promise<T[]> {
  for (let i = 0; i < warmUp; i += 1) await run(-1 - i);
  const results: T[] = [];
  for (let i = 0; i < reps; i += 1) results.push(await run(i));
  return results;
}
