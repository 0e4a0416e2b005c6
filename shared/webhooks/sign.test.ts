import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  generateWebhookSecret,
  mailmonSignature,
  signWebhook,
  standardSignature,
  verifyWebhook,
  webhookSecretKey,
} from './sign.js';

// the example published with the Standard Webhooks specification and its reference libraries
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

// Mailmon's own vector: key bytes 0x00..0x1f, a fixed body and timestamp
const MAILMON = {
  secret: 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  timestamp: 1700000000,
  body: '{"id":"evt_vector","type":"message.created"}',
  header: 't=1700000000,v1=a97220a5445a04eda8917d5a3b155bb4a74ba0ab161f80d331cd4cfb3299b9c3',
};

const at = (unixSeconds: number) => unixSeconds * 1000;

describe('Standard Webhooks signatures', () => {
  it('reproduce the published known-answer vector', () => {
    expect(standardSignature([SPEC.secret], SPEC.id, SPEC.timestamp, SPEC.body)).toBe(SPEC.signature);
  });

  it('equal an independent HMAC-SHA256 over "<id>.<timestamp>.<body>" keyed by the base64 after whsec_', () => {
    const key = Buffer.from(SPEC.secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key)
      .update(`${SPEC.id}.${SPEC.timestamp}.${SPEC.body}`)
      .digest('base64');
    expect(SPEC.signature).toBe(`v1,${expected}`);
  });

  it('are accepted by the standardwebhooks package', () => {
    const secret = generateWebhookSecret();
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ id: 'evt_1', type: 'message.created', data: { subject: 'Grüße ✓' } });
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(now),
      'webhook-signature': standardSignature([secret], 'evt_1', now, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('list one space-separated v1 entry per active secret, each accepted by the standardwebhooks package', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const now = Math.floor(Date.now() / 1000);
    const header = standardSignature([current, previous], 'evt_2', now, '{}');
    expect(header).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
    const headers = { 'webhook-id': 'evt_2', 'webhook-timestamp': String(now), 'webhook-signature': header };
    expect(new Webhook(current).verify('{}', headers)).toEqual({});
    expect(new Webhook(previous).verify('{}', headers)).toEqual({});
  });
});

describe('x-mailmon-signature', () => {
  it('reproduces Mailmon’s known-answer vector', () => {
    expect(mailmonSignature([MAILMON.secret], MAILMON.timestamp, MAILMON.body)).toBe(MAILMON.header);
  });

  it('is the hex HMAC-SHA256 of "<t>.<raw body>", as an independent node:crypto computation says', () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    expect(MAILMON.secret).toBe(`whsec_${key.toString('base64')}`);
    const hex = createHmac('sha256', key).update(`${MAILMON.timestamp}.${MAILMON.body}`).digest('hex');
    expect(MAILMON.header).toBe(`t=${MAILMON.timestamp},v1=${hex}`);
  });

  it('carries one v1= entry per active secret during a rotation', () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    expect(mailmonSignature([a, b], 1, 'x')).toMatch(/^t=1,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
  });
});

describe('signing', () => {
  it('produces both headers from the same timestamp and refuses to sign without a secret', () => {
    const signed = signWebhook({
      webhookId: 'evt_3',
      timestamp: 1700000000,
      body: '{}',
      secrets: [MAILMON.secret],
    });
    expect(signed['webhook-signature']).toBe(standardSignature([MAILMON.secret], 'evt_3', 1700000000, '{}'));
    expect(signed['x-mailmon-signature']).toBe(mailmonSignature([MAILMON.secret], 1700000000, '{}'));
    expect(() => signWebhook({ webhookId: 'e', timestamp: 1, body: '{}', secrets: [] })).toThrow(
      /without an active secret/,
    );
  });

  it('refuses malformed secrets and timestamps', () => {
    expect(() => webhookSecretKey('whsec_')).toThrow(/whsec_/);
    expect(() => webhookSecretKey('whsec_not base64!')).toThrow(/whsec_/);
    expect(() => standardSignature([MAILMON.secret], 'e', 1.5, '{}')).toThrow(/Unix seconds/);
    expect(() => mailmonSignature([MAILMON.secret], -1, '{}')).toThrow(/Unix seconds/);
  });

  it('accepts a secret without the whsec_ prefix, as the reference libraries do', () => {
    expect(standardSignature([SPEC.secret.slice(6)], SPEC.id, SPEC.timestamp, SPEC.body)).toBe(
      SPEC.signature,
    );
  });

  it('generates 32-byte whsec_ secrets from the injected random source', () => {
    const secret = generateWebhookSecret((n) => new Uint8Array(n).fill(7));
    expect(secret).toBe(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
    expect(webhookSecretKey(generateWebhookSecret())).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(generateWebhookSecret());
  });
});

describe('verifying a received webhook', () => {
  const secret = MAILMON.secret;
  const t = 1700000000;
  const body = '{"id":"evt_9"}';
  const standardHeaders = (over: Record<string, string> = {}) => ({
    'webhook-id': 'evt_9',
    'webhook-timestamp': String(t),
    'webhook-signature': standardSignature([secret], 'evt_9', t, body),
    ...over,
  });

  it('accepts the published Standard Webhooks vector', () => {
    const headers = {
      'webhook-id': SPEC.id,
      'webhook-timestamp': String(SPEC.timestamp),
      'webhook-signature': SPEC.signature,
    };
    expect(
      verifyWebhook({ headers, rawBody: SPEC.body, secrets: SPEC.secret, now: at(SPEC.timestamp) }),
    ).toEqual({
      ok: true,
      scheme: 'standard-webhooks',
      timestamp: SPEC.timestamp,
      webhookId: SPEC.id,
    });
  });

  it('accepts Mailmon’s vector through x-mailmon-signature alone', () => {
    const headers = { 'x-mailmon-signature': MAILMON.header };
    expect(
      verifyWebhook({ headers, rawBody: MAILMON.body, secrets: [secret], now: at(MAILMON.timestamp) }),
    ).toEqual({
      ok: true,
      scheme: 'mailmon',
      timestamp: MAILMON.timestamp,
      webhookId: undefined,
    });
  });

  it('accepts signatures made by the standardwebhooks package', () => {
    const other = generateWebhookSecret();
    const signature = new Webhook(other).sign('evt_9', new Date(at(t)), body);
    const headers = standardHeaders({ 'webhook-signature': signature });
    expect(verifyWebhook({ headers, rawBody: body, secrets: other, now: at(t) }).ok).toBe(true);
  });

  it('accepts either secret of a rotation, whichever one the receiver holds', () => {
    const next = generateWebhookSecret();
    const both = signWebhook({ webhookId: 'evt_9', timestamp: t, body, secrets: [next, secret] });
    for (const held of [secret, next, [next, secret]]) {
      const standard = standardHeaders({ 'webhook-signature': both['webhook-signature'] });
      expect(verifyWebhook({ headers: standard, rawBody: body, secrets: held, now: at(t) }).ok).toBe(true);
      const mm = { 'x-mailmon-signature': both['x-mailmon-signature'] };
      expect(verifyWebhook({ headers: mm, rawBody: body, secrets: held, now: at(t) }).ok).toBe(true);
    }
  });

  it('reads mixed-case headers, node:http arrays and Fetch Headers', () => {
    const upper = Object.fromEntries(Object.entries(standardHeaders()).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook({ headers: upper, rawBody: body, secrets: secret, now: at(t) }).ok).toBe(true);
    const arrays = Object.fromEntries(Object.entries(standardHeaders()).map(([k, v]) => [k, [v]]));
    expect(verifyWebhook({ headers: arrays, rawBody: body, secrets: secret, now: at(t) }).ok).toBe(true);
    const fetchHeaders = new Headers(standardHeaders());
    expect(verifyWebhook({ headers: fetchHeaders, rawBody: body, secrets: secret, now: at(t) }).ok).toBe(
      true,
    );
  });

  it('verifies the raw bytes, so a Buffer body works and a re-serialised body does not', () => {
    expect(
      verifyWebhook({ headers: standardHeaders(), rawBody: Buffer.from(body), secrets: secret, now: at(t) })
        .ok,
    ).toBe(true);
    const reserialised = JSON.stringify(JSON.parse(body), null, 2);
    expect(
      verifyWebhook({ headers: standardHeaders(), rawBody: reserialised, secrets: secret, now: at(t) }),
    ).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects a tampered body, a wrong secret, a changed id and a changed timestamp', () => {
    const fail = { ok: false, reason: 'bad_signature' };
    const wrong = generateWebhookSecret();
    expect(
      verifyWebhook({ headers: standardHeaders(), rawBody: '{"id":"evt_8"}', secrets: secret, now: at(t) }),
    ).toEqual(fail);
    expect(verifyWebhook({ headers: standardHeaders(), rawBody: body, secrets: wrong, now: at(t) })).toEqual(
      fail,
    );
    const otherId = standardHeaders({ 'webhook-id': 'evt_8' });
    expect(verifyWebhook({ headers: otherId, rawBody: body, secrets: secret, now: at(t) })).toEqual(fail);
    const otherTime = standardHeaders({ 'webhook-timestamp': String(t + 1) });
    expect(verifyWebhook({ headers: otherTime, rawBody: body, secrets: secret, now: at(t) })).toEqual(fail);
    const mm = { 'x-mailmon-signature': mailmonSignature([secret], t, body).replace(`t=${t}`, `t=${t + 1}`) };
    expect(verifyWebhook({ headers: mm, rawBody: body, secrets: secret, now: at(t) })).toEqual(fail);
  });

  it('rejects timestamps more than the tolerance away, in either direction', () => {
    const check = (now: number, toleranceSeconds?: number) =>
      verifyWebhook({ headers: standardHeaders(), rawBody: body, secrets: secret, now, toleranceSeconds });
    expect(check(at(t + 300)).ok).toBe(true);
    expect(check(at(t - 300)).ok).toBe(true);
    expect(check(at(t + 301))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(check(at(t - 301))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(check(at(t + 60), 30)).toEqual({ ok: false, reason: 'stale_timestamp' });
    const mm = { 'x-mailmon-signature': mailmonSignature([secret], t, body) };
    expect(verifyWebhook({ headers: mm, rawBody: body, secrets: secret, now: at(t + 301) })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('refuses to verify with a tolerance or clock that would skip the timestamp check', () => {
    const old = standardHeaders();
    const check = (now: number, toleranceSeconds?: number) => () =>
      verifyWebhook({ headers: old, rawBody: body, secrets: secret, now, toleranceSeconds });
    for (const tolerance of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      expect(check(at(t + 10 * 365 * 86_400), tolerance)).toThrow(RangeError);
      expect(check(at(t + 10 * 365 * 86_400), tolerance)).toThrow(/toleranceSeconds/);
    }
    expect(check(Number.NaN)).toThrow(RangeError);
    expect(check(at(t), 0)()).toMatchObject({ ok: true });
  });

  it('rejects missing and malformed headers and entries of other versions', () => {
    const verify = (headers: Record<string, string>) =>
      verifyWebhook({ headers, rawBody: body, secrets: secret, now: at(t) });
    expect(verify({})).toEqual({ ok: false, reason: 'missing_headers' });
    const { 'webhook-id': _id, ...noId } = standardHeaders();
    expect(verify(noId)).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verify(standardHeaders({ 'webhook-timestamp': '17e8' }))).toEqual({
      ok: false,
      reason: 'malformed_headers',
    });
    const sig = standardHeaders()['webhook-signature'];
    expect(verify(standardHeaders({ 'webhook-signature': sig.replace('v1,', 'v2,') }))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verify({ 'x-mailmon-signature': 'v1=00' })).toEqual({ ok: false, reason: 'malformed_headers' });
    expect(verify({ 'x-mailmon-signature': `t=${t},t=${t},v1=${'0'.repeat(64)}` })).toEqual({
      ok: false,
      reason: 'malformed_headers',
    });
    expect(verify({ 'x-mailmon-signature': `t=${t}` })).toEqual({ ok: false, reason: 'bad_signature' });
  });
});
