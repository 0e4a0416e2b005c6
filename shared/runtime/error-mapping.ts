import {
  HistoryExpiredError,
  NonRetryableError,
  ReconnectRequiredError,
  RetryAfterError,
} from '../core/errors.js';
import { type Problem, problem } from './problem.js';

/** How an error surfaces over HTTP: a problem document plus any headers. */
export interface HttpErrorMapping {
  problem: Problem;
  headers: Record<string, string>;
}

/**
 * The one place where typed errors become HTTP responses. Pub/Sub push and Cloud Tasks read the
 * same status: 2xx acks, 429/5xx asks for redelivery, other 4xx is final.
 */
export function mapErrorToHttp(error: unknown): HttpErrorMapping {
  if (error instanceof RetryAfterError) {
    const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    return {
      problem: problem(503, 'retry_later', 'Temporarily unavailable', error.message, {
        retryAfterSeconds: seconds,
      }),
      headers: { 'retry-after': String(seconds) },
    };
  }
  if (error instanceof ReconnectRequiredError) {
    return {
      problem: problem(409, 'reconnect_required', 'Mailbox must be reconnected', error.message),
      headers: {},
    };
  }
  if (error instanceof HistoryExpiredError) {
    return { problem: problem(409, 'history_expired', 'Gmail history expired', error.message), headers: {} };
  }
  if (error instanceof NonRetryableError) {
    return { problem: problem(400, error.code, 'Request cannot be processed', error.message), headers: {} };
  }
  // unknown failures never leak their message: it may carry tokens or internals
  return {
    problem: problem(500, 'internal', 'Internal error', 'An unexpected error occurred; it was logged.'),
    headers: {},
  };
}

/** How an error settles a Pub/Sub push or Cloud Tasks delivery: ack (2xx) or ask for redelivery. */
export interface DeliveryAck {
  status: number;
  headers: Record<string, string>;
  /** `acked_final` errors are logged: the message is dropped on purpose. */
  outcome: 'retry' | 'acked_final';
}

/**
 * The same typed errors, seen by a push endpoint. Pub/Sub redelivers on any non-2xx, so errors that
 * retrying cannot fix are acknowledged (and logged by the caller) instead of looping until dead-lettered.
 */
export function mapErrorToDeliveryAck(error: unknown): DeliveryAck {
  if (
    error instanceof NonRetryableError ||
    error instanceof ReconnectRequiredError ||
    error instanceof HistoryExpiredError
  ) {
    return { status: 204, headers: {}, outcome: 'acked_final' };
  }
  const { problem: p, headers } = mapErrorToHttp(error);
  return { status: p.status >= 500 ? p.status : 503, headers, outcome: 'retry' };
}
