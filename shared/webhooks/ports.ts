import type { MailmonEvent } from '../events/event.js';
import type { Delivery, DeliveryAttempt, WebhookEndpoint } from './model.js';

/** Storage for endpoints, the fan-out of events and delivery attempts. */
export interface WebhookStore {
  createEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  getEndpoint(workspaceId: string, id: string): Promise<WebhookEndpoint | undefined>;
  listEndpoints(workspaceId: string): Promise<WebhookEndpoint[]>;
  updateEndpoint(workspaceId: string, id: string, fields: Partial<WebhookEndpoint>): Promise<boolean>;
  deleteEndpoint(workspaceId: string, id: string): Promise<boolean>;
  /** Events not yet fanned out (all mailboxes, or one), oldest first. */
  pendingEvents(limit: number, mailboxId?: string): Promise<MailmonEvent[]>;
  /** Atomically: if the event is still pending, create its deliveries and mark it fanned out. */
  commitFanOut(event: MailmonEvent, deliveries: Delivery[]): Promise<boolean>;
  getDelivery(
    id: string,
  ): Promise<{ delivery: Delivery; event: MailmonEvent; endpoint: WebhookEndpoint | undefined } | undefined>;
  /**
   * Records an attempt if the delivery still has `expectedAttempts` attempts (so a duplicate or stale task
   * records nothing), updating the delivery and, when given, the endpoint in the same transaction.
   */
  recordAttempt(
    deliveryId: string,
    expectedAttempts: number,
    attempt: DeliveryAttempt,
    delivery: Partial<Delivery>,
    endpoint?: Partial<WebhookEndpoint>,
  ): Promise<boolean>;
  /** Pending deliveries whose next attempt is overdue (their task was lost), oldest first. */
  overdueDeliveries(before: number, limit: number): Promise<Delivery[]>;
  listDeliveries(
    workspaceId: string,
    filter: { endpointId?: string; eventId?: string },
    limit: number,
  ): Promise<Delivery[]>;
  listAttempts(deliveryId: string): Promise<DeliveryAttempt[]>;
}

/** One HTTP POST, without following redirects, bounded in time; never throws for endpoint failures. */
export interface HttpSender {
  post(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<{ status: number | 'timeout' | 'network_error'; retryAfter: string | null; snippet: string }>;
}
