import type { FaultConfig, FaultConfigInput } from './faults.js';
import type { NotificationLogEntry } from './notifier.js';
import type { UserUsage } from './quota.js';

/** A refused admin call, carrying the RFC 7807 problem body. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(`gmail emulator admin call failed with ${status}: ${JSON.stringify(problem)}`);
  }
}

/** Body of `POST /__admin/users/{email}/messages`. */
export interface AdminMessageInput {
  from: string;
  to: string | string[];
  cc?: string | string[];
  subject: string;
  text?: string;
  html?: string;
  labelIds?: string[];
  threadId?: string;
  /** Arrival time (ms); defaults to the emulator clock's now. */
  internalDate?: number;
  attachments?: { filename: string; mimeType: string; size: number }[];
}

/** Tokens issued by `POST /__admin/users/{email}/tokens`. */
export interface AdminTokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
  token_type: 'Bearer';
  id_token?: string;
  client_id: string;
}

/** A typed client of the emulator's `/__admin` API (plain fetch; works against a standalone emulator too). */
export class GmailAdminClient {
  constructor(private readonly baseUrl: string) {}

  /**
   * A user's mailbox state, including its watch (null when stopped or never started), the quota units spent in
   * the current sliding minute and the user's whole usage: units charged, the peak minute, calls per method and
   * refused calls.
   */
  user(email: string): Promise<{
    email: string;
    historyId: string;
    watch: { topicName: string } | null;
    quotaUnitsUsed: number;
    usage: UserUsage;
  }> {
    return this.call('GET', `/users/${encodeURIComponent(email)}`);
  }

  createUser(email: string): Promise<{ email: string; historyId: string }> {
    return this.call('POST', '/users', { email });
  }

  /** Tokens for `email`; `clientId` defaults to the emulator's default client. */
  issueTokens(email: string, options: { clientId?: string; scope?: string } = {}): Promise<AdminTokens> {
    return this.call('POST', `/users/${encodeURIComponent(email)}/tokens`, options);
  }

  createLabel(email: string, name: string): Promise<{ id: string; name: string }> {
    return this.call('POST', `/users/${encodeURIComponent(email)}/labels`, { name });
  }

  addMessage(
    email: string,
    message: AdminMessageInput,
  ): Promise<{ id: string; threadId: string; historyId: string }> {
    return this.call('POST', `/users/${encodeURIComponent(email)}/messages`, message);
  }

  modifyMessage(
    email: string,
    id: string,
    change: { addLabelIds?: string[]; removeLabelIds?: string[] },
  ): Promise<{ id: string; threadId: string; labelIds: string[]; historyId: string }> {
    return this.call('POST', `/users/${encodeURIComponent(email)}/messages/${id}/modify`, change);
  }

  trashMessage(email: string, id: string): Promise<{ id: string; labelIds: string[]; historyId: string }> {
    return this.call('POST', `/users/${encodeURIComponent(email)}/messages/${id}/trash`, {});
  }

  untrashMessage(email: string, id: string): Promise<{ id: string; labelIds: string[]; historyId: string }> {
    return this.call('POST', `/users/${encodeURIComponent(email)}/messages/${id}/untrash`, {});
  }

  deleteMessage(email: string, id: string): Promise<void> {
    return this.call('DELETE', `/users/${encodeURIComponent(email)}/messages/${id}`);
  }

  seed(
    email: string,
    options: { count: number; seed?: number; recordHistory?: boolean; maxThreadSize?: number },
  ): Promise<{ count: number; threads: number; historyId: string; oldestHistoryId: string; ms: number }> {
    return this.call('POST', `/users/${encodeURIComponent(email)}/seed`, options);
  }

  expireHistory(email: string): Promise<{ historyId: string; oldestHistoryId: string }> {
    return this.call('POST', `/users/${encodeURIComponent(email)}/expire-history`, {});
  }

  revoke(email: string): Promise<{ revokedGrants: number }> {
    return this.call('POST', `/users/${encodeURIComponent(email)}/revoke`, {});
  }

  notifications(email: string): Promise<{ notifications: NotificationLogEntry[] }> {
    return this.call('GET', `/users/${encodeURIComponent(email)}/notifications`);
  }

  registerClient(client: {
    clientId: string;
    clientSecret: string;
    redirectUris: string[];
  }): Promise<unknown> {
    return this.call('POST', '/clients', client);
  }

  setFaults(faults: FaultConfigInput): Promise<FaultConfig> {
    return this.call('PUT', '/faults', faults);
  }

  faults(): Promise<FaultConfig> {
    return this.call('GET', '/faults');
  }

  setQuota(quota: {
    unitsPerMinute?: number;
    maxConcurrentPerUser?: number;
    exceededStatus?: 429 | 403;
  }): Promise<unknown> {
    return this.call('PUT', '/quota', quota);
  }

  reset(): Promise<void> {
    return this.call('POST', '/reset');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/__admin${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) throw new AdminApiError(response.status, parsed);
    return parsed as T;
  }
}
