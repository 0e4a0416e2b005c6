import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, mailmonSignature, standardSignature, verifyWebhook } from './sign.js';

// the Standard Webhooks specification's published example
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('webhook signatures', () => {
  it('reproduces the Standard Webhooks known-answer vector', () => {
    expect(standardSignature([SPEC.secret], SPEC.id, SPEC.timestamp, SPEC.body)).toBe(SPEC.signature);
  });

  it('is accepted by the independent standardwebhooks package', () => {
    const secret = generateWebhookSecret();
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ id: 'evt_1', type: 'message.created' });
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(now),
      'webhook-signature': standardSignature([secret], 'evt_1', now, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual({ id: 'evt_1', type: 'message.created' });
  });

  it('signs x-mailmon-signature as hex HMAC of "<t>.<body>", checked independently', () => {
    const secret = 'whsec_dGVzdC1rZXktZm9yLW1haWxtb24tc2lnbmF0dXJlcw==';
    const expected = createHmac(
      'sha256',
      Buffer.from('dGVzdC1rZXktZm9yLW1haWxtb24tc2lnbmF0dXJlcw==', 'base64'),
    )
      .update('1700000000.{"a":1}')
      .digest('hex');
    expect(mailmonSignature([secret], 1700000000, '{"a":1}')).toBe(`t=1700000000,v1=${expected}`);
  });

  it('lists one signature per active secret during rotation, and either verifies', () => {
    const [old, next] = [generateWebhookSecret(), generateWebhookSecret()];
    const now = 1_700_000_000_000;
    const t = now / 1000;
    const body = '{"x":1}';
    const both = standardSignature([old, next], 'evt_2', t, body);
    expect(both.split(' ')).toHaveLength(2);
    for (const secret of [old, next]) {
      const headers = { 'webhook-id': 'evt_2', 'webhook-timestamp': String(t), 'webhook-signature': both };
      expect(verifyWebhook({ headers, rawBody: body, secrets: [secret], now })).toEqual({
        ok: true,
        payload: { x: 1 },
      });
      const mm = { 'x-mailmon-signature': mailmonSignature([old, next], t, body) };
      expect(verifyWebhook({ headers: mm, rawBody: body, secrets: [secret], now }).ok).toBe(true);
    }
  });

  it('rejects tampered bodies, wrong secrets, stale timestamps and missing headers', () => {
    const secret = generateWebhookSecret();
    const now = 1_700_000_000_000;
    const t = now / 1000;
    const headers = {
      'webhook-id': 'e',
      'webhook-timestamp': String(t),
      'webhook-signature': standardSignature([secret], 'e', t, '{}'),
    };
    expect(verifyWebhook({ headers, rawBody: '{"x":1}', secrets: [secret], now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyWebhook({ headers, rawBody: '{}', secrets: [generateWebhookSecret()], now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyWebhook({ headers, rawBody: '{}', secrets: [secret], now: now + 301_000 })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyWebhook({ headers: {}, rawBody: '{}', secrets: [secret], now })).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
  });
});
