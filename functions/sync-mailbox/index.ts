import type { HttpFunction } from '@google-cloud/functions-framework';
import * as v from 'valibot';
import { indexFeed } from '../../shared/events/feed-index.js';
import type { Runtime } from '../../shared/runtime/composition-root.js';
import { mapErrorToDeliveryAck } from '../../shared/runtime/error-mapping.js';
import { LOG_EVENTS } from '../../shared/runtime/log-events.js';
import { describeError } from '../../shared/runtime/logger.js';
import { runtime } from '../../shared/runtime/process-runtime.js';
import { decodePush } from '../../shared/runtime/pubsub-push.js';
import { syncMailbox as runSync } from '../../shared/sync/sync-mailbox.js';
import { fanOutBacklog } from '../../shared/webhooks/fan-out-events.js';
import { privateFunction } from '../guard.js';

/** A sync dispatch, as published by `PubSubDispatcher`. */
export const SyncRequest = v.object({
  mailboxId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/)),
  reason: v.optional(v.string(), 'unspecified'),
  hintHistoryId: v.optional(v.string()),
});

/**
 * Builds `syncMailbox`: one fenced, checkpointed sync per dispatch. Acknowledges finished, busy and
 * skipped runs and errors retrying cannot fix; asks Pub/Sub to redeliver (503 + Retry-After) when Gmail
 * throttled longer than the run may wait — the next delivery resumes from the checkpoint.
 */
export function createSyncMailboxFunction(rt: () => Promise<Runtime>): HttpFunction {
  return privateFunction('syncMailbox', rt, async (req, res, r) => {
    let mailboxId: string | undefined;
    try {
      const { data, deliveryAttempt } = decodePush(req.body, SyncRequest);
      mailboxId = data.mailboxId;
      const outcome = await runSync(
        { store: r.syncStore, gmailFor: (m) => r.gmailFor(m), clock: r.clock, ids: r.ids, sleep: r.sleep },
        { mailboxId: data.mailboxId },
      );
      r.logger.info('sync finished', {
        mailboxId: data.mailboxId,
        reason: data.reason,
        deliveryAttempt,
        ...outcome,
      });
      if (outcome.outcome === 'reconnect_required')
        r.logger.warn('mailbox needs reconnecting', {
          event: LOG_EVENTS.reconnectRequired,
          mailboxId: data.mailboxId,
        });
      // events are an outbox: fan them out now; anything missed here is found by recover_webhook_deliveries
      const fanned = await fanOutBacklog(
        {
          webhooks: r.webhooks,
          subscriptions: r.subscriptions,
          tasks: r.tasks,
          clock: r.clock,
          deliverUrl: r.config.deliverWebhookUrl,
        },
        // bounded, so a large initial sync leaves the rest to recovery instead of outrunning the function
        { mailboxId: data.mailboxId, budgetMs: 60_000 },
      ).catch((error: unknown) => {
        r.logger.warn('fan-out deferred to recovery', describeError(error));
        return undefined;
      });
      if (fanned) r.logger.info('fan-out', { mailboxId: data.mailboxId, ...fanned });
      // the workspace's event feed takes the new events; anything left is indexed by recover_webhook_deliveries
      const workspaceId = (await r.syncStore.getMailbox(data.mailboxId))?.workspaceId;
      if (workspaceId)
        await indexFeed({ feed: r.feedIndex, clock: r.clock, ids: r.ids }, workspaceId).catch(
          (error: unknown) =>
            r.logger.warn('feed indexing deferred to recovery', {
              mailboxId: data.mailboxId,
              ...describeError(error),
            }),
        );
      res.status(204).send('');
    } catch (error) {
      const ack = mapErrorToDeliveryAck(error);
      r.logger[ack.outcome === 'retry' ? 'warn' : 'error']('sync not completed', {
        event: LOG_EVENTS.syncFailed,
        mailboxId,
        ...describeError(error),
        ack: ack.outcome,
      });
      res.status(ack.status).set(ack.headers).send('');
    }
  });
}

/** The `syncMailbox` Cloud Function entry point. */
export const syncMailbox = createSyncMailboxFunction(runtime);
