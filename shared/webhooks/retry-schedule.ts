const S = 1000;
const M = 60 * S;
const H = 60 * M;

/**
 * Delays after the first attempt (DESIGN.md): attempt `n + 1` follows a failed attempt `n` after
 * `RETRY_DELAYS_MS[n - 1]`, jittered. Ten attempts in all, spread over about three days.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5 * S,
  5 * M,
  30 * M,
  2 * H,
  5 * H,
  10 * H,
  14 * H,
  20 * H,
  24 * H,
];
/** The last attempt a delivery gets. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Each delay is spread uniformly over ±10% of itself. */
export const JITTER_RATIO = 0.1;
/** A `Retry-After` longer than this is capped. */
export const MAX_RETRY_AFTER_MS = 24 * H;

/** A source of uniform numbers in [0, 1); injected so schedules are testable. */
export type Random = () => number;

/** The earliest and latest delay after failed attempt `attemptNumber`, or undefined when none follows. */
export function retryDelayBounds(attemptNumber: number): { min: number; max: number } | undefined {
  const base = RETRY_DELAYS_MS[attemptNumber - 1];
  if (base === undefined || !Number.isInteger(attemptNumber)) return undefined;
  return { min: Math.round(base * (1 - JITTER_RATIO)), max: Math.round(base * (1 + JITTER_RATIO)) };
}

/**
 * When the attempt after failed attempt `attemptNumber` (1-based) runs, given that it failed at `now`
 * (epoch ms); `undefined` means give up (the schedule is exhausted).
 *
 * The scheduled delay is jittered uniformly within ±{@link JITTER_RATIO} so retries of many deliveries
 * to one endpoint spread out. A `Retry-After` from the endpoint can only push the attempt later, never
 * earlier than the jittered schedule: the result is `now + max(jittered delay, min(retryAfterMs, 24 h))`.
 */
export function nextAttemptAt(
  attemptNumber: number,
  now: number,
  options: { random: Random; retryAfterMs?: number | undefined },
): number | undefined {
  const bounds = retryDelayBounds(attemptNumber);
  if (!bounds) return undefined;
  const r = options.random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0.5;
  const jittered = Math.round(bounds.min + (bounds.max - bounds.min) * unit);
  const retryAfter = options.retryAfterMs;
  const honoured =
    retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter > 0
      ? Math.min(retryAfter, MAX_RETRY_AFTER_MS)
      : 0;
  return now + Math.max(jittered, honoured);
}
