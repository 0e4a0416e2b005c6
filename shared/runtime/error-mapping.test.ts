import { describe, expect, it } from 'vitest';
import {
  HistoryExpiredError,
  NonRetryableError,
  ReconnectRequiredError,
  RetryAfterError,
} from '../core/errors.js';
import { mapErrorToHttp } from './error-mapping.js';

describe('mapErrorToHttp', () => {
  it('asks for a retry after the given delay, rounded up to whole seconds', () => {
    const { problem, headers } = mapErrorToHttp(new RetryAfterError('quota', 1500));
    expect(problem).toMatchObject({ status: 503, code: 'retry_later', retryAfterSeconds: 2 });
    expect(headers).toEqual({ 'retry-after': '2' });
  });

  it('makes a non-retryable error a final 4xx carrying its stable code', () => {
    const { problem } = mapErrorToHttp(new NonRetryableError('bad field', 'invalid_request'));
    expect(problem).toMatchObject({ status: 400, code: 'invalid_request', detail: 'bad field' });
    expect(problem.type).toBe('https://mailmon.dev/problems/invalid_request');
  });

  it('maps reconnect and expired-history outcomes to 409 conflicts', () => {
    expect(mapErrorToHttp(new ReconnectRequiredError()).problem).toMatchObject({
      status: 409,
      code: 'reconnect_required',
    });
    expect(mapErrorToHttp(new HistoryExpiredError('42')).problem).toMatchObject({
      status: 409,
      code: 'history_expired',
    });
  });

  it('hides the message of unexpected errors', () => {
    const { problem } = mapErrorToHttp(new Error('refresh_token=1//secret'));
    expect(problem).toMatchObject({ status: 500, code: 'internal' });
    expect(JSON.stringify(problem)).not.toContain('secret');
  });
});
