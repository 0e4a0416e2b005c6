import * as v from 'valibot';
import { mixSeed, type Rng, seededRng } from './rng.js';

const rate = v.pipe(v.number(), v.minValue(0), v.maxValue(1));

/** Body of `PUT /__admin/faults`; the whole configuration is replaced, omitted fields reset to 0. */
export const FaultConfigSchema = v.strictObject({
  /** Probability that a Gmail API call fails with 500 or 503 (half each). */
  rate5xx: v.optional(rate, 0),
  /** Probability that a Gmail API call fails with 429 `rateLimitExceeded`. */
  rate429: v.optional(rate, 0),
  /** Delay added to every Gmail API call (ms), while it holds a concurrency slot. */
  latencyMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(120_000)), 0),
  /** Statuses the next Gmail API calls fail with, in order, before any random fault. */
  failNext: v.optional(v.array(v.picklist([403, 429, 500, 502, 503, 504])), []),
  notifications: v.optional(
    v.strictObject({
      /** Probability that a notification is published twice. */
      duplicate: v.optional(rate, 0),
      /** Probability that a notification is never published. */
      drop: v.optional(rate, 0),
      /** Probability that a notification is held back and published after the next one. */
      reorder: v.optional(rate, 0),
      /** Delay before every publish (ms). */
      delayMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(600_000)), 0),
    }),
    {},
  ),
  /** Reseeds the fault RNG, so a run of faults can be replayed exactly. */
  seed: v.optional(v.pipe(v.number(), v.integer())),
});

/** Fault configuration as accepted by the admin API. */
export type FaultConfigInput = v.InferInput<typeof FaultConfigSchema>;

/** The full fault configuration. */
export type FaultConfig = Omit<v.InferOutput<typeof FaultConfigSchema>, 'seed' | 'notifications'> & {
  notifications: { duplicate: number; drop: number; reorder: number; delayMs: number };
};

/** A status code an API call is made to fail with. */
export type InjectedStatus = 403 | 429 | 500 | 502 | 503 | 504;

function normalise(input: v.InferOutput<typeof FaultConfigSchema>): FaultConfig {
  return {
    rate5xx: input.rate5xx,
    rate429: input.rate429,
    latencyMs: input.latencyMs,
    failNext: [...input.failNext],
    notifications: {
      duplicate: input.notifications.duplicate ?? 0,
      drop: input.notifications.drop ?? 0,
      reorder: input.notifications.reorder ?? 0,
      delayMs: input.notifications.delayMs ?? 0,
    },
  };
}

/** Current faults and the seeded randomness that decides when they strike. */
export class Faults {
  private current: FaultConfig = normalise(v.parse(FaultConfigSchema, {}));
  private rng: Rng;

  constructor(private readonly seed: number) {
    this.rng = seededRng(mixSeed(seed, 0xfa17));
  }

  /** A copy of the whole configuration. */
  get config(): FaultConfig {
    return structuredClone(this.current);
  }

  /** Delay added to every Gmail API call (ms). */
  get latencyMs(): number {
    return this.current.latencyMs;
  }

  /** Current notification fault rates and delay. */
  get notifications(): Readonly<FaultConfig['notifications']> {
    return this.current.notifications;
  }

  /** Replaces the configuration (validated input), reseeding when a seed is given. */
  set(input: v.InferOutput<typeof FaultConfigSchema>): void {
    this.current = normalise(input);
    if (input.seed !== undefined) this.rng = seededRng(mixSeed(input.seed, 0xfa17));
  }

  /** Back to no faults and the initial seed. */
  reset(): void {
    this.set(v.parse(FaultConfigSchema, {}));
    this.rng = seededRng(mixSeed(this.seed, 0xfa17));
  }

  /** The status the next API call fails with, if any. */
  nextApiFailure(): InjectedStatus | undefined {
    const scripted = this.current.failNext.shift();
    if (scripted !== undefined) return scripted;
    if (this.current.rate5xx > 0 && this.rng() < this.current.rate5xx) return this.rng() < 0.5 ? 500 : 503;
    if (this.current.rate429 > 0 && this.rng() < this.current.rate429) return 429;
    return undefined;
  }

  /** True with probability `p` (and without consuming randomness when `p` is 0). */
  roll(p: number): boolean {
    return p > 0 && this.rng() < p;
  }
}
