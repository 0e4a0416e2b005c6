import type { MailmonEvent } from '../events/event.js';
import { signWebhook } from './sign.js';

/** The `user-agent` of every webhook request. */
export const WEBHOOK_USER_AGENT = 'Mailmon-Webhooks/1';

/** A signed webhook request, ready for an `HttpSender`. */
export interface DeliveryRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The JSON body of a webhook: exactly the event envelope (`id, type, schemaVersion, occurredAt,
 * workspaceId, tenantExternalId, mailboxId, seq, data`) in that order; stored bookkeeping fields never leak.
 */
export function eventEnvelopeJson(event: MailmonEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    occurredAt: event.occurredAt,
    workspaceId: event.workspaceId,
    tenantExternalId: event.tenantExternalId,
    mailboxId: event.mailboxId,
    seq: event.seq,
    data: event.data,
  });
}

/**
 * Builds one signed attempt of a delivery. `webhook-id` and `x-mailmon-event-id` are the event id, so
 * retries and replays of an event carry the same id and receivers can deduplicate on it;
 * `webhook-timestamp` is `now` in Unix seconds and both signatures cover it, with one signature per
 * active secret (newest first, as given). Throws `NonRetryableError` when the endpoint has no secret.
 */
export function buildDeliveryRequest(input: {
  event: MailmonEvent;
  delivery: { id: string; attempt: number };
  endpoint: { url: string; secrets: readonly string[] };
  now: number;
}): DeliveryRequest {
  const { event, delivery, endpoint } = input;
  const body = eventEnvelopeJson(event);
  const timestamp = Math.floor(input.now / 1000);
  const signatures = signWebhook({ webhookId: event.id, timestamp, body, secrets: endpoint.secrets });
  return {
    url: endpoint.url,
    headers: {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatures['webhook-signature'],
      'x-mailmon-delivery-id': delivery.id,
      'x-mailmon-event-id': event.id,
      'x-mailmon-attempt': String(delivery.attempt),
      'x-mailmon-signature': signatures['x-mailmon-signature'],
    },
    body,
  };
}
