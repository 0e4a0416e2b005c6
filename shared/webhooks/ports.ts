import type { MailmonEvent } from '../events/event.js';
import type { Delivery, DeliveryAttempt, WebhookEndpoint } from './model.js';

/** What deliveries can be listed by. */
export interface DeliveryFilter {
  endpointId?: string;
  eventId?: string;
  state?: Delivery['state'];
  replayId?: string;
}

/** Storage for endpoints, the fan-out of events and delivery attempts. */
export interface WebhookStore {
  createEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  getEndpoint(workspaceId: string, id: string): Promise<WebhookEndpoint | undefined>;
  listEndpoints(workspaceId: string): Promise<WebhookEndpoint[]>;
  /**
   * Updates the workspace's endpoint atomically; with `unless`, only when `unless(current)` is false for
   * the endpoint as it is at the time of writing. Answers whether it wrote.
   */
  updateEndpoint(
    workspaceId: string,
    id: string,
    fields: Partial<WebhookEndpoint>,
    unless?: (current: WebhookEndpoint) => boolean,
  ): Promise<boolean>;
  deleteEndpoint(workspaceId: string, id: string): Promise<boolean>;
  /** Events not yet fanned out (all mailboxes, or one), oldest first. */
  pendingEvents(limit: number, mailboxId?: string): Promise<MailmonEvent[]>;
  /** Which of these mailboxes are being deleted (their events are no longer fanned out). */
  closedMailboxes(mailboxIds: string[]): Promise<Set<string>>;
  /** Atomically: if the event is still pending, create its deliveries and mark it fanned out. */
  commitFanOut(event: MailmonEvent, deliveries: Delivery[]): Promise<boolean>;
  /** A delivery, whoever's it is (callers check the workspace). */
  getDelivery(id: string): Promise<Delivery | undefined>;
  /** Pending deliveries whose next attempt is overdue (their task was lost), oldest first. */
  overdueDeliveries(before: number, limit: number): Promise<Delivery[]>;
  /** The workspace's deliveries, newest first; `after` is the last id of the previous page. */
  listDeliveries(
    workspaceId: string,
    filter: DeliveryFilter,
    limit: number,
    after?: string,
  ): Promise<{ data: Delivery[]; next: string | null }>;
  listAttempts(deliveryId: string): Promise<DeliveryAttempt[]>;
}

/** One outgoing webhook POST. */
export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The whole exchange (connect, send, read the kept part of the answer) is abandoned after this. */
  timeoutMs?: number;
}

/** What came of an {@link HttpRequest}: an answer, or why there was none. */
export type HttpResult =
  | {
      kind: 'response';
      status: number;
      /** Response headers, names lower-cased. */
      headers: Record<string, string>;
      /** The start of the response body (UTF-8), bounded by the sender's byte limit. */
      body: string;
    }
  | { kind: 'timeout'; error: string }
  | { kind: 'network_error'; error: string };

/**
 * Sends one HTTP POST. Guarantees: no redirect is followed (a 3xx is returned as it is), the exchange is
 * bounded in time, only a bounded prefix of the response body is read, and endpoint failures (refused
 * connections, resets, DNS errors, timeouts) are results, never thrown.
 */
export interface HttpSender {
  send(request: HttpRequest): Promise<HttpResult>;
}

/** Resolves a host name to every address it has (IPv4 and IPv6); rejects when it has none. */
export type DnsResolver = (hostname: string) => Promise<string[]>;

/** A delivery as an attempt needs it. */
export interface DeliveryState {
  id: string;
  workspaceId: string;
  endpointId: string;
  eventId: string;
  state: 'pending' | 'delivered' | 'failed';
  /** Attempts recorded so far; attempt `n` may only be recorded while this is `n - 1`. */
  attempts: number;
  /** Times the next attempt was put off for want of a free slot (absent: none). */
  deferrals?: number;
}

/** An endpoint as an attempt needs it. */
export interface EndpointForDelivery {
  id: string;
  workspaceId: string;
  url: string;
  status: 'enabled' | 'disabled';
  /** Start of the current run of consecutive failures, or null while healthy. */
  failingSince: number | null;
  /** Plaintext `whsec_…` secrets active at load time, newest first. */
  secrets: string[];
}

/** A delivery with its event and endpoint, read together. */
export interface LoadedDelivery {
  delivery: DeliveryState;
  /** Undefined when the event no longer exists. */
  event: MailmonEvent | undefined;
  /** Undefined when the endpoint was deleted. */
  endpoint: EndpointForDelivery | undefined;
}

/** Where a delivery goes after an attempt. */
export type DeliveryTransition =
  | { state: 'pending'; nextAttemptAt: number }
  | { state: 'delivered' }
  | { state: 'failed'; reason: DeliveryFailureReason };

/** Why a delivery ended without success. */
export type DeliveryFailureReason =
  | 'rejected'
  | 'endpoint_gone'
  | 'retries_exhausted'
  | 'endpoint_disabled'
  | 'endpoint_deleted'
  | 'event_missing'
  | 'target_refused'
  | 'no_active_secret';

/** Why an endpoint was disabled by delivery. */
export type EndpointDisableReason = 'gone' | 'failing_for_5_days';

/**
 * A change to the endpoint's health. Only changes are sent: `healthy` when it was failing, `failing`
 * when it was healthy, `disabled` once, so successful deliveries do not write the endpoint at all.
 */
export type EndpointTransition =
  | { kind: 'healthy' }
  | { kind: 'failing'; since: number }
  | { kind: 'disabled'; reason: EndpointDisableReason; at: number };

/** An event for Mailmon's operators (not delivered to customers). */
export interface OperatorEvent {
  type: 'endpoint.disabled';
  workspaceId: string;
  endpointId: string;
  reason: EndpointDisableReason;
  at: number;
  /** The delivery and attempt whose result disabled the endpoint. */
  deliveryId: string;
  attempt: number;
}

/** Everything one attempt writes, committed atomically. */
export interface AttemptRecord {
  deliveryId: string;
  endpointId: string;
  attempt: DeliveryAttempt;
  delivery: DeliveryTransition;
  endpoint?: EndpointTransition;
  operatorEvent?: OperatorEvent;
  /**
   * The endpoint's `failingSince` the outcome was worked out from, when the outcome depends on it (the
   * 5-day rule): the record commits only while the endpoint still shows this value.
   */
  expectFailingSince?: number;
}

/** How a record went: written, refused as a duplicate or stale attempt, or refused because the endpoint changed. */
export type RecordResult = 'recorded' | 'stale' | 'endpoint_changed';

/** Outcome of asking for a concurrency slot on an endpoint. */
export type SlotGrant = { acquired: boolean };

/**
 * Storage for delivery attempts. Implementations guarantee:
 * - `recordAttempt` is fenced by the attempt number: it commits only while the delivery is `pending` with
 *   exactly `attempt.attempt - 1` attempts, and then writes the attempt, the delivery transition, the
 *   endpoint transition and the operator event in one atomic step. Otherwise it writes nothing and answers
 *   `stale` — a duplicate or out-of-date task can never record twice or move a finished delivery.
 * - An endpoint transition `failing` keeps an earlier `failingSince`; `disabled` is applied (and its
 *   operator event stored) only while the endpoint is still enabled.
 * - With `expectFailingSince`, `recordAttempt` commits only while the endpoint's `failingSince` equals it;
 *   otherwise it writes nothing and answers `endpoint_changed` (the caller works the outcome out again).
 * - `scheduleAttempt` is idempotent per `(deliveryId, attempt)`.
 * - `deferAttempt` is fenced like `recordAttempt` and on the deferral count (it commits only while
 *   `deferrals` is `deferral - 1`); it moves `nextAttemptAt` to `at` (so recovery does not take a deferred
 *   attempt for a lost one), counts the deferral and schedules the attempt at `at`, idempotently per
 *   `(deliveryId, attempt, deferral)`. `recordAttempt` sets the count back to 0.
 * - Slots are leases: at most `limit` holders per endpoint at once; a holder that never releases loses
 *   its slot when the lease expires; acquiring again with the same holder renews its slot.
 */
export interface DeliveryStore {
  /** The delivery, its event and its endpoint (with the secrets active at `now`), or undefined. */
  load(deliveryId: string, now: number): Promise<LoadedDelivery | undefined>;
  recordAttempt(record: AttemptRecord): Promise<RecordResult>;
  /** Arranges for `attempt` of the delivery to run at `at` (epoch ms). */
  scheduleAttempt(deliveryId: string, attempt: number, at: number): Promise<void>;
  /**
   * Puts `attempt` off until `at` without recording it (the endpoint had no free slot), as the
   * delivery's `deferral`-th deferral (its `deferrals` count + 1).
   */
  deferAttempt(
    deliveryId: string,
    attempt: number,
    deferral: number,
    at: number,
  ): Promise<'deferred' | 'stale'>;
  acquireSlot(
    endpointId: string,
    holder: string,
    options: { limit: number; now: number; leaseMs: number },
  ): Promise<SlotGrant>;
  releaseSlot(endpointId: string, holder: string): Promise<void>;
}
