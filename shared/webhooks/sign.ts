import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new endpoint secret: `whsec_` + 32 random bytes in base64 (the Standard Webhooks format). */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

function keyOf(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new Error('a webhook secret starts with whsec_');
  return Buffer.from(secret.slice(PREFIX.length), 'base64');
}

/** Standard Webhooks: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, one per active secret. */
export function standardSignature(
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): string {
  return secrets
    .map((s) => `v1,${createHmac('sha256', keyOf(s)).update(`${id}.${timestamp}.${body}`).digest('base64')}`)
    .join(' ');
}

/** Mailmon's Stripe-style header: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, a `v1=` per active secret. */
export function mailmonSignature(secrets: readonly string[], timestamp: number, body: string): string {
  const macs = secrets.map(
    (s) => `v1=${createHmac('sha256', keyOf(s)).update(`${timestamp}.${body}`).digest('hex')}`,
  );
  return [`t=${timestamp}`, ...macs].join(',');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Why a webhook failed verification. */
export type VerifyFailure = 'missing_headers' | 'stale_timestamp' | 'bad_signature';

/**
 * Verifies a received webhook (for receivers and the SDK): either the Standard Webhooks headers or
 * `x-mailmon-signature`, against any of `secrets`, rejecting timestamps more than `toleranceSeconds` from
 * `now`. Comparison is constant-time. Returns the parsed body on success.
 */
export function verifyWebhook(input: {
  headers: Record<string, string | undefined>;
  rawBody: string;
  secrets: readonly string[];
  now?: number;
  toleranceSeconds?: number;
}): { ok: true; payload: unknown } | { ok: false; reason: VerifyFailure } {
  const h = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  const tolerance = input.toleranceSeconds ?? 300;
  const fresh = (t: number) => Number.isFinite(t) && Math.abs(nowSeconds - t) <= tolerance;
  let matched = false;
  if (h['webhook-id'] && h['webhook-timestamp'] && h['webhook-signature']) {
    const t = Number(h['webhook-timestamp']);
    if (!fresh(t)) return { ok: false, reason: 'stale_timestamp' };
    const offered = h['webhook-signature'].split(' ');
    const expected = standardSignature(input.secrets, h['webhook-id'], t, input.rawBody).split(' ');
    matched = offered.some((o) => expected.some((e) => safeEqual(o, e)));
  } else if (h['x-mailmon-signature']) {
    const parts = h['x-mailmon-signature'].split(',');
    const t = Number(parts.find((p) => p.startsWith('t='))?.slice(2));
    if (!fresh(t)) return { ok: false, reason: 'stale_timestamp' };
    const offered = parts.filter((p) => p.startsWith('v1='));
    const expected = mailmonSignature(input.secrets, t, input.rawBody).split(',').slice(1);
    matched = offered.some((o) => expected.some((e) => safeEqual(o, e)));
  } else {
    return { ok: false, reason: 'missing_headers' };
  }
  if (!matched) return { ok: false, reason: 'bad_signature' };
  return { ok: true, payload: JSON.parse(input.rawBody) };
}
