import * as v from 'valibot';
import type { publicEndpoint } from '../../../shared/webhooks/manage-endpoints.js';
import { ErrorDetail, IsoTime, iso, NullableIsoTime } from '../http/views.js';
import { deliveryStateOf, lastDeliveryErrorOf } from './observability-views.js';

/** A webhook endpoint as the API shows it (never its secrets). */
export const Endpoint = v.pipe(
  v.object({
    id: v.string(),
    object: v.literal('webhook_endpoint'),
    workspaceId: v.string(),
    url: v.string(),
    description: v.nullable(v.string()),
    eventTypes: v.array(v.string()),
    mailboxIds: v.array(v.string()),
    status: v.picklist(['enabled', 'disabled']),
    disabledReason: v.nullable(v.string()),
    deliveryState: v.pipe(
      v.picklist(['healthy', 'degraded', 'failing']),
      v.description('healthy; degraded while deliveries fail (retried); failing once disabled'),
    ),
    lastDeliveryAt: NullableIsoTime,
    lastDeliveryError: v.nullable(ErrorDetail),
    failingSince: NullableIsoTime,
    secretCount: v.number(),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  }),
  v.title('WebhookEndpoint'),
);

/** An endpoint with its signing secret, shown once (at creation and rotation). */
export const EndpointWithSecret = v.pipe(
  v.object({ ...Endpoint.pipe[0].entries, secret: v.pipe(v.string(), v.startsWith('whsec_')) }),
  v.title('WebhookEndpointWithSecret'),
);

type PublicEndpoint = ReturnType<typeof publicEndpoint>;

/** What an endpoint's newest deliveries say about it. */
export interface EndpointDeliveries {
  delivered?: Record<string, unknown> | undefined;
  failed?: Record<string, unknown> | undefined;
}

/** A stored endpoint (secrets removed) as an {@link Endpoint}. */
export function endpointView(e: PublicEndpoint, latest: EndpointDeliveries): v.InferOutput<typeof Endpoint> {
  return {
    id: e.id,
    object: 'webhook_endpoint',
    workspaceId: e.workspaceId,
    url: e.url,
    description: e.description ? e.description : null,
    eventTypes: e.eventTypes,
    mailboxIds: e.mailboxIds,
    status: e.status,
    disabledReason: e.disabledReason ?? null,
    deliveryState: deliveryStateOf(e),
    lastDeliveryAt: iso((latest.delivered?.updatedAt as number | undefined) ?? null),
    lastDeliveryError: lastDeliveryErrorOf(latest.failed),
    failingSince: iso(e.failingSince),
    secretCount: e.secretCount,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
}
