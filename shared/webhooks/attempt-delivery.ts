import type { Clock } from '../core/clock.js';
import { buildDeliveryRequest } from './build-delivery-request.js';
import { type AttemptOutcome, classifyResponse } from './classify-response.js';
import type { DeliveryAttempt } from './model.js';
import type {
  DeliveryFailureReason,
  DeliveryState,
  DeliveryStore,
  DeliveryTransition,
  EndpointDisableReason,
  EndpointForDelivery,
  EndpointTransition,
  HttpResult,
  HttpSender,
  OperatorEvent,
} from './ports.js';
import { nextAttemptAt, type Random } from './retry-schedule.js';
import type { TargetGuard } from './ssrf-guard.js';
import { truncateUtf8 } from './truncate-utf8.js';

export type { TargetGuard } from './ssrf-guard.js';

/** The bounds every attempt works within. */
export interface DeliveryLimits {
  /** The whole request, response prefix included, is abandoned after this. */
  timeoutMs: number;
  /** Attempts in flight to one endpoint at once; more are deferred. */
  maxConcurrentPerEndpoint: number;
  /** A concurrency slot whose holder died is free again after this. */
  slotLeaseMs: number;
  /** An endpoint whose every attempt failed for this long is disabled. */
  disableAfterFailingMs: number;
  /** Bytes of the response body kept with the attempt. */
  responseSnippetBytes: number;
}

/** 15 s timeout, 10 attempts in flight per endpoint, 60 s slot leases, disable after 5 days, 1 KiB snippets. */
export const DEFAULT_DELIVERY_LIMITS: DeliveryLimits = {
  timeoutMs: 15_000,
  maxConcurrentPerEndpoint: 10,
  slotLeaseMs: 60_000,
  disableAfterFailingMs: 5 * 24 * 60 * 60 * 1000,
  responseSnippetBytes: 1024,
};

/** The ports one attempt uses. */
export interface AttemptDeliveryDeps {
  store: DeliveryStore;
  sender: HttpSender;
  clock: Clock;
  /** Jitter of the retry schedule. */
  random: Random;
  /** The SSRF guard of the mode (see `createTargetGuard`). */
  guard: TargetGuard;
  limits?: Partial<DeliveryLimits>;
}

/** A delivery task: make attempt `attempt` (1-based) of delivery `deliveryId`. */
export interface AttemptTask {
  deliveryId: string;
  attempt: number;
}

/** What one call did. */
export type AttemptResult =
  | { kind: 'skipped'; reason: 'unknown_delivery' | 'not_pending' | 'stale_or_duplicate' }
  /** The endpoint had no free slot: the same attempt runs again at `until`, nothing was sent. */
  | { kind: 'deferred'; until: number; deferral: number }
  | {
      kind: 'attempted';
      attempt: DeliveryAttempt;
      delivery: DeliveryTransition;
      /** The endpoint's health change, if any. */
      endpoint: EndpointTransition | undefined;
    };

/** How an attempt ended, before its consequences are worked out. */
interface Ending {
  status: DeliveryAttempt['status'];
  outcome: AttemptOutcome;
  error: string | null;
  snippet: string;
  startedAt: number;
  retryAfterMs?: number | undefined;
  /** Whether the result says something about the endpoint's health (a refusal of our own does not). */
  health: 'success' | 'failure' | 'none';
  /** Why a `failed` outcome ended the delivery. */
  failure?: DeliveryFailureReason;
}

/**
 * Makes one attempt of a webhook delivery and records it. Guarantees:
 * - Fenced: an attempt runs only while the delivery is pending with `attempt - 1` attempts, and its
 *   record commits only if that still holds, so duplicate, stale and concurrent tasks record (and
 *   schedule) at most once. A skipped task returns `kind: 'skipped'` and changes nothing.
 * - Refused without a request: a deleted or disabled endpoint, a missing event, an endpoint without an
 *   active secret, and a URL the guard refuses (a host that does not resolve is retried instead).
 * - Sent signed (see `buildDeliveryRequest`) with a timeout and no redirects; classified by
 *   `classifyResponse`; recorded with status, duration, error and at most 1 KiB of the response.
 * - A retry is scheduled per `nextAttemptAt` (jittered, `Retry-After` honoured up to 24 h) after the
 *   record commits; once the schedule is exhausted the delivery fails.
 * - 410 disables the endpoint; so does a failure when the endpoint has failed without a single success
 *   for 5 days. Either records an `endpoint.disabled` operator event and fails the delivery.
 * - When the endpoint already has its maximum of attempts in flight, nothing is sent or recorded: the
 *   attempt is deferred (`kind: 'deferred'`) to a new task after {@link deferralDelayMs}, and the
 *   delivery's `nextAttemptAt` moves with it, so a busy endpoint neither spends the queue's own retries
 *   nor looks like a lost task to recovery.
 * - Endpoint failures are outcomes, never errors. Store and sender faults propagate (the task is
 *   retried; the fencing makes that safe).
 */
export async function attemptDelivery(deps: AttemptDeliveryDeps, task: AttemptTask): Promise<AttemptResult> {
  const limits = { ...DEFAULT_DELIVERY_LIMITS, ...deps.limits };
  const { store, clock } = deps;
  const loaded = await store.load(task.deliveryId, clock.now());
  if (!loaded) return { kind: 'skipped', reason: 'unknown_delivery' };
  const { delivery, event, endpoint } = loaded;
  if (delivery.state !== 'pending') return { kind: 'skipped', reason: 'not_pending' };
  if (delivery.attempts !== task.attempt - 1) return { kind: 'skipped', reason: 'stale_or_duplicate' };

  const settle = (ending: Ending) =>
    settleAttempt({ store, clock, random: deps.random, limits }, task, { delivery, endpoint }, ending);
  const refusal = (error: string, failure: DeliveryFailureReason, health: Ending['health'] = 'none') =>
    settle({
      status: 'refused',
      outcome: 'failed',
      error,
      snippet: '',
      startedAt: clock.now(),
      health,
      failure,
    });

  if (!endpoint) return refusal('the endpoint was deleted', 'endpoint_deleted');
  if (endpoint.status !== 'enabled') return refusal('the endpoint is disabled', 'endpoint_disabled');
  if (!event) return refusal('the event no longer exists', 'event_missing');
  if (endpoint.secrets.length === 0)
    return refusal('the endpoint has no active signing secret', 'no_active_secret');
  const verdict = await deps.guard(endpoint.url);
  if (!verdict.allowed) {
    if (!verdict.retryable) return refusal(verdict.reason, 'target_refused', 'failure');
    return settle({
      status: 'network_error',
      outcome: 'retry',
      error: verdict.reason,
      snippet: '',
      startedAt: clock.now(),
      health: 'failure',
    });
  }

  const holder = `${delivery.id}#${task.attempt}`;
  const grant = await store.acquireSlot(endpoint.id, holder, {
    limit: limits.maxConcurrentPerEndpoint,
    now: clock.now(),
    leaseMs: limits.slotLeaseMs,
  });
  if (!grant.acquired) {
    const deferral = (delivery.deferrals ?? 0) + 1;
    const until = clock.now() + deferralDelayMs(deferral, deps.random);
    const deferred = await store.deferAttempt(delivery.id, task.attempt, deferral, until);
    if (deferred === 'stale') return { kind: 'skipped', reason: 'stale_or_duplicate' };
    return { kind: 'deferred', until, deferral };
  }
  const startedAt = clock.now();
  let result: HttpResult;
  try {
    const request = buildDeliveryRequest({
      event,
      delivery: { id: delivery.id, attempt: task.attempt },
      endpoint,
      now: startedAt,
    });
    result = await deps.sender.send({ ...request, timeoutMs: limits.timeoutMs });
  } finally {
    await store.releaseSlot(endpoint.id, holder);
  }
  const classified = classifyResponse(result, clock.now());
  return settle({
    status: result.kind === 'response' ? result.status : result.kind,
    outcome: classified.outcome,
    error: result.kind === 'response' ? null : result.error,
    snippet: result.kind === 'response' ? truncateUtf8(result.body, limits.responseSnippetBytes) : '',
    startedAt,
    retryAfterMs: classified.retryAfterMs,
    health: classified.outcome === 'delivered' ? 'success' : 'failure',
    failure: classified.outcome === 'failed' ? 'rejected' : undefined,
  });
}

/**
 * How long the `deferral`-th deferral of an attempt waits for a slot: 1 s doubling per deferral up to
 * 60 s, jittered to between half and all of that so waiting attempts do not return together.
 */
export function deferralDelayMs(deferral: number, random: Random): number {
  const ceiling = Math.min(60_000, 1000 * 2 ** Math.max(0, deferral - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Works out and records the consequences of an ended attempt, then schedules the next one. */
async function settleAttempt(
  deps: { store: DeliveryStore; clock: Clock; random: Random; limits: DeliveryLimits },
  task: AttemptTask,
  { delivery, endpoint }: { delivery: DeliveryState; endpoint: EndpointForDelivery | undefined },
  ending: Ending,
): Promise<AttemptResult> {
  let seen = endpoint;
  // the 5-day rule reads the endpoint as loaded; when another attempt changed it meanwhile, work it out again
  for (let round = 1; ; round += 1) {
    const result = await recordEnding(deps, task, delivery, seen, ending);
    if (result !== 'endpoint_changed') return result;
    if (round === 3) throw new Error(`endpoint of delivery ${delivery.id} kept changing while recording`);
    seen = (await deps.store.load(delivery.id, deps.clock.now()))?.endpoint;
  }
}

async function recordEnding(
  deps: { store: DeliveryStore; clock: Clock; random: Random; limits: DeliveryLimits },
  task: AttemptTask,
  delivery: DeliveryState,
  endpoint: EndpointForDelivery | undefined,
  ending: Ending,
): Promise<AttemptResult | 'endpoint_changed'> {
  const at = deps.clock.now();
  let endpointChange: EndpointTransition | undefined;
  let disabled: EndpointDisableReason | undefined;
  if (endpoint && ending.health === 'success' && endpoint.failingSince !== null)
    endpointChange = { kind: 'healthy' };
  if (endpoint && ending.health === 'failure') {
    const failingSince = endpoint.failingSince ?? at;
    if (ending.outcome === 'endpoint_gone') disabled = 'gone';
    else if (at - failingSince >= deps.limits.disableAfterFailingMs) disabled = 'failing_for_5_days';
    if (disabled) endpointChange = { kind: 'disabled', reason: disabled, at };
    else if (endpoint.failingSince === null) endpointChange = { kind: 'failing', since: at };
  }

  let transition: DeliveryTransition;
  if (ending.outcome === 'delivered') transition = { state: 'delivered' };
  else if (disabled)
    transition = { state: 'failed', reason: disabled === 'gone' ? 'endpoint_gone' : 'endpoint_disabled' };
  else if (ending.outcome === 'retry') {
    const next = nextAttemptAt(task.attempt, at, { random: deps.random, retryAfterMs: ending.retryAfterMs });
    transition =
      next === undefined
        ? { state: 'failed', reason: 'retries_exhausted' }
        : { state: 'pending', nextAttemptAt: next };
  } else transition = { state: 'failed', reason: ending.failure ?? 'rejected' };

  const attempt: DeliveryAttempt = {
    attempt: task.attempt,
    at,
    durationMs: Math.max(0, at - ending.startedAt),
    status: ending.status,
    outcome: ending.outcome,
    responseSnippet: ending.snippet,
    error: ending.error,
    nextAttemptAt: transition.state === 'pending' ? transition.nextAttemptAt : null,
  };
  const operatorEvent: OperatorEvent | undefined =
    endpoint && disabled
      ? {
          type: 'endpoint.disabled',
          workspaceId: endpoint.workspaceId,
          endpointId: endpoint.id,
          reason: disabled,
          at,
          deliveryId: delivery.id,
          attempt: task.attempt,
        }
      : undefined;
  const recorded = await deps.store.recordAttempt({
    deliveryId: delivery.id,
    endpointId: delivery.endpointId,
    attempt,
    delivery: transition,
    ...(endpointChange ? { endpoint: endpointChange } : {}),
    ...(operatorEvent ? { operatorEvent } : {}),
    ...(disabled === 'failing_for_5_days' && endpoint?.failingSince != null
      ? { expectFailingSince: endpoint.failingSince }
      : {}),
  });
  if (recorded === 'endpoint_changed') return recorded;
  if (recorded === 'stale') return { kind: 'skipped', reason: 'stale_or_duplicate' };
  if (transition.state === 'pending')
    await deps.store.scheduleAttempt(delivery.id, task.attempt + 1, transition.nextAttemptAt);
  return { kind: 'attempted', attempt, delivery: transition, endpoint: endpointChange };
}
