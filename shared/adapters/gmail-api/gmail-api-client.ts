import { google } from 'googleapis';
import { HistoryExpiredError, ReconnectRequiredError, RetryAfterError } from '../../core/errors.js';
import type { GmailClient } from '../../sync/ports.js';
import { toHistoryChanges, toMessageMeta } from './parse-message.js';

/** Where Gmail and its token endpoint live, and the OAuth client that owns the refresh token. */
export interface GmailApiConfig {
  rootUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Records a page of `history.list` returns; each page is one commit. */
  historyPageSize?: number;
}

interface HttpFailure {
  status?: number;
  reason?: string;
  oauthError?: string;
  retryAfterMs?: number;
}

function failureOf(error: unknown): HttpFailure {
  const e = error as {
    status?: number;
    code?: number | string;
    response?: { status?: number; data?: unknown; headers?: unknown };
  };
  const status = e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined);
  const data = e.response?.data as { error?: string | { errors?: { reason?: string }[] } } | undefined;
  const oauthError = typeof data?.error === 'string' ? data.error : undefined;
  const reason = typeof data?.error === 'object' ? data.error.errors?.[0]?.reason : undefined;
  const headers = e.response?.headers as
    | { get?: (name: string) => string | null }
    | Record<string, string>
    | undefined;
  const raw =
    typeof headers?.get === 'function'
      ? headers.get('retry-after')
      : (headers as Record<string, string> | undefined)?.['retry-after'];
  const seconds = raw ? Number(raw) : Number.NaN;
  return {
    ...(status !== undefined ? { status } : {}),
    ...(reason ? { reason } : {}),
    ...(oauthError ? { oauthError } : {}),
    ...(Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {}),
  };
}

/**
 * {@link GmailClient} on the `googleapis` client, for one mailbox's refresh token. Translates Gmail's
 * failures into the engine's typed errors: `invalid_grant` (or a 401 that a refresh cannot cure) →
 * ReconnectRequiredError; 429, rate-limit 403s and 5xx → RetryAfterError honouring Retry-After; history
 * 404 → HistoryExpiredError. Automatic retries are off: the engine paces and backs off itself.
 */
export class GmailApiClient implements GmailClient {
  private readonly gmail;
  private readonly auth;
  private readonly historyPageSize: number;

  constructor(config: GmailApiConfig, refreshToken: string) {
    this.auth = new google.auth.OAuth2({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      endpoints: { oauth2TokenUrl: config.tokenUrl },
    });
    this.auth.setCredentials({ refresh_token: refreshToken });
    this.gmail = google.gmail({ version: 'v1', auth: this.auth, rootUrl: config.rootUrl });
    this.historyPageSize = config.historyPageSize ?? 100;
  }

  private async call<T>(what: string, fn: () => Promise<T>, on404?: () => T): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await fn();
      } catch (error) {
        const f = failureOf(error);
        if (f.oauthError === 'invalid_grant') throw new ReconnectRequiredError();
        if (f.status === 401 && attempt === 0) {
          // the access token was revoked or expired early: one forced refresh decides
          this.auth.setCredentials({ refresh_token: this.auth.credentials.refresh_token ?? null });
          continue;
        }
        if (f.status === 401) throw new ReconnectRequiredError('Gmail refused the refreshed access token');
        if (f.status === 404 && on404) return on404();
        const rateLimited =
          f.status === 429 || (f.status === 403 && /rateLimitExceeded/i.test(f.reason ?? ''));
        const serverError = f.status !== undefined && f.status >= 500;
        const network = f.status === undefined && !(error instanceof ReconnectRequiredError);
        if (rateLimited || serverError || network) {
          throw new RetryAfterError(
            `Gmail ${what} failed (${f.status ?? 'network'}${f.reason ? ` ${f.reason}` : ''})`,
            f.retryAfterMs ?? 1000,
            {
              cause: error,
            },
          );
        }
        throw error;
      }
    }
  }

  async getProfile() {
    const { data } = await this.call('getProfile', () =>
      this.gmail.users.getProfile({ userId: 'me' }, { retry: false }),
    );
    return { emailAddress: data.emailAddress ?? '', historyId: String(data.historyId) };
  }

  async listMessages(pageToken: string | null, pageSize: number) {
    const { data } = await this.call('messages.list', () =>
      this.gmail.users.messages.list(
        { userId: 'me', includeSpamTrash: true, maxResults: pageSize, ...(pageToken ? { pageToken } : {}) },
        { retry: false },
      ),
    );
    return {
      messages: (data.messages ?? []).map((m) => ({ id: m.id!, threadId: m.threadId! })),
      nextPageToken: data.nextPageToken ?? null,
    };
  }

  async getMessage(id: string) {
    const result = await this.call(
      'messages.get',
      async () =>
        (
          await this.gmail.users.messages.get(
            {
              userId: 'me',
              id,
              format: 'full',
              fields:
                'id,threadId,labelIds,snippet,internalDate,sizeEstimate,payload(headers,filename,mimeType,body/size,parts(filename,mimeType,body/size,parts(filename,mimeType,body/size,parts(filename,mimeType,body/size))))',
            },
            { retry: false },
          )
        ).data,
      () => undefined,
    );
    return result ? toMessageMeta(result) : undefined;
  }

  async listHistory(startHistoryId: string, pageToken: string | null) {
    const { data } = await this.call(
      'history.list',
      () =>
        this.gmail.users.history.list(
          {
            userId: 'me',
            startHistoryId,
            maxResults: this.historyPageSize,
            ...(pageToken ? { pageToken } : {}),
          },
          { retry: false },
        ),
      () => {
        throw new HistoryExpiredError(startHistoryId);
      },
    );
    const records = data.history ?? [];
    return {
      changes: toHistoryChanges(records),
      lastRecordId: records.length > 0 ? String(records[records.length - 1]!.id) : null,
      historyId: String(data.historyId),
      nextPageToken: data.nextPageToken ?? null,
    };
  }
}
