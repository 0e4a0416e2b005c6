import type { HttpFunction } from '@google-cloud/functions-framework';
import * as v from 'valibot';
import type { Runtime } from '../../shared/runtime/composition-root.js';
import { mapErrorToHttp } from '../../shared/runtime/error-mapping.js';
import { LOG_EVENTS } from '../../shared/runtime/log-events.js';
import { describeError } from '../../shared/runtime/logger.js';
import { sendProblem } from '../../shared/runtime/problem.js';
import { runtime } from '../../shared/runtime/process-runtime.js';
import { attemptDelivery } from '../../shared/webhooks/attempt-delivery.js';
import { privateFunction } from '../guard.js';

/** The body of a delivery task. */
export const DeliveryTask = v.strictObject({
  deliveryId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/)),
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

/**
 * Builds `deliverWebhook`, the Cloud Tasks target: authenticates the caller (OIDC in gcp mode), validates
 * the task and makes one signed delivery attempt, which records itself and schedules its successor.
 * Infrastructure failures answer 5xx so the queue retries the same task.
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
    try {
      const result = await attemptDelivery(
        { store: r.deliveries, sender: r.sender, clock: r.clock, random: r.random, guard: r.guard },
        parsed.output,
      );
      r.logger.info('delivery attempt', {
        deliveryId: parsed.output.deliveryId,
        ...('attempt' in result
          ? { outcome: result.attempt.outcome, status: result.attempt.status }
          : result),
      });
      if (result.kind === 'attempted' && result.delivery.state === 'failed')
        r.logger.warn('delivery failed', {
          event: LOG_EVENTS.deliveryFailed,
          deliveryId: parsed.output.deliveryId,
          attempt: result.attempt.attempt,
          reason: result.delivery.reason,
        });
      if (result.kind === 'attempted' && result.endpoint?.kind === 'disabled')
        r.logger.error('endpoint disabled', {
          event: LOG_EVENTS.endpointDisabled,
          deliveryId: parsed.output.deliveryId,
          reason: result.endpoint.reason,
        });
      // the attempt is recorded and its successor scheduled by name: the task itself is done either way
      res.status(204).send('');
    } catch (error) {
      const mapped = mapErrorToHttp(error);
      r.logger.error('delivery attempt failed', {
        deliveryId: parsed.output.deliveryId,
        ...describeError(error),
      });
      sendProblem(res, mapped.problem, mapped.headers);
    }
  });
}

/** The `deliverWebhook` Cloud Function entry point. */
export const deliverWebhook = createDeliverWebhookFunction(runtime);
