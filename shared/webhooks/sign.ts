import { createHmac, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import { NonRetryableError } from '../core/errors.js';

/** Prefix of a Standard Webhooks secret; the rest is the base64 HMAC key. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** Receivers accept timestamps this far from their clock, either way (the Standard Webhooks default). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A source of cryptographically random bytes. */
export type RandomBytes = (size: number) => Uint8Array;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UNIX_SECONDS = /^\d{1,12}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** A new endpoint secret: `whsec_` + 32 random bytes in base64 (the Standard Webhooks format). */
export function generateWebhookSecret(randomBytes: RandomBytes = nodeRandomBytes): string {
  return WEBHOOK_SECRET_PREFIX + Buffer.from(randomBytes(32)).toString('base64');
}

/**
 * The HMAC key of a secret: the base64 after `whsec_` (the prefix is optional, as in the reference
 * implementations). Throws {@link NonRetryableError} `invalid_webhook_secret` for anything else.
 */
export function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX)
    ? secret.slice(WEBHOOK_SECRET_PREFIX.length)
    : secret;
  if (encoded.length === 0 || !BASE64.test(encoded))
    throw new NonRetryableError('A webhook secret is whsec_ followed by base64', 'invalid_webhook_secret');
  return Buffer.from(encoded, 'base64');
}

function hmac(secret: string, content: string | Uint8Array, prefix: string): Buffer {
  return createHmac('sha256', webhookSecretKey(secret)).update(prefix).update(content).digest();
}

function assertTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new NonRetryableError('A webhook timestamp is whole Unix seconds', 'invalid_webhook_timestamp');
}

/**
 * The `webhook-signature` header of Standard Webhooks: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`
 * for each secret, space-separated, in the order given.
 */
export function standardSignature(
  secrets: readonly string[],
  webhookId: string,
  timestamp: number,
  body: string | Uint8Array,
): string {
  assertTimestamp(timestamp);
  return secrets.map((s) => `v1,${hmac(s, body, `${webhookId}.${timestamp}.`).toString('base64')}`).join(' ');
}

/**
 * Mailmon's `x-mailmon-signature` header: `t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, with one
 * `v1=` entry per secret, in the order given.
 */
export function mailmonSignature(
  secrets: readonly string[],
  timestamp: number,
  body: string | Uint8Array,
): string {
  assertTimestamp(timestamp);
  const macs = secrets.map((s) => `v1=${hmac(s, body, `${timestamp}.`).toString('hex')}`);
  return [`t=${timestamp}`, ...macs].join(',');
}

/** Both signature headers for one request body. Throws when `secrets` is empty: nothing unsigned leaves. */
export function signWebhook(input: {
  webhookId: string;
  timestamp: number;
  body: string;
  secrets: readonly string[];
}): { 'webhook-signature': string; 'x-mailmon-signature': string } {
  if (input.secrets.length === 0)
    throw new NonRetryableError('An endpoint without an active secret cannot be signed for', 'no_secret');
  return {
    'webhook-signature': standardSignature(input.secrets, input.webhookId, input.timestamp, input.body),
    'x-mailmon-signature': mailmonSignature(input.secrets, input.timestamp, input.body),
  };
}

/** Headers as receivers have them: a plain object (node:http, Express) or a Fetch `Headers`. */
export type ReceivedHeaders = Record<string, string | string[] | undefined> | Headers;

/** Why a received webhook failed verification. */
export type VerifyFailure = 'missing_headers' | 'malformed_headers' | 'stale_timestamp' | 'bad_signature';

/** The result of {@link verifyWebhook}. */
export type VerifyResult =
  | {
      ok: true;
      scheme: 'standard-webhooks' | 'mailmon';
      /** The signed timestamp (Unix seconds). */
      timestamp: number;
      /** The signed `webhook-id` (Standard Webhooks only): the event id, stable across retries and replays. */
      webhookId: string | undefined;
    }
  | { ok: false; reason: VerifyFailure };

function headerReader(headers: ReceivedHeaders): (name: string) => string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return (n) => headers.get(n) ?? undefined;
  const lower = new Map<string, string | string[] | undefined>();
  for (const [k, v] of Object.entries(headers)) lower.set(k.toLowerCase(), v);
  return (n) => {
    const v = lower.get(n);
    return Array.isArray(v) ? v[0] : v;
  };
}

function matchesAny(offered: readonly Buffer[], expected: readonly Buffer[]): boolean {
  let matched = false;
  // every pair is compared so the time taken does not reveal which one matched
  for (const o of offered)
    for (const e of expected) if (o.length === e.length && timingSafeEqual(o, e)) matched = true;
  return matched;
}

/**
 * Verifies a received Mailmon webhook (for receivers and the SDK) against one or more secrets (several
 * during a rotation). The Standard Webhooks headers are checked when present; otherwise
 * `x-mailmon-signature`. A signature is accepted when any offered `v1` entry equals the HMAC under any
 * secret, compared in constant time over the raw body exactly as received. Timestamps more than
 * `toleranceSeconds` (default 300) from `now` (epoch ms, default the wall clock) are rejected either way.
 * Never throws for bad input, only for a malformed secret, or (`RangeError`) for a `toleranceSeconds` that is
 * not a finite number ≥ 0 or a `now` that is not finite, either of which would disable the timestamp check.
 */
export function verifyWebhook(input: {
  headers: ReceivedHeaders;
  rawBody: string | Uint8Array;
  secrets: string | readonly string[];
  toleranceSeconds?: number;
  now?: number;
}): VerifyResult {
  const secrets = typeof input.secrets === 'string' ? [input.secrets] : input.secrets;
  const keys = secrets.map(webhookSecretKey);
  const header = headerReader(input.headers);
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  // a NaN or infinite bound would make every timestamp comparison pass: refuse it instead of skipping the check
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw new RangeError('toleranceSeconds must be a finite number of seconds, 0 or more');
  if (!Number.isFinite(nowSeconds)) throw new RangeError('now must be a finite epoch time in ms');
  const mac = (content: string) =>
    keys.map((k) => createHmac('sha256', k).update(content).update(input.rawBody).digest());

  const id = header('webhook-id');
  const standardTimestamp = header('webhook-timestamp');
  const standard = header('webhook-signature');
  if (id !== undefined || standardTimestamp !== undefined || standard !== undefined) {
    if (!id || !standardTimestamp || !standard) return { ok: false, reason: 'missing_headers' };
    if (!UNIX_SECONDS.test(standardTimestamp)) return { ok: false, reason: 'malformed_headers' };
    const t = Number(standardTimestamp);
    if (Math.abs(nowSeconds - t) > tolerance) return { ok: false, reason: 'stale_timestamp' };
    const offered = standard
      .split(' ')
      .map((entry) => entry.split(','))
      .filter((parts) => parts.length === 2 && parts[0] === 'v1' && BASE64.test(parts[1]!))
      .map((parts) => Buffer.from(parts[1]!, 'base64'));
    return matchesAny(offered, mac(`${id}.${t}.`))
      ? { ok: true, scheme: 'standard-webhooks', timestamp: t, webhookId: id }
      : { ok: false, reason: 'bad_signature' };
  }

  const mailmon = header('x-mailmon-signature');
  if (!mailmon) return { ok: false, reason: 'missing_headers' };
  const entries = mailmon.split(',').map((part) => {
    const at = part.indexOf('=');
    return at < 0 ? { key: part, value: '' } : { key: part.slice(0, at), value: part.slice(at + 1) };
  });
  const stamps = entries.filter((e) => e.key === 't');
  if (stamps.length !== 1 || !UNIX_SECONDS.test(stamps[0]!.value))
    return { ok: false, reason: 'malformed_headers' };
  const t = Number(stamps[0]!.value);
  if (Math.abs(nowSeconds - t) > tolerance) return { ok: false, reason: 'stale_timestamp' };
  const offered = entries
    .filter((e) => e.key === 'v1' && HEX_SHA256.test(e.value))
    .map((e) => Buffer.from(e.value, 'hex'));
  // this scheme signs no id: receivers take the event id from the verified body
  return matchesAny(offered, mac(`${t}.`))
    ? { ok: true, scheme: 'mailmon', timestamp: t, webhookId: undefined }
    : { ok: false, reason: 'bad_signature' };
}
