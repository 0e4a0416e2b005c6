import { describe, expect, it } from 'vitest';
import { address, errorDetail, iso } from './views.js';

describe('API views', () => {
  it('write times as ISO 8601 and keep null as null', () => {
    expect(iso(Date.UTC(2026, 4, 4, 10))).toBe('2026-05-04T10:00:00.000Z');
    expect(iso(null)).toBeNull();
  });

  it('read a From header into name and email', () => {
    expect(address('"Ada Lovelace" <ada@example.com>')).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
    });
    expect(address('Ada <ada@example.com>')).toEqual({ name: 'Ada', email: 'ada@example.com' });
    expect(address('<ada@example.com>')).toEqual({ name: null, email: 'ada@example.com' });
    expect(address('ada@example.com')).toEqual({ name: null, email: 'ada@example.com' });
  });

  it('show a stored failure with its time and whether it is retried by itself', () => {
    const stored = { code: 'retry_later', message: 'Gmail throttled', at: Date.UTC(2026, 0, 1) };
    expect(errorDetail(stored, (c) => c === 'retry_later')).toEqual({
      code: 'retry_later',
      message: 'Gmail throttled',
      occurredAt: '2026-01-01T00:00:00.000Z',
      retryable: true,
    });
    expect(errorDetail(null, () => true)).toBeNull();
  });
});
