import type { MailboxRegistry } from '../connect/ports.js';
import type { Clock } from '../core/clock.js';
import { ReconnectRequiredError } from '../core/errors.js';
import type { MailboxDirectory, SyncDispatcher } from '../sync/request-sync.js';
import { dispatch } from '../sync/request-sync.js';
import type { ControlQueries, WatchRenewer } from './ports.js';

/** The jobs Cloud Scheduler calls. */
export const CONTROL_JOBS = [
  'renew_watches',
  'recover_stuck_syncs',
  'poll_mailboxes',
  'recover_webhook_deliveries',
  'dispatch_replays',
  'prune',
] as const;
export type ControlJob = (typeof CONTROL_JOBS)[number];

/** What a job did; jobs are idempotent, so running one twice only repeats harmless work. */
export interface JobReport {
  job: ControlJob;
  examined: number;
  acted: number;
  failed: number;
  details?: Record<string, unknown>;
}

const DAY = 24 * 60 * 60 * 1000;

export interface ControlDeps {
  queries: ControlQueries;
  /** Renews a mailbox's watch; null when push is off and every mailbox is polled instead. */
  renewer: WatchRenewer | null;
  registry: Pick<MailboxRegistry, 'recordWatch'>;
  dispatcher: SyncDispatcher;
  directory: MailboxDirectory;
  clock: Clock;
  /** Rows per run; a backlog is worked off over several runs. */
  batch?: number;
  /** How long a mailbox may go without a successful sync before it is polled (Gmail drops pushes). */
  pollAfterMs?: number;
  /** Fans out events the syncs left pending and re-enqueues overdue delivery attempts. */
  recoverWebhooks(): Promise<{ events: number; deliveries: number; overdue: number }>;
  /** Finishes mailbox deletions left unfinished (interrupted, or larger than one request). */
  resumeDeletions(): Promise<{ examined: number; deleted: number; failed: number }>;
  /** Dispatches the next batches of running replays. */
  dispatchReplays(): Promise<{ examined: number; deliveries: number; failed: number }>;
}

/**
 * Runs one control job. `renew_watches` renews watches expiring within a day (Google recommends daily
 * renewal); `recover_stuck_syncs` re-dispatches mailboxes with an unserved wakeup or an interrupted full
 * sync; `poll_mailboxes` dispatches mailboxes not synced for `pollAfterMs`, catching dropped pushes;
 * `prune` deletes expired documents and finishes mailbox deletions left unfinished;
 * `recover_webhook_deliveries` fans out events the syncs left pending and re-enqueues overdue attempts;
 * `dispatch_replays` creates the next deliveries of running replays.
 */
export async function runControlJob(deps: ControlDeps, job: ControlJob): Promise<JobReport> {
  const now = deps.clock.now();
  const batch = deps.batch ?? 500;
  const report: JobReport = { job, examined: 0, acted: 0, failed: 0 };
  const each = async <T>(rows: T[], act: (row: T) => Promise<boolean>) => {
    report.examined = rows.length;
    for (const row of rows) {
      try {
        if (await act(row)) report.acted += 1;
      } catch {
        report.failed += 1;
      }
    }
  };
  switch (job) {
    case 'renew_watches': {
      const renewer = deps.renewer;
      if (!renewer) {
        report.details = { skipped: 'gmail push is off: mailboxes are polled' };
        return report;
      }
      await each(await deps.queries.watchesExpiringBefore(now + DAY, batch), async (m) => {
        try {
          await deps.registry.recordWatch(m.id, await renewer.renew(m.id));
          return true;
        } catch (error) {
          // a revoked grant is the sync's to report; the watch simply lapses
          if (error instanceof ReconnectRequiredError) return false;
          throw error;
        }
      });
      return report;
    }
    case 'recover_stuck_syncs':
      await each(await deps.queries.stuckMailboxes(now, batch), async (m) => {
        await dispatch(deps, { mailboxId: m.id, reason: 'recover_stuck_sync' });
        return true;
      });
      return report;
    case 'poll_mailboxes':
      await each(
        await deps.queries.staleMailboxes(now - (deps.pollAfterMs ?? 10 * 60 * 1000), batch),
        async (m) => {
          await dispatch(deps, { mailboxId: m.id, reason: 'poll' });
          return true;
        },
      );
      return report;
    case 'prune': {
      // one half failing does not stop the other: unfinished mailbox deletions matter most
      const pruned = await deps.queries.pruneExpired(now, batch).catch(() => undefined);
      const deletions = await deps.resumeDeletions();
      report.acted = Object.values(pruned ?? {}).reduce((a, b) => a + b, 0) + deletions.deleted;
      report.examined = report.acted + deletions.examined - deletions.deleted;
      report.failed = deletions.failed + (pruned ? 0 : 1);
      report.details = { ...pruned, mailboxesDeleted: deletions.deleted };
      return report;
    }
    case 'recover_webhook_deliveries': {
      const fanned = await deps.recoverWebhooks();
      report.examined = fanned.events + fanned.overdue;
      report.acted = fanned.deliveries + fanned.overdue;
      report.details = fanned;
      return report;
    }
    case 'dispatch_replays': {
      const dispatched = await deps.dispatchReplays();
      report.examined = dispatched.examined;
      report.acted = dispatched.deliveries;
      report.failed = dispatched.failed;
      report.details = dispatched;
      return report;
    }
  }
}
