const S = 1000;
const M = 60 * S;
const H = 60 * M;

/** Delays after the first attempt: attempt n+1 waits `RETRY_DELAYS_MS[n-1]` (the schedule of DESIGN.md). */
export const RETRY_DELAYS_MS = [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H] as const;
/** A `Retry-After` longer than this is capped. */
export const MAX_RETRY_AFTER_MS = 24 * H;

/** A source of uniform numbers in [0, 1); injected so schedules are testable. */
export type Random = () => number;

/**
 * When attempt `attempt + 1` may run after attempt `attempt` failed at `now`, or `undefined` once the
 * schedule is exhausted. Jitter spreads each delay over ±10%. A `Retry-After` from the endpoint pushes
 * the attempt later (never earlier than the schedule), capped at 24 h.
 */
export function nextAttemptAt(
  attempt: number,
  now: number,
  random: Random,
  retryAfterMs?: number,
): number | undefined {
  const base = RETRY_DELAYS_MS[attempt - 1];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (0.9 + 0.2 * random()));
  const honoured = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return now + Math.max(jittered, honoured);
}

/** Parses a `Retry-After` header (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** What one attempt's result means for the delivery. */
export type AttemptOutcome = 'delivered' | 'retry' | 'failed' | 'endpoint_gone';

/**
 * 2xx delivered; 408, 429, 5xx, timeouts and network errors are retried; 410 Gone disables the endpoint;
 * other 4xx and any 3xx (redirects are not followed) fail the delivery.
 */
export function classifyResponse(status: number | 'timeout' | 'network_error'): AttemptOutcome {
  if (status === 'timeout' || status === 'network_error') return 'retry';
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'endpoint_gone';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'failed';
}
