import type { EventType } from '../../events/event.js';

/** Routes events of some mailboxes and types of a workspace to one endpoint. */
export interface Subscription {
  id: string;
  workspaceId: string;
  endpointId: string;
  /** `'all'`: every mailbox of the workspace, present and future. */
  mailboxIds: 'all' | string[];
  /** `'all'`: every event type, present and future. */
  eventTypes: 'all' | EventType[];
  createdAt: number;
  updatedAt: number;
}

/** Whether `subscription` takes `event`. */
export function subscriptionMatches(
  subscription: Pick<Subscription, 'mailboxIds' | 'eventTypes'>,
  event: { type: string; mailboxId: string },
): boolean {
  return (
    (subscription.mailboxIds === 'all' || subscription.mailboxIds.includes(event.mailboxId)) &&
    (subscription.eventTypes === 'all' || (subscription.eventTypes as string[]).includes(event.type))
  );
}

/** An endpoint as routing needs it. */
export interface RoutableEndpoint {
  id: string;
  status: 'enabled' | 'disabled';
  eventTypes: string[];
  mailboxIds: string[];
}

/**
 * Whether an event goes to an endpoint. A disabled endpoint takes nothing. An endpoint with subscriptions
 * takes what any of them matches; one without takes what its own `eventTypes` and `mailboxIds` filter
 * matches (empty meaning all) — the shorthand of `POST /v1/webhook-endpoints`.
 */
export function endpointTakes(
  endpoint: RoutableEndpoint,
  subscriptions: readonly Pick<Subscription, 'endpointId' | 'mailboxIds' | 'eventTypes'>[],
  event: { type: string; mailboxId: string },
): boolean {
  if (endpoint.status !== 'enabled') return false;
  const own = subscriptions.filter((s) => s.endpointId === endpoint.id);
  if (own.length > 0) return own.some((s) => subscriptionMatches(s, event));
  return (
    (endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(event.type)) &&
    (endpoint.mailboxIds.length === 0 || endpoint.mailboxIds.includes(event.mailboxId))
  );
}
