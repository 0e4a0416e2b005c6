import type { SealedSecret } from '../secrets/ports.js';

/** A customer's webhook endpoint. Secrets are stored sealed; the newest signs first during rotation. */
export interface WebhookEndpoint {
  id: string;
  workspaceId: string;
  url: string;
  description: string;
  /** Event types delivered; empty means all. */
  eventTypes: string[];
  /** Mailboxes whose events are delivered; empty means all of the workspace. */
  mailboxIds: string[];
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  secrets: { sealed: SealedSecret; createdAt: number; expiresAt: number | null }[];
  /** Start of the current run of consecutive failures; an endpoint failing for 5 days is disabled. */
  failingSince: number | null;
  createdAt: number;
  updatedAt: number;
}

/** One event on its way to one endpoint. */
export interface Delivery {
  id: string;
  workspaceId: string;
  endpointId: string;
  mailboxId: string;
  eventId: string;
  eventType: string;
  state: 'pending' | 'delivered' | 'failed';
  /** Attempts made so far. */
  attempts: number;
  nextAttemptAt: number | null;
  lastStatus: number | string | null;
  /** Why a `failed` delivery ended. */
  failureReason?: string | null;
  /** The replay that created this delivery; absent for deliveries of the live fan-out. */
  replayId?: string;
  createdAt: number;
  updatedAt: number;
}

/** One recorded attempt of a delivery. */
export interface DeliveryAttempt {
  /** 1-based; also the fencing token of the attempt. */
  attempt: number;
  /** When the attempt finished (epoch ms). */
  at: number;
  durationMs: number;
  /** The HTTP status, or why there was none (`refused`: not sent by Mailmon's own decision). */
  status: number | 'timeout' | 'network_error' | 'refused';
  outcome: 'delivered' | 'retry' | 'failed' | 'endpoint_gone';
  /** At most 1 KiB (UTF-8) of the response body. */
  responseSnippet: string;
  /** What went wrong without an HTTP answer (timeout, network error, refused target), else null. */
  error: string | null;
  nextAttemptAt: number | null;
}
