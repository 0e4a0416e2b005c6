import { FieldValue } from '@google-cloud/firestore';
import type { HttpFunction } from '@google-cloud/functions-framework';
import * as v from 'valibot';
import { NonRetryableError } from '../../shared/core/errors.js';
import type { Runtime } from '../../shared/runtime/composition-root.js';
import { mapErrorToDeliveryAck } from '../../shared/runtime/error-mapping.js';
import { LOG_EVENTS } from '../../shared/runtime/log-events.js';
import { describeError } from '../../shared/runtime/logger.js';
import { runtime } from '../../shared/runtime/process-runtime.js';
import { decodePush } from '../../shared/runtime/pubsub-push.js';
import { handleGmailNotification } from '../../shared/sync/request-sync.js';
import { privateFunction } from '../guard.js';

/** Gmail's notification payload: the address and the mailbox's new historyId (a number or a decimal string). */
export const GmailNotification = v.object({
  emailAddress: v.pipe(v.string(), v.email()),
  historyId: v.pipe(
    v.union([v.pipe(v.number(), v.integer(), v.minValue(1)), v.pipe(v.string(), v.regex(/^\d{1,20}$/))]),
    v.transform(String),
  ),
});

/**
 * Builds `gmailPush`: decodes the notification, records the hint and dispatches a sync — it never syncs
 * itself. Duplicate and stale pushes are acknowledged as no-ops; malformed ones are acknowledged, logged
 * and counted (`metrics/gmailPush.malformed`), since redelivering them cannot help.
 */
export function createGmailPushFunction(rt: () => Promise<Runtime>): HttpFunction {
  return privateFunction('gmailPush', rt, async (req, res, r) => {
    try {
      const { data } = decodePush(req.body, GmailNotification);
      const result = await handleGmailNotification(
        { directory: r.directory, store: r.syncStore, dispatcher: r.dispatcher, clock: r.clock },
        data,
      );
      r.logger.info('gmail push', { historyId: data.historyId, ...result });
      res.status(204).send('');
    } catch (error) {
      const ack = mapErrorToDeliveryAck(error);
      if (error instanceof NonRetryableError && error.code === 'malformed_push') {
        r.logger.warn('malformed gmail push', {
          event: LOG_EVENTS.gmailPushFailed,
          kind: 'malformed',
          detail: error.message,
        });
        await r.db
          .collection('metrics')
          .doc('gmailPush')
          .set({ malformed: FieldValue.increment(1) }, { merge: true });
      } else {
        r.logger.error('gmail push failed', {
          event: LOG_EVENTS.gmailPushFailed,
          kind: 'error',
          ...describeError(error),
        });
      }
      res.status(ack.status).set(ack.headers).send('');
    }
  });
}

/** The `gmailPush` Cloud Function entry point. */
export const gmailPush = createGmailPushFunction(runtime);
