/**
 * Names of the log entries that operators count and alert on. Each is written as the `event` field of a
 * structured log line; terraform's log-based metrics (terraform/monitoring.tf) filter on
 * `jsonPayload.event`, and a test checks that every metric names one of these and every one of these is
 * logged somewhere.
 */
export const LOG_EVENTS = {
  /** A sync did not complete (`ack`: `retry` when Pub/Sub redelivers it, `ack` when it never can). */
  syncFailed: 'sync_failed',
  /** A mailbox's grant was revoked or expired: it waits for its owner to reconnect it. */
  reconnectRequired: 'mailbox_reconnect_required',
  /** Pub/Sub gave up on a message after its last delivery attempt and sent it to the dead-letter topic. */
  dispatchDeadLettered: 'dispatch_dead_lettered',
  /** A delivery ended without reaching its endpoint (retries exhausted, rejected, endpoint gone). */
  deliveryFailed: 'delivery_failed',
  /** An endpoint was disabled (410 Gone, or 5 days of failures). */
  endpointDisabled: 'endpoint_disabled',
  /** `recover_webhook_deliveries` measured the backlog: `oldestPendingDeliveryAgeSeconds`. */
  deliveryBacklog: 'delivery_backlog',
  /** A control job threw. */
  controlJobFailed: 'control_job_failed',
  /** A Gmail push could not be handled (`kind`: `malformed` or `error`). */
  gmailPushFailed: 'gmail_push_failed',
  /** A private function refused a caller's OIDC token. */
  callerRefused: 'caller_refused',
} as const;

export type LogEvent = (typeof LOG_EVENTS)[keyof typeof LOG_EVENTS];
