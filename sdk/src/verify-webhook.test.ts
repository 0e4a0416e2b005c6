import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../shared/webhooks/sign.js';
import { verifyWebhook, WebhookVerificationError } from './verify-webhook.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = JSON.stringify({ id: 'evt_1', type: 'message.created', data: {} });
const now = new Date('2026-06-01T00:00:00Z');
const timestamp = Math.floor(now.getTime() / 1000);

function signed(overrides: { secret?: string; body?: string; timestamp?: number } = {}) {
  const signature = new Webhook(overrides.secret ?? secret).sign(
    'evt_1',
    new Date((overrides.timestamp ?? timestamp) * 1000),
    overrides.body ?? body,
  );
  return {
    'webhook-id': 'evt_1',
    'webhook-timestamp': String(overrides.timestamp ?? timestamp),
    'webhook-signature': signature,
  };
}

describe('verifyWebhook', () => {
  it('accepts what the independent standardwebhooks package signs, and answers the event', () => {
    expect(verifyWebhook(body, signed(), secret, { now })).toMatchObject({
      id: 'evt_1',
      type: 'message.created',
    });
    expect(verifyWebhook(body, new Headers(signed()), secret, { now }).id).toBe('evt_1');
  });

  it('accepts what Mailmon’s own signer sends, with either secret during a rotation', () => {
    const other = 'whsec_dGhlLW5ldy1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==';
    const headers = signWebhook({ webhookId: 'evt_1', timestamp, body, secrets: [other, secret] });
    const all = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(timestamp), ...headers };
    expect(verifyWebhook(body, all, secret, { now }).id).toBe('evt_1');
    expect(verifyWebhook(body, all, other, { now }).id).toBe('evt_1');
  });

  it('refuses a tampered body, a wrong secret, an old or future timestamp and missing headers', () => {
    const refuse = (fn: () => unknown, message: RegExp) => {
      expect(fn).toThrow(WebhookVerificationError);
      expect(fn).toThrow(message);
    };
    refuse(() => verifyWebhook(`${body} `, signed(), secret, { now }), /signature/);
    refuse(
      () =>
        verifyWebhook(body, signed({ secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), secret, { now }),
      /signature/,
    );
    refuse(() => verifyWebhook(body, signed({ timestamp: timestamp - 301 }), secret, { now }), /timestamp/);
    refuse(() => verifyWebhook(body, signed({ timestamp: timestamp + 301 }), secret, { now }), /timestamp/);
    const { 'webhook-signature': _s, ...unsigned } = signed();
    refuse(() => verifyWebhook(body, unsigned, secret, { now }), /Missing/);
  });

  it('refuses to verify with a tolerance or clock that would skip the timestamp check', () => {
    const old = signed({ timestamp: timestamp - 10 * 365 * 86_400 });
    for (const toleranceSeconds of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      expect(() => verifyWebhook(body, old, secret, { now, toleranceSeconds })).toThrow(RangeError);
      expect(() => verifyWebhook(body, old, secret, { now, toleranceSeconds })).toThrow(/toleranceSeconds/);
    }
    expect(() => verifyWebhook(body, old, secret, { now: new Date('not a date') })).toThrow(RangeError);
    expect(verifyWebhook(body, signed(), secret, { now, toleranceSeconds: 0 }).id).toBe('evt_1');
  });
});
