import { describe, expect, it } from 'vitest';
import { classifyResponse, nextAttemptAt, parseRetryAfter, RETRY_DELAYS_MS } from './retry-schedule.js';

describe('the retry schedule', () => {
  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h within ±10% jitter, then gives up', () => {
    const hours = [5 / 3600, 5 / 60, 0.5, 2, 5, 10, 14, 20, 24];
    for (const [i, h] of hours.entries()) {
      const base = h * 3_600_000;
      expect(nextAttemptAt(i + 1, 0, () => 0)).toBe(Math.round(base * 0.9));
      expect(nextAttemptAt(i + 1, 0, () => 0.999999)).toBeLessThanOrEqual(Math.round(base * 1.1));
    }
    expect(nextAttemptAt(RETRY_DELAYS_MS.length + 1, 0, () => 0.5)).toBeUndefined();
  });

  it('honours Retry-After when later than the schedule, capped at a day', () => {
    expect(nextAttemptAt(1, 0, () => 0.5, 60_000)).toBe(60_000);
    expect(nextAttemptAt(1, 0, () => 0.5, 1000)).toBe(5000);
    expect(nextAttemptAt(1, 0, () => 0.5, 7 * 86_400_000)).toBe(86_400_000);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter(new Date(90_000).toUTCString(), 0)).toBe(90_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  it('classifies responses', () => {
    expect(
      [200, 204, 408, 429, 500, 503, 410, 400, 404, 301, 'timeout' as const, 'network_error' as const].map(
        classifyResponse,
      ),
    ).toEqual([
      'delivered',
      'delivered',
      'retry',
      'retry',
      'retry',
      'retry',
      'endpoint_gone',
      'failed',
      'failed',
      'failed',
      'retry',
      'retry',
    ]);
  });
});
