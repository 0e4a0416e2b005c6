import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { MailmonEvent } from '../events/event.js';
import { buildDeliveryRequest, eventEnvelopeJson } from './build-delivery-request.js';
import { generateWebhookSecret, verifyWebhook } from './sign.js';

const event: MailmonEvent = {
  id: 'evt_abc',
  type: 'message.created',
  schemaVersion: 1,
  occurredAt: '2026-06-01T12:00:00.000Z',
  workspaceId: 'ws_1',
  tenantExternalId: 'tenant-9',
  mailboxId: 'mbx_1',
  seq: 42,
  data: { messageId: 'm1', subject: 'Hello ✓' },
};
const now = Date.UTC(2026, 5, 1, 12, 0, 5, 750);

describe('building a delivery request', () => {
  const secret = generateWebhookSecret();
  const request = buildDeliveryRequest({
    event,
    delivery: { id: 'dlv_1', attempt: 3 },
    endpoint: { url: 'https://hooks.example/mailmon', secrets: [secret] },
    now,
  });

  it('posts the event envelope as the JSON body, and nothing else', () => {
    expect(request.url).toBe('https://hooks.example/mailmon');
    expect(JSON.parse(request.body)).toEqual(event);
    const stored = { ...event, fanout: 'done', deliveries: 2 } as MailmonEvent;
    expect(eventEnvelopeJson(stored)).toBe(request.body);
    expect(Object.keys(JSON.parse(request.body))).toEqual([
      'id',
      'type',
      'schemaVersion',
      'occurredAt',
      'workspaceId',
      'tenantExternalId',
      'mailboxId',
      'seq',
      'data',
    ]);
  });

  it('sets the content type, user agent, Standard Webhooks and Mailmon headers', () => {
    expect(request.headers).toEqual({
      'content-type': 'application/json',
      'user-agent': 'Mailmon-Webhooks/1',
      'webhook-id': 'evt_abc',
      'webhook-timestamp': String(Math.floor(now / 1000)),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
      'x-mailmon-delivery-id': 'dlv_1',
      'x-mailmon-event-id': 'evt_abc',
      'x-mailmon-attempt': '3',
      'x-mailmon-signature': expect.stringMatching(
        new RegExp(`^t=${Math.floor(now / 1000)},v1=[0-9a-f]{64}$`),
      ),
    });
  });

  it('is verifiable by the standardwebhooks package and by verifyWebhook through either scheme', () => {
    const wallClock = Date.now();
    const fresh = buildDeliveryRequest({
      event,
      delivery: { id: 'dlv_1', attempt: 1 },
      endpoint: { url: 'https://hooks.example/', secrets: [secret] },
      now: wallClock,
    });
    expect(new Webhook(secret).verify(fresh.body, fresh.headers)).toEqual(event);
    expect(
      verifyWebhook({ headers: request.headers, rawBody: request.body, secrets: secret, now }),
    ).toMatchObject({
      ok: true,
      scheme: 'standard-webhooks',
      webhookId: 'evt_abc',
    });
    const {
      'webhook-signature': _s,
      'webhook-id': _i,
      'webhook-timestamp': _t,
      ...mailmonOnly
    } = request.headers;
    expect(
      verifyWebhook({ headers: mailmonOnly, rawBody: request.body, secrets: secret, now }),
    ).toMatchObject({
      ok: true,
      scheme: 'mailmon',
    });
  });

  it('keeps the webhook-id of the event across retries and replays, while the timestamp and signature change', () => {
    const later = buildDeliveryRequest({
      event,
      delivery: { id: 'dlv_replay_7', attempt: 1 },
      endpoint: { url: 'https://hooks.example/mailmon', secrets: [secret] },
      now: now + 3_600_000,
    });
    expect(later.headers['webhook-id']).toBe(request.headers['webhook-id']);
    expect(later.headers['x-mailmon-event-id']).toBe('evt_abc');
    expect(later.headers['x-mailmon-delivery-id']).toBe('dlv_replay_7');
    expect(later.headers['webhook-timestamp']).not.toBe(request.headers['webhook-timestamp']);
    expect(later.headers['webhook-signature']).not.toBe(request.headers['webhook-signature']);
    expect(later.body).toBe(request.body);
  });

  it('signs with every active secret during a rotation', () => {
    const next = generateWebhookSecret();
    const rotated = buildDeliveryRequest({
      event,
      delivery: { id: 'dlv_1', attempt: 1 },
      endpoint: { url: 'https://hooks.example/', secrets: [next, secret] },
      now,
    });
    expect(rotated.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(rotated.headers['x-mailmon-signature']!.split(',')).toHaveLength(3);
    for (const held of [next, secret])
      expect(verifyWebhook({ headers: rotated.headers, rawBody: rotated.body, secrets: held, now }).ok).toBe(
        true,
      );
  });

  it('refuses to build an unsigned request', () => {
    expect(() =>
      buildDeliveryRequest({
        event,
        delivery: { id: 'd', attempt: 1 },
        endpoint: { url: 'https://x/', secrets: [] },
        now,
      }),
    ).toThrow(/secret/);
  });
});
