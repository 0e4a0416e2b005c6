import { google } from 'googleapis';
import type { OAuthGrant, OAuthProvider } from '../../connect/ports.js';

/** Gmail read access (history, messages, labels) for the mirror. */
export const GMAIL_SCOPES = ['https://www.googleapis.com/auth/gmail.readonly'];

/** Where Google (or a Gmail-compatible server) lives, and Mailmon's OAuth client. */
export interface GoogleOAuthConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  gmailApiUrl: string;
}

/** The OAuth2 client class that `googleapis` itself uses, so its clients accept it as `auth`. */
export type OAuth2Client = InstanceType<typeof google.auth.OAuth2>;

/** Builds an OAuth2 client pointed at the configured endpoints. */
export function oauthClient(config: GoogleOAuthConfig): OAuth2Client {
  return new google.auth.OAuth2({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: config.redirectUri,
    endpoints: {
      oauth2AuthBaseUrl: config.authorizeUrl,
      oauth2TokenUrl: config.tokenUrl,
      oauth2RevokeUrl: config.revokeUrl,
    },
  });
}

/**
 * {@link OAuthProvider} on `google-auth-library`: consent with PKCE S256, `access_type=offline` and
 * `prompt=consent` (so every connect yields a refresh token), the account's address read from Gmail's own
 * profile — the address the mirror is of — and revocation at the configured revoke endpoint.
 */
export class GoogleOAuthProvider implements OAuthProvider {
  constructor(private readonly config: GoogleOAuthConfig) {}

  authorizeUrl(params: { state: string; codeChallenge: string; loginHint?: string }): string {
    return oauthClient(this.config).generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: GMAIL_SCOPES,
      state: params.state,
      code_challenge: params.codeChallenge,
      // the library's enum type is not exported in a way ESM consumers can name
      code_challenge_method: 'S256' as never,
      include_granted_scopes: false,
      ...(params.loginHint ? { login_hint: params.loginHint } : {}),
    });
  }

  async exchangeCode(code: string, codeVerifier: string): Promise<OAuthGrant> {
    const client = oauthClient(this.config);
    const { tokens } = await client.getToken({ code, codeVerifier });
    try {
      if (!tokens.refresh_token) throw new Error('the token response carried no refresh token');
      client.setCredentials(tokens);
      const gmail = google.gmail({ version: 'v1', auth: client, rootUrl: this.config.gmailApiUrl });
      const profile = await gmail.users.getProfile({ userId: 'me' }, { retry: false });
      if (!profile.data.emailAddress) throw new Error('the Gmail profile has no address');
      return {
        refreshToken: tokens.refresh_token,
        emailAddress: profile.data.emailAddress.toLowerCase(),
        scopes: (tokens.scope ?? '').split(' ').filter(Boolean),
      };
    } catch (error) {
      // the grant was issued but cannot be used: it is not left behind
      const issued = tokens.refresh_token ?? tokens.access_token;
      if (issued) await this.revokeGrant(issued).catch(() => undefined);
      throw error;
    }
  }

  async revokeGrant(refreshToken: string): Promise<void> {
    await oauthClient(this.config).revokeToken(refreshToken);
  }
}
