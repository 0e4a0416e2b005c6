import type { HttpFunction } from '@google-cloud/functions-framework';
import * as v from 'valibot';
import type { Runtime } from '../../shared/runtime/composition-root.js';
import { problem, sendProblem } from '../../shared/runtime/problem.js';
import { runtime } from '../../shared/runtime/process-runtime.js';
import { privateFunction } from '../guard.js';

/** The body of a delivery task. */
export const DeliveryTask = v.strictObject({
  deliveryId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/)),
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

/**
 * Builds `deliverWebhook`, the Cloud Tasks target: authenticates the caller (OIDC in gcp mode) and
 * validates the task. Delivery attempts themselves are not deployed yet, so a valid task is answered
 * `501 not_implemented` and stays queued for retry rather than being dropped.
 */
export function createDeliverWebhookFunction(rt: () => Promise<Runtime>): HttpFunction {
  return privateFunction('deliverWebhook', rt, async (req, res, r) => {
    const parsed = v.safeParse(DeliveryTask, req.body);
    if (!parsed.success) {
      // a malformed task can never succeed: acknowledge it so the queue drops it
      r.logger.warn('malformed delivery task', { detail: parsed.issues.map((i) => i.message).join('; ') });
      res.status(204).send('');
      return;
    }
    sendProblem(
      res,
      problem(
        501,
        'not_implemented',
        'Not implemented',
        'Webhook delivery is not deployed yet; the task will be retried.',
      ),
    );
  });
}

/** The `deliverWebhook` Cloud Function entry point. */
export const deliverWebhook = createDeliverWebhookFunction(runtime);
