import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MailmonEvent } from './generated.js';

/** Why a webhook was refused. */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
}

/** Headers as Node, fetch or most frameworks give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const found = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = found === undefined ? undefined : record[found];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Verifies a Mailmon webhook (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`)
 * against the endpoint's `whsec_…` secret and answers the event. Pass the raw request body exactly as
 * received. Throws {@link WebhookVerificationError} when a header is missing, no `v1` signature matches
 * (compared in constant time) or the timestamp is more than `toleranceSeconds` (300) from `now`.
 * During a secret rotation, deliveries carry a signature per active secret; either secret verifies.
 * Throws `RangeError` for a `toleranceSeconds` that is not a finite number ≥ 0 or an invalid `now`, which
 * would otherwise disable the timestamp check.
 */
export function verifyWebhook(
  body: string,
  headers: WebhookHeaders,
  secret: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): MailmonEvent {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures)
    throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature header');
  const tolerance = options.toleranceSeconds ?? 300;
  // a NaN or infinite bound would make every comparison below pass: refuse it instead of skipping the check
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw new RangeError('toleranceSeconds must be a finite number of seconds, 0 or more');
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (!Number.isFinite(now)) throw new RangeError('now must be a valid Date');
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs(now - seconds) > tolerance)
    throw new WebhookVerificationError('The webhook timestamp is too old or too new');
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  const matches = signatures.split(' ').some((candidate) => {
    const [version, value] = candidate.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookVerificationError('No webhook signature matches the secret');
  let event: MailmonEvent;
  try {
    event = JSON.parse(body) as MailmonEvent;
  } catch {
    throw new WebhookVerificationError('The webhook body is not JSON');
  }
  if (event.id !== id) throw new WebhookVerificationError('The body’s event id differs from webhook-id');
  return event;
}
