import { google } from 'googleapis';
import { ReconnectRequiredError } from '../../core/errors.js';
import type { GmailRelease } from '../../mailboxes/ports.js';
import type { GmailApiConfig } from './gmail-api-client.js';

function oauthErrorOf(error: unknown): { status?: number; oauthError?: string } {
  const e = error as { status?: number; response?: { status?: number; data?: { error?: unknown } } };
  const status = e.response?.status ?? e.status;
  const oauthError = typeof e.response?.data?.error === 'string' ? e.response.data.error : undefined;
  return { ...(status !== undefined ? { status } : {}), ...(oauthError ? { oauthError } : {}) };
}

/**
 * {@link GmailRelease} on Google's APIs: `users.stop` through `googleapis`, and the OAuth revoke endpoint.
 * A grant Google no longer honours (`invalid_grant`, `invalid_token`, a 401) is reported as
 * {@link ReconnectRequiredError}: there is nothing left to stop or revoke.
 */
export class GmailApiRelease implements GmailRelease {
  constructor(private readonly config: GmailApiConfig & { revokeUrl: string }) {}

  private client(refreshToken: string) {
    const auth = new google.auth.OAuth2({
      clientId: this.config.clientId,
      clientSecret: this.config.clientSecret,
      endpoints: { oauth2TokenUrl: this.config.tokenUrl, oauth2RevokeUrl: this.config.revokeUrl },
    });
    auth.setCredentials({ refresh_token: refreshToken });
    return auth;
  }

  async stopWatch(refreshToken: string): Promise<void> {
    const gmail = google.gmail({
      version: 'v1',
      auth: this.client(refreshToken),
      rootUrl: this.config.rootUrl,
    });
    try {
      await gmail.users.stop({ userId: 'me' }, { retry: false });
    } catch (error) {
      throw translate(error);
    }
  }

  async revokeToken(refreshToken: string): Promise<void> {
    try {
      await this.client(refreshToken).revokeToken(refreshToken);
    } catch (error) {
      throw translate(error);
    }
  }
}

function translate(error: unknown): unknown {
  const f = oauthErrorOf(error);
  if (f.oauthError === 'invalid_grant' || f.oauthError === 'invalid_token' || f.status === 401)
    return new ReconnectRequiredError('Google no longer honours the mailbox grant', { cause: error });
  return error;
}
