import type { HttpResult } from './ports.js';

/** What one attempt's result means for the delivery. */
export type AttemptOutcome = 'delivered' | 'retry' | 'failed' | 'endpoint_gone';

/** An attempt result, classified. `retryAfterMs` is set only for `retry` when the endpoint asked for a wait. */
export interface Classification {
  outcome: AttemptOutcome;
  retryAfterMs?: number;
}

/**
 * Classifies one attempt's result:
 * - 2xx → `delivered`;
 * - 408, 429, 5xx, timeouts and network errors → `retry` (with the endpoint's `Retry-After`, if any);
 * - 410 Gone → `endpoint_gone` (the endpoint is to be disabled);
 * - every other status, 3xx included (redirects are never followed) → `failed`.
 */
export function classifyResponse(result: HttpResult, now: number): Classification {
  if (result.kind !== 'response') return { outcome: 'retry' };
  const { status } = result;
  if (status >= 200 && status < 300) return { outcome: 'delivered' };
  if (status === 410) return { outcome: 'endpoint_gone' };
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) {
    const retryAfterMs = parseRetryAfter(result.headers['retry-after'], now);
    return retryAfterMs === undefined ? { outcome: 'retry' } : { outcome: 'retry', retryAfterMs };
  }
  return { outcome: 'failed' };
}

const HAS_ZONE = /\b(?:GMT|UTC|[+-]\d{4})\b/;

/**
 * A `Retry-After` value (RFC 9110: delay seconds or an HTTP date) as milliseconds from `now`; a date in
 * the past is 0. Anything else (negative or fractional numbers, garbage) is undefined.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[A-Za-z]/.test(v)) return undefined;
  // asctime dates carry no zone; HTTP dates are always GMT
  const at = Date.parse(HAS_ZONE.test(v) ? v : `${v} GMT`);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
