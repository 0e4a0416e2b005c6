import * as v from 'valibot';
import type { MailboxObservabilityData } from '../../../shared/read-model/ports.js';
import { Count, ErrorDetail, errorDetail, IsoTime, iso, NullableIsoTime } from '../http/views.js';
import { MailboxStatus, SyncState, WatchState, watchStateOf } from './mailbox-views.js';

type Stored = Record<string, unknown>;

/** How a run ended, in the seed API's words. */
const STATUS = {
  succeeded: 'completed',
  busy: 'skipped_due_to_active_lease',
  reconnect_required: 'reconnect_required',
  dispatch_retry_exhausted: 'dispatch_retry_exhausted',
  retry_later: 'failed_after_lease_acquired',
  failed: 'failed_after_lease_acquired',
  lease_lost: 'lease_lost',
} as const;

/** One sync run as the API shows it. */
export const SyncRun = v.pipe(
  v.object({
    syncRunId: v.string(),
    id: v.string(),
    object: v.literal('sync_run'),
    mailboxId: v.string(),
    kind: v.picklist(['initial', 'incremental', 'resync']),
    status: v.picklist([
      'running',
      'completed',
      'skipped_due_to_active_lease',
      'reconnect_required',
      'dispatch_retry_exhausted',
      'failed_after_lease_acquired',
      'lease_lost',
    ]),
    outcome: v.pipe(
      v.string(),
      v.description('Mailmon’s own outcome: succeeded, busy, retry_later, failed, …'),
    ),
    startedAt: IsoTime,
    completedAt: NullableIsoTime,
    detail: v.nullable(v.string()),
    eventsEmitted: v.nullable(Count),
    leaseOwnerId: v.nullable(v.string()),
    previousCursor: v.nullable(v.string()),
    nextCursor: v.nullable(v.string()),
    cursorAdvanced: v.nullable(v.boolean()),
    counts: v.object({
      pages: Count,
      fetched: Count,
      events: Count,
      messagesWritten: Count,
      messagesDeleted: Count,
    }),
  }),
  v.title('SyncRun'),
);

/** A stored run record as a {@link SyncRun}. */
export function syncRunView(r: Stored): v.InferOutput<typeof SyncRun> {
  const outcome = String(r.outcome) as keyof typeof STATUS;
  const counts = r.counts as v.InferOutput<typeof SyncRun>['counts'];
  const previous = (r.previousCursor as string | null | undefined) ?? null;
  const next = (r.nextCursor as string | null | undefined) ?? null;
  return {
    syncRunId: String(r.id),
    id: String(r.id),
    object: 'sync_run',
    mailboxId: String(r.mailboxId),
    kind: r.kind as v.InferOutput<typeof SyncRun>['kind'],
    status: STATUS[outcome] ?? 'failed_after_lease_acquired',
    outcome,
    startedAt: iso(Number(r.startedAt)),
    completedAt: iso(r.finishedAt as number | null | undefined),
    detail: (r.error as string | undefined) ?? null,
    eventsEmitted: counts?.events ?? null,
    leaseOwnerId: (r.leaseOwner as string | null | undefined) ?? null,
    previousCursor: previous,
    nextCursor: next,
    cursorAdvanced: outcome === 'succeeded' ? next !== null && next !== previous : false,
    counts,
  };
}

const DeliveryState = v.picklist(['healthy', 'degraded', 'failing']);

/** An endpoint's delivery health: failing when disabled, degraded while failures go on, healthy otherwise. */
export function deliveryStateOf(endpoint: { status?: unknown; failingSince?: unknown }) {
  if (endpoint.status === 'disabled') return 'failing' as const;
  return typeof endpoint.failingSince === 'number' ? ('degraded' as const) : ('healthy' as const);
}

/** The last delivery failure of an endpoint, from its newest failed delivery. */
export function lastDeliveryErrorOf(failed: Stored | undefined): v.InferOutput<typeof ErrorDetail> | null {
  if (!failed) return null;
  return errorDetail(
    {
      code: (failed.failureReason as string | undefined) ?? 'failed',
      message: `delivery ${String(failed.id)} failed after ${String(failed.attempts)} attempts (last status ${String(failed.lastStatus ?? '-')})`,
      at: (failed.updatedAt as number | undefined) ?? (failed.createdAt as number | undefined),
    },
    () => false,
  );
}

/** A mailbox's observability, in the seed API's shape (and a few more fields). */
export const MailboxObservability = v.pipe(
  v.object({
    object: v.literal('mailbox_observability'),
    mailboxId: v.string(),
    generatedAt: IsoTime,
    lag: v.object({
      status: MailboxStatus,
      syncState: SyncState,
      watchState: WatchState,
      lastSuccessfulSyncAt: NullableIsoTime,
      lagSeconds: v.nullable(Count),
    }),
    cursor: v.object({
      currentCursor: v.nullable(v.string()),
      previousCursor: v.nullable(v.string()),
      nextCursor: v.nullable(v.string()),
      advanced: v.nullable(v.boolean()),
      advancedAt: NullableIsoTime,
    }),
    lease: v.object({
      activeLeaseOwner: v.nullable(v.string()),
      activeLeaseHeartbeatAt: NullableIsoTime,
      activeLeaseExpiresAt: NullableIsoTime,
      contentionCount24h: Count,
      latestContentionAt: NullableIsoTime,
      leaseLossCount24h: Count,
      latestLeaseLossAt: NullableIsoTime,
    }),
    webhookDeliveries: v.array(
      v.object({
        webhookEndpointId: v.string(),
        webhookEndpointUrl: v.string(),
        deliveryState: DeliveryState,
        consecutiveFailures: Count,
        pendingDeliveries: Count,
        processingDeliveries: Count,
        failedDeliveries: Count,
        lastDeliveryAt: NullableIsoTime,
        lastDeliveryError: v.nullable(ErrorDetail),
      }),
    ),
    latestSyncRun: v.nullable(SyncRun),
  }),
  v.title('MailboxObservability'),
);

/** What `mailboxObservability` gathered, as a {@link MailboxObservability}. */
export function mailboxObservabilityView(
  mailboxId: string,
  g: MailboxObservabilityData,
  now: number,
): v.InferOutput<typeof MailboxObservability> {
  const m = g.mailbox;
  const lastSuccess = typeof m.lastSuccessfulSyncAt === 'number' ? m.lastSuccessfulSyncAt : null;
  const latest = g.latestRun ? syncRunView(g.latestRun) : null;
  return {
    object: 'mailbox_observability',
    mailboxId,
    generatedAt: iso(now),
    lag: {
      status: (m.status ?? 'active') as v.InferOutput<typeof MailboxStatus>,
      syncState: (m.syncState ?? 'initializing') as v.InferOutput<typeof SyncState>,
      watchState: watchStateOf(
        {
          watchState: String(m.watchState ?? 'none'),
          watchExpiresAt: (m.watchExpiresAt as number | null | undefined) ?? null,
        },
        now,
      ),
      lastSuccessfulSyncAt: iso(lastSuccess),
      lagSeconds: lastSuccess === null ? null : Math.max(0, Math.round((now - lastSuccess) / 1000)),
    },
    cursor: {
      currentCursor: (m.cursor as string | null | undefined) ?? null,
      previousCursor: latest?.previousCursor ?? null,
      nextCursor: latest?.nextCursor ?? null,
      advanced: latest?.cursorAdvanced ?? null,
      advancedAt: g.latestAdvance ? iso(g.latestAdvance.finishedAt as number) : null,
    },
    lease: {
      activeLeaseOwner: (g.lease?.owner as string | undefined) ?? null,
      activeLeaseHeartbeatAt: iso((g.lease?.renewedAt as number | undefined) ?? null),
      activeLeaseExpiresAt: iso((g.lease?.expiresAt as number | undefined) ?? null),
      contentionCount24h: g.contention.count,
      latestContentionAt: iso(g.contention.latestAt ?? null),
      leaseLossCount24h: g.leaseLoss.count,
      latestLeaseLossAt: iso(g.leaseLoss.latestAt ?? null),
    },
    webhookDeliveries: g.endpoints.map((e) => {
      const state = deliveryStateOf(e.endpoint);
      return {
        webhookEndpointId: e.endpointId,
        webhookEndpointUrl: String(e.endpoint.url),
        deliveryState: state,
        consecutiveFailures: state === 'healthy' ? 0 : e.failed,
        pendingDeliveries: e.pending,
        // an attempt in flight is a pending delivery holding a slot; the count is not kept apart
        processingDeliveries: 0,
        failedDeliveries: e.failed,
        lastDeliveryAt: iso((e.lastDelivered?.updatedAt as number | undefined) ?? null),
        lastDeliveryError: lastDeliveryErrorOf(e.lastFailed),
      };
    }),
    latestSyncRun: latest,
  };
}
