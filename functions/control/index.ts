import type { HttpFunction } from '@google-cloud/functions-framework';
import { CONTROL_JOBS, type ControlJob, runControlJob } from '../../shared/control/run-control-job.js';
import { resumeMailboxDeletions } from '../../shared/mailboxes/delete-mailbox.js';
import type { Runtime } from '../../shared/runtime/composition-root.js';
import { mapErrorToHttp } from '../../shared/runtime/error-mapping.js';
import { describeError } from '../../shared/runtime/logger.js';
import { problem, sendProblem } from '../../shared/runtime/problem.js';
import { runtime } from '../../shared/runtime/process-runtime.js';
import { fanOutBacklog, recoverDeliveries } from '../../shared/webhooks/fan-out-events.js';
import { dispatchReplays } from '../../shared/webhooks/replays/dispatch-replays.js';
import { privateFunction } from '../guard.js';

/** Builds `control`: `POST /jobs/<job>` runs one idempotent control job and answers its report. */
export function createControlFunction(rt: () => Promise<Runtime>): HttpFunction {
  return privateFunction('control', rt, async (req, res, r) => {
    const job = /^\/jobs\/([a-z_]+)\/?$/.exec(req.path)?.[1];
    if (!job || !(CONTROL_JOBS as readonly string[]).includes(job)) {
      sendProblem(
        res,
        problem(
          404,
          'unknown_job',
          'Unknown job',
          `Use POST /jobs/<job> with one of: ${CONTROL_JOBS.join(', ')}`,
        ),
      );
      return;
    }
    if (req.method !== 'POST') {
      sendProblem(res, problem(405, 'method_not_allowed', 'Method not allowed', 'Jobs run on POST.'), {
        allow: 'POST',
      });
      return;
    }
    try {
      const report = await runControlJob(
        {
          queries: r.controlQueries,
          renewer: r.renewer,
          registry: r.mailboxRegistry,
          dispatcher: r.dispatcher,
          directory: r.directory,
          clock: r.clock,
          resumeDeletions: () => resumeMailboxDeletions(r),
          dispatchReplays: () => dispatchReplays({ ...r, deliverUrl: r.config.deliverWebhookUrl }),
          recoverWebhooks: async () => {
            const deps = {
              webhooks: r.webhooks,
              subscriptions: r.subscriptions,
              tasks: r.tasks,
              clock: r.clock,
              deliverUrl: r.config.deliverWebhookUrl,
            };
            const fanned = await fanOutBacklog(deps, { budgetMs: 120_000 });
            return { ...fanned, overdue: await recoverDeliveries(deps) };
          },
        },
        job as ControlJob,
      );
      r.logger.info('control job', { ...report });
      res.status(200).json(report);
    } catch (error) {
      const mapped = mapErrorToHttp(error);
      r.logger.error('control job failed', { job, ...describeError(error) });
      sendProblem(res, mapped.problem, mapped.headers);
    }
  });
}

/** The `control` Cloud Function entry point. */
export const control = createControlFunction(runtime);
