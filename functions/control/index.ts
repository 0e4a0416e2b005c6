import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import * as v from 'valibot';
import { CONTROL_JOBS, type ControlJob, runControlJob } from '../../shared/control/run-control-job.js';
import { indexPendingFeeds } from '../../shared/events/feed-index.js';
import { resumeMailboxDeletions } from '../../shared/mailboxes/delete-mailbox.js';
import type { Runtime } from '../../shared/runtime/composition-root.js';
import { mapErrorToDeliveryAck, mapErrorToHttp } from '../../shared/runtime/error-mapping.js';
import { LOG_EVENTS } from '../../shared/runtime/log-events.js';
import { describeError } from '../../shared/runtime/logger.js';
import { problem, sendProblem } from '../../shared/runtime/problem.js';
import { runtime } from '../../shared/runtime/process-runtime.js';
import { decodePush } from '../../shared/runtime/pubsub-push.js';
import { DEAD_LETTER_ATTRIBUTES, recordDeadLetteredSync } from '../../shared/sync/record-dead-letter.js';
import { fanOutBacklog, recoverDeliveries } from '../../shared/webhooks/fan-out-events.js';
import { dispatchReplays } from '../../shared/webhooks/replays/dispatch-replays.js';
import { DEAD_LETTERS_PATH } from '../function-names.js';
import { privateFunction } from '../guard.js';

/** A message forwarded to the dead-letter topic: a sync dispatch, a Gmail notification, or anything else. */
const DeadLetter = v.union([
  v.object({ mailboxId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/)) }),
  v.object({ emailAddress: v.string() }),
  v.unknown(),
]);

async function runJob(job: ControlJob, r: Runtime, res: Response): Promise<void> {
  try {
    let oldestPendingAgeMs: number | null = null;
    const report = await runControlJob(
      {
        queries: r.controlQueries,
        renewer: r.renewer,
        registry: r.mailboxRegistry,
        dispatcher: r.dispatcher,
        directory: r.directory,
        clock: r.clock,
        pollAfterMs: r.config.pollAfterMs,
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
          const overdue = await recoverDeliveries(deps);
          const feed = await indexPendingFeeds({ feed: r.feedIndex, clock: r.clock, ids: r.ids });
          const oldest = await r.observability.oldestPendingDeliveryCreatedAt();
          oldestPendingAgeMs = oldest === null ? null : Math.max(0, r.clock.now() - oldest);
          return { ...fanned, overdue, feedIndexed: feed.indexed };
        },
      },
      job,
    );
    r.logger.info('control job', { ...report });
    if (job === 'recover_webhook_deliveries')
      r.logger.info('delivery backlog', {
        event: LOG_EVENTS.deliveryBacklog,
        // 0 without a backlog, so the gauge falls back instead of going silent
        oldestPendingDeliveryAgeSeconds: Math.round((oldestPendingAgeMs ?? 0) / 1000),
      });
    res.status(200).json(report);
  } catch (error) {
    const mapped = mapErrorToHttp(error);
    r.logger.error('control job failed', {
      event: LOG_EVENTS.controlJobFailed,
      job,
      ...describeError(error),
    });
    sendProblem(res, mapped.problem, mapped.headers);
  }
}

/**
 * `POST /dead-letters`: the push target of the dead-letter topic's subscription. A dead-lettered sync
 * dispatch marks its mailbox (see {@link recordDeadLetteredSync}); every dead letter is logged as
 * `dispatch_dead_lettered`, which a log-based metric counts and an alert watches. Acknowledged once recorded;
 * a store failure answers 5xx so Pub/Sub redelivers it.
 */
async function receiveDeadLetter(req: Request, res: Response, r: Runtime): Promise<void> {
  try {
    const letter = decodePush(req.body, DeadLetter);
    const attempts = Number(letter.attributes[DEAD_LETTER_ATTRIBUTES.deliveryCount]);
    const publishedAt =
      Date.parse(letter.attributes[DEAD_LETTER_ATTRIBUTES.publishTime] ?? '') ||
      letter.publishedAt ||
      r.clock.now();
    const fields = {
      event: LOG_EVENTS.dispatchDeadLettered,
      subscription: letter.attributes[DEAD_LETTER_ATTRIBUTES.subscription] ?? 'unknown',
      attempts: Number.isFinite(attempts) ? attempts : null,
      messageId: letter.messageId,
    };
    const data = letter.data as { mailboxId?: string; emailAddress?: string } | undefined;
    if (typeof data?.mailboxId === 'string') {
      const mark = await recordDeadLetteredSync(
        { marker: r.deadLetters, clock: r.clock },
        { mailboxId: data.mailboxId, publishedAt, attempts: fields.attempts ?? undefined },
      );
      r.logger.error('sync dispatch dead-lettered', {
        ...fields,
        source: 'sync',
        mailboxId: data.mailboxId,
        mark,
      });
    } else {
      // a Gmail notification that never got through: poll_mailboxes syncs its mailboxes anyway
      r.logger.error('message dead-lettered', {
        ...fields,
        source: typeof data?.emailAddress === 'string' ? 'gmail_push' : 'unknown',
      });
    }
    res.status(204).send('');
  } catch (error) {
    const ack = mapErrorToDeliveryAck(error);
    r.logger.error('dead letter not recorded', {
      event: LOG_EVENTS.dispatchDeadLettered,
      source: 'unreadable',
      ack: ack.outcome,
      ...describeError(error),
    });
    res.status(ack.status).set(ack.headers).send('');
  }
}

/**
 * Builds `control`: `POST /jobs/<job>` runs one idempotent control job and answers its report;
 * `POST /dead-letters` receives the dead-letter topic's pushes.
 */
export function createControlFunction(rt: () => Promise<Runtime>): HttpFunction {
  return privateFunction('control', rt, async (req, res, r) => {
    const deadLetters = req.path.replace(/\/$/, '') === DEAD_LETTERS_PATH;
    const job = /^\/jobs\/([a-z_]+)\/?$/.exec(req.path)?.[1];
    if (!deadLetters && (!job || !(CONTROL_JOBS as readonly string[]).includes(job))) {
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
    if (deadLetters) await receiveDeadLetter(req, res, r);
    else await runJob(job as ControlJob, r, res);
  });
}

/** The `control` Cloud Function entry point. */
export const control = createControlFunction(runtime);
