import type { Clock } from '../core/clock.js';
import type { CredentialBox } from '../secrets/credentials.js';
import type { TaskQueue } from '../tasks/task-queue.js';
import { taskName } from '../tasks/task-queue.js';
import type { DeliveryAttempt } from './model.js';
import type { HttpSender, WebhookStore } from './ports.js';
import { classifyResponse, nextAttemptAt, parseRetryAfter, type Random } from './retry-schedule.js';
import { mailmonSignature, standardSignature } from './sign.js';

const TIMEOUT_MS = 15_000;
const DISABLE_AFTER_MS = 5 * 24 * 60 * 60 * 1000;

/** Seals and opens endpoint secrets (bound to the endpoint id). */
export function endpointSecretContext(endpointId: string): string {
  return `webhook-endpoint:${endpointId}`;
}

/** Checks a target URL before sending (the SSRF guard in gcp mode); returns a reason to refuse, if any. */
export type TargetGuard = (url: string) => Promise<string | undefined>;

export interface AttemptDeps {
  webhooks: WebhookStore;
  sender: HttpSender;
  tasks: TaskQueue;
  box: Pick<CredentialBox, 'openSecret'>;
  clock: Clock;
  random: Random;
  deliverUrl: string;
  guard: TargetGuard;
}

/** What one attempt did. */
export type AttemptResult =
  | { skipped: 'unknown' | 'stale_or_duplicate' | 'not_pending' }
  | { attempt: DeliveryAttempt };

/**
 * One signed delivery attempt. A task for an attempt that already ran (or a finished delivery) records
 * nothing. Headers: Standard Webhooks (`webhook-id` = the event id, so replays keep it) and Mailmon's own.
 * The result is recorded with compare-and-set; the next attempt is scheduled by name, so a retried task
 * cannot double-schedule. 410 disables the endpoint; so do five days of consecutive failures.
 */
export async function attemptDelivery(
  deps: AttemptDeps,
  task: { deliveryId: string; attempt: number },
): Promise<AttemptResult> {
  const found = await deps.webhooks.getDelivery(task.deliveryId);
  if (!found) return { skipped: 'unknown' };
  const { delivery, event, endpoint } = found;
  if (delivery.state !== 'pending') return { skipped: 'not_pending' };
  if (delivery.attempts !== task.attempt - 1) return { skipped: 'stale_or_duplicate' };
  const started = deps.clock.now();
  const record = async (
    status: DeliveryAttempt['status'],
    outcome: DeliveryAttempt['outcome'],
    snippet: string,
    retryAfterMs?: number,
  ) => {
    const at = deps.clock.now();
    const failingSince = outcome === 'delivered' ? null : (endpoint?.failingSince ?? at);
    const tooLong = outcome !== 'delivered' && at - (failingSince ?? at) >= DISABLE_AFTER_MS;
    const next =
      outcome === 'retry' && !tooLong
        ? nextAttemptAt(task.attempt, at, deps.random, retryAfterMs)
        : undefined;
    const state = outcome === 'delivered' ? 'delivered' : next === undefined ? 'failed' : 'pending';
    const attempt: DeliveryAttempt = {
      attempt: task.attempt,
      at,
      durationMs: at - started,
      status,
      outcome,
      responseSnippet: snippet.slice(0, 1024),
      nextAttemptAt: next ?? null,
    };
    const disable =
      outcome === 'endpoint_gone' ? 'endpoint answered 410 Gone' : tooLong ? 'failing for 5 days' : undefined;
    const recorded = await deps.webhooks.recordAttempt(
      delivery.id,
      task.attempt - 1,
      attempt,
      { attempts: task.attempt, state, nextAttemptAt: next ?? null, lastStatus: status, updatedAt: at },
      endpoint
        ? {
            failingSince,
            ...(disable ? { status: 'disabled' as const, disabledReason: disable } : {}),
            updatedAt: at,
          }
        : undefined,
    );
    if (!recorded) return { skipped: 'stale_or_duplicate' as const };
    if (next !== undefined) {
      await deps.tasks.enqueue({
        name: taskName(delivery.id, String(task.attempt + 1)),
        url: deps.deliverUrl,
        body: { deliveryId: delivery.id, attempt: task.attempt + 1 },
        scheduleAt: next,
      });
    }
    return { attempt };
  };
  if (endpoint?.status !== 'enabled')
    return record('refused', 'failed', endpoint ? 'endpoint disabled' : 'endpoint deleted');
  const refusal = await deps.guard(endpoint.url);
  if (refusal) return record('refused', 'failed', refusal);
  const secrets = await Promise.all(
    endpoint.secrets.map((s) => deps.box.openSecret(endpointSecretContext(endpoint.id), s.sealed)),
  );
  const body = JSON.stringify({
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
  const timestamp = Math.floor(deps.clock.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Mailmon-Webhooks/1',
    'webhook-id': event.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standardSignature(secrets, event.id, timestamp, body),
    'x-mailmon-delivery-id': delivery.id,
    'x-mailmon-event-id': event.id,
    'x-mailmon-attempt': String(task.attempt),
    'x-mailmon-signature': mailmonSignature(secrets, timestamp, body),
  };
  const response = await deps.sender.post(endpoint.url, headers, body, TIMEOUT_MS);
  return record(
    response.status,
    classifyResponse(response.status),
    response.snippet,
    parseRetryAfter(response.retryAfter, deps.clock.now()),
  );
}
