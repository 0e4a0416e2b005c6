import * as v from 'valibot';
import { NonRetryableError } from '../core/errors.js';

const PushEnvelope = v.object({
  message: v.object({
    data: v.optional(v.string(), ''),
    attributes: v.optional(v.record(v.string(), v.string()), {}),
    messageId: v.optional(v.string()),
    message_id: v.optional(v.string()),
    publishTime: v.optional(v.string()),
  }),
  subscription: v.optional(v.string()),
  deliveryAttempt: v.optional(v.number()),
});

/** A decoded Pub/Sub push delivery. */
export interface PushMessage<T> {
  data: T;
  attributes: Record<string, string>;
  messageId: string | undefined;
  /** When the message was published (epoch ms), when the envelope says. */
  publishedAt: number | undefined;
  deliveryAttempt: number | undefined;
}

/**
 * Validates a Pub/Sub push envelope, base64-decodes its data as JSON and validates it with `schema`.
 * Anything malformed is a {@link NonRetryableError} (`malformed_push`): redelivering it cannot help.
 */
export function decodePush<S extends v.GenericSchema>(
  body: unknown,
  schema: S,
): PushMessage<v.InferOutput<S>> {
  const envelope = v.safeParse(PushEnvelope, body);
  if (!envelope.success) throw new NonRetryableError('not a Pub/Sub push envelope', 'malformed_push');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(envelope.output.message.data, 'base64').toString('utf8'));
  } catch {
    throw new NonRetryableError('the message data is not base64-encoded JSON', 'malformed_push');
  }
  const data = v.safeParse(schema, json);
  if (!data.success) {
    throw new NonRetryableError(
      `the message data does not match: ${data.issues.map((i) => i.message).join('; ')}`,
      'malformed_push',
    );
  }
  return {
    data: data.output,
    attributes: envelope.output.message.attributes,
    messageId: envelope.output.message.messageId ?? envelope.output.message.message_id,
    publishedAt: parseTime(envelope.output.message.publishTime),
    deliveryAttempt: envelope.output.deliveryAttempt,
  };
}

function parseTime(text: string | undefined): number | undefined {
  const at = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}
