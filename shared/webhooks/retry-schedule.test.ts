import { describe, expect, it } from 'vitest';
import {
  MAX_ATTEMPTS,
  MAX_RETRY_AFTER_MS,
  nextAttemptAt,
  RETRY_DELAYS_MS,
  retryDelayBounds,
} from './retry-schedule.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const now = Date.UTC(2026, 5, 1);
const fixed = (r: number) => () => r;

describe('the retry schedule', () => {
  it('is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h after the first attempt: ten attempts in all', () => {
    expect(RETRY_DELAYS_MS).toEqual([5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H]);
    expect(MAX_ATTEMPTS).toBe(10);
  });

  it('spreads every delay uniformly over ±10%: the lowest draw gives -10%, the middle the delay, the highest +10%', () => {
    for (const [i, delay] of RETRY_DELAYS_MS.entries()) {
      const attempt = i + 1;
      const [min, max] = [Math.round(delay * 0.9), Math.round(delay * 1.1)];
      expect(nextAttemptAt(attempt, now, { random: fixed(0) })).toBe(now + min);
      expect(nextAttemptAt(attempt, now, { random: fixed(0.5) })).toBe(now + delay);
      expect(nextAttemptAt(attempt, now, { random: fixed(0.999999) })).toBeLessThanOrEqual(now + max);
      expect(retryDelayBounds(attempt)).toEqual({ min, max });
    }
  });

  it('stays within the bounds for any draw, even a misbehaving random source', () => {
    for (const r of [Math.random(), Math.random(), -3, 1, 7, Number.NaN]) {
      const at = nextAttemptAt(4, now, { random: fixed(r) })!;
      expect(at - now).toBeGreaterThanOrEqual(2 * H * 0.9);
      expect(at - now).toBeLessThanOrEqual(2 * H * 1.1);
    }
  });

  it('gives up after the tenth attempt, and for attempt numbers that are not on the schedule', () => {
    expect(nextAttemptAt(9, now, { random: fixed(0.5) })).toBe(now + 24 * H);
    expect(nextAttemptAt(10, now, { random: fixed(0.5) })).toBeUndefined();
    expect(nextAttemptAt(0, now, { random: fixed(0.5) })).toBeUndefined();
    expect(nextAttemptAt(1.5, now, { random: fixed(0.5) })).toBeUndefined();
    expect(retryDelayBounds(10)).toBeUndefined();
  });

  it('honours a Retry-After later than the schedule', () => {
    expect(nextAttemptAt(1, now, { random: fixed(0.5), retryAfterMs: 60 * S })).toBe(now + 60 * S);
    expect(nextAttemptAt(5, now, { random: fixed(0.5), retryAfterMs: 8 * H })).toBe(now + 8 * H);
  });

  it('never runs earlier than the schedule because of a short Retry-After', () => {
    expect(nextAttemptAt(1, now, { random: fixed(0.5), retryAfterMs: 1 * S })).toBe(now + 5 * S);
    expect(nextAttemptAt(2, now, { random: fixed(0), retryAfterMs: 0 })).toBe(now + 270 * S);
    expect(nextAttemptAt(2, now, { random: fixed(0.5), retryAfterMs: -5 })).toBe(now + 5 * M);
  });

  it('caps Retry-After at 24 h', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(24 * H);
    expect(nextAttemptAt(1, now, { random: fixed(0.5), retryAfterMs: 7 * 24 * H })).toBe(now + 24 * H);
    expect(nextAttemptAt(1, now, { random: fixed(0.5), retryAfterMs: Number.POSITIVE_INFINITY })).toBe(
      now + 5 * S,
    );
  });

  it('still gives up when the schedule is exhausted, whatever Retry-After says', () => {
    expect(nextAttemptAt(10, now, { random: fixed(0.5), retryAfterMs: 1000 })).toBeUndefined();
  });
});
