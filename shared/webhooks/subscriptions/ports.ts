import type { Subscription } from './model.js';

/** Storage of subscriptions. Every call is scoped to a workspace: another workspace's ids are not found. */
export interface SubscriptionStore {
  create(subscription: Subscription): Promise<void>;
  get(workspaceId: string, id: string): Promise<Subscription | undefined>;
  /** The workspace's subscriptions (of one endpoint, when given), oldest first. */
  list(workspaceId: string, filter?: { endpointId?: string }): Promise<Subscription[]>;
  /** Updates when the subscription is the workspace's; false otherwise. */
  update(
    workspaceId: string,
    id: string,
    fields: Partial<Pick<Subscription, 'mailboxIds' | 'eventTypes' | 'updatedAt'>>,
  ): Promise<boolean>;
  delete(workspaceId: string, id: string): Promise<boolean>;
  /** Deletes every subscription of an endpoint (when the endpoint is deleted). */
  deleteForEndpoint(workspaceId: string, endpointId: string): Promise<number>;
}
