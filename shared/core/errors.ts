/**
 * Typed outcomes that say what the caller should do. They are translated into HTTP status codes and
 * Pub/Sub ack/nack behaviour in exactly one place (`shared/runtime/error-mapping.ts`).
 */

/** The input or state is wrong and retrying the same request cannot succeed. */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
  constructor(
    message: string,
    /** Stable machine-readable code, e.g. `invalid_request`. */
    readonly code: string = 'non_retryable',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A transient failure; retry no sooner than `retryAfterMs` from now. */
export class RetryAfterError extends Error {
  override name = 'RetryAfterError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The stored Gmail history cursor is outside Gmail's retained window: a reconciling full resync is needed. */
export class HistoryExpiredError extends Error {
  override name = 'HistoryExpiredError';
  constructor(
    readonly startHistoryId: string,
    options?: ErrorOptions,
  ) {
    super(`Gmail history from ${startHistoryId} is no longer available; a full resync is required`, options);
  }
}

/** The mailbox's grant is revoked or expired (`invalid_grant`): the user must reconnect; retrying is pointless. */
export class ReconnectRequiredError extends Error {
  override name = 'ReconnectRequiredError';
  constructor(
    message = 'The Gmail grant was revoked or expired; the mailbox must be reconnected',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
