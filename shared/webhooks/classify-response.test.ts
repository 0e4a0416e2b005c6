import { describe, expect, it } from 'vitest';
import { classifyResponse, parseRetryAfter } from './classify-response.js';
import type { HttpResult } from './ports.js';

const now = Date.UTC(2026, 5, 1, 12, 0, 0);
const response = (status: number, headers: Record<string, string> = {}): HttpResult => ({
  kind: 'response',
  status,
  headers,
  body: '',
});
const outcome = (status: number) => classifyResponse(response(status), now).outcome;

describe('classifying an attempt', () => {
  it('counts every 2xx as delivered', () => {
    for (const s of [200, 201, 202, 204, 299]) expect(outcome(s), String(s)).toBe('delivered');
  });

  it('retries 408, 429 and every 5xx', () => {
    for (const s of [408, 429, 500, 501, 502, 503, 504, 599]) expect(outcome(s), String(s)).toBe('retry');
  });

  it('retries timeouts and network errors', () => {
    expect(classifyResponse({ kind: 'timeout', error: 'x' }, now)).toEqual({ outcome: 'retry' });
    expect(classifyResponse({ kind: 'network_error', error: 'ECONNREFUSED' }, now)).toEqual({
      outcome: 'retry',
    });
  });

  it('reports 410 Gone as endpoint_gone', () => {
    expect(outcome(410)).toBe('endpoint_gone');
  });

  it('fails other 4xx and every 3xx, since redirects are not followed', () => {
    for (const s of [400, 401, 403, 404, 405, 409, 413, 422, 301, 302, 303, 307, 308, 304, 100, 600])
      expect(outcome(s), String(s)).toBe('failed');
  });

  it('passes on Retry-After with retryable statuses only', () => {
    expect(classifyResponse(response(503, { 'retry-after': '120' }), now)).toEqual({
      outcome: 'retry',
      retryAfterMs: 120_000,
    });
    expect(
      classifyResponse(response(429, { 'retry-after': new Date(now + 90_000).toUTCString() }), now),
    ).toEqual({
      outcome: 'retry',
      retryAfterMs: 90_000,
    });
    expect(classifyResponse(response(500), now)).toEqual({ outcome: 'retry' });
    expect(classifyResponse(response(400, { 'retry-after': '120' }), now)).toEqual({ outcome: 'failed' });
    expect(classifyResponse(response(200, { 'retry-after': '120' }), now)).toEqual({ outcome: 'delivered' });
  });
});

describe('reading Retry-After', () => {
  it('reads delay seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });

  it('reads the three HTTP date formats as GMT, and a past date as no wait', () => {
    const target = Date.UTC(2026, 5, 1, 12, 30, 0);
    expect(parseRetryAfter('Mon, 01 Jun 2026 12:30:00 GMT', now)).toBe(target - now);
    expect(parseRetryAfter('Monday, 01-Jun-26 12:30:00 GMT', now)).toBe(target - now);
    expect(parseRetryAfter('Mon Jun  1 12:30:00 2026', now)).toBe(target - now);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(0);
  });

  it('ignores absent, negative, fractional and unparsable values', () => {
    for (const v of [undefined, null, '', '-5', '1.5', '1e3', 'soon', '12 apples'])
      expect(parseRetryAfter(v, now), String(v)).toBeUndefined();
  });
});
