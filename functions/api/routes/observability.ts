import * as v from 'valibot';
import type { Clock } from '../../../shared/core/clock.js';
import type { MailboxReads, ObservabilityReads, SyncRunReads } from '../../../shared/read-model/ports.js';
import { defineRoute } from '../http/route.js';
import { Cursor, Id, notFound, PageLimit } from '../http/schemas.js';
import { ErrorDetail, errorDetail, iso, listBody, listOf, NullableIsoTime } from '../http/views.js';
import { retriedByItself } from './mailbox-views.js';
import {
  MailboxObservability,
  mailboxObservabilityView,
  SyncRun,
  syncRunView,
} from './observability-views.js';

/** What the sync-run and observability routes need. */
export interface ObservabilityRouteDeps {
  reads: MailboxReads & SyncRunReads;
  observability: ObservabilityReads;
  clock: Clock;
}

const Params = v.object({ mailboxId: Id });
const PageQuery = v.strictObject({
  limit: PageLimit(200),
  cursor: v.optional(Cursor),
});

const Counts = v.object({ total: v.number(), pendingFanOut: v.number() });
const DeliveryCountsFields = v.object({
  pending: v.number(),
  delivered: v.number(),
  failed: v.number(),
  oldestPendingDueAt: NullableIsoTime,
});
const DeliveryCounts = v.pipe(DeliveryCountsFields, v.title('DeliveryCounts'));
const MailboxHealthFields = v.object({
  object: v.literal('mailbox_health'),
  mailboxId: v.string(),
  status: v.string(),
  syncState: v.string(),
  watchState: v.string(),
  watchExpiresAt: NullableIsoTime,
  cursor: v.nullable(v.string()),
  latestKnownHistoryId: v.nullable(v.string()),
  cursorLagHistoryIds: v.nullable(v.number()),
  lastSuccessfulSyncAt: NullableIsoTime,
  msSinceLastSync: v.nullable(v.number()),
  lastError: v.nullable(ErrorDetail),
  lastRun: v.nullable(SyncRun),
  events: Counts,
  deliveries: DeliveryCounts,
});
const MailboxHealth = v.pipe(MailboxHealthFields, v.title('MailboxHealth'));
const WorkspaceHealthFields = v.object({
  object: v.literal('workspace_observability'),
  mailboxes: v.object({
    total: v.number(),
    byStatus: v.record(v.string(), v.number()),
    bySyncState: v.record(v.string(), v.number()),
  }),
  events: Counts,
  deliveries: DeliveryCounts,
  endpoints: v.object({ enabled: v.number(), disabled: v.number() }),
});
const WorkspaceHealth = v.pipe(WorkspaceHealthFields, v.title('WorkspaceHealth'));
const mailboxNotFound = () => notFound('mailbox');

export const observabilityRoutes = [
  defineRoute<ObservabilityRouteDeps, typeof Params, typeof PageQuery>({
    method: 'GET',
    path: '/v1/mailboxes/:mailboxId/sync-runs',
    operationId: 'listSyncRuns',
    summary: 'List a mailbox’s sync runs (kind, cursors, counts, outcome), newest first',
    tag: 'Observability',
    auth: 'apiKey',
    params: Params,
    query: PageQuery,
    responses: {
      200: {
        description: 'A page of sync runs',
        schema: listOf(SyncRun),
      },
    },
    async handle({ deps, workspaceId, params, query }) {
      const page = await deps.reads.listSyncRuns(workspaceId, params.mailboxId, query.limit, query.cursor);
      return page
        ? { status: 200, body: listBody(page.data.map(syncRunView), page.next) }
        : mailboxNotFound();
    },
  }),
  defineRoute<ObservabilityRouteDeps, typeof Params>({
    method: 'GET',
    path: '/v1/mailboxes/:mailboxId/health',
    operationId: 'getMailboxHealth',
    summary: 'A mailbox’s cursor lag, last sync, last error, last run, event counts and delivery backlog',
    tag: 'Observability',
    auth: 'apiKey',
    params: Params,
    responses: { 200: { description: 'Mailbox health', schema: MailboxHealth } },
    async handle({ deps, workspaceId, params }) {
      const health = await deps.observability.mailboxHealth(workspaceId, params.mailboxId, deps.clock.now());
      if (!health) return mailboxNotFound();
      return {
        status: 200,
        body: {
          object: 'mailbox_health' as const,
          ...health,
          watchExpiresAt: iso(health.watchExpiresAt),
          lastSuccessfulSyncAt: iso(health.lastSuccessfulSyncAt),
          lastError: errorDetail(health.lastError as Parameters<typeof errorDetail>[0], retriedByItself),
          lastRun: health.lastRun ? syncRunView(health.lastRun) : null,
          deliveries: { ...health.deliveries, oldestPendingDueAt: iso(health.deliveries.oldestPendingDueAt) },
        },
      };
    },
  }),
  defineRoute<ObservabilityRouteDeps, typeof Params>({
    method: 'GET',
    path: '/v1/mailboxes/:mailboxId/observability',
    operationId: 'getMailboxObservability',
    summary:
      'A mailbox’s observability: lag, cursor movement, lease holder with contention and lease losses over 24 hours, deliveries per endpoint, latest sync run',
    tag: 'Observability',
    auth: 'apiKey',
    params: Params,
    responses: { 200: { description: 'Mailbox observability', schema: MailboxObservability } },
    async handle({ deps, workspaceId, params }) {
      const now = deps.clock.now();
      const gathered = await deps.observability.mailboxObservability(workspaceId, params.mailboxId, now);
      return gathered
        ? { status: 200, body: mailboxObservabilityView(params.mailboxId, gathered, now) }
        : mailboxNotFound();
    },
  }),
  defineRoute<ObservabilityRouteDeps>({
    method: 'GET',
    path: '/v1/observability',
    operationId: 'getWorkspaceHealth',
    summary: 'The workspace at a glance: mailboxes by state, event counts, delivery backlog, endpoints',
    tag: 'Observability',
    auth: 'apiKey',
    responses: { 200: { description: 'Workspace health', schema: WorkspaceHealth } },
    async handle({ deps, workspaceId }) {
      const health = await deps.observability.workspaceHealth(workspaceId);
      return {
        status: 200,
        body: {
          object: 'workspace_observability' as const,
          ...health,
          deliveries: { ...health.deliveries, oldestPendingDueAt: iso(health.deliveries.oldestPendingDueAt) },
        },
      };
    },
  }),
];
