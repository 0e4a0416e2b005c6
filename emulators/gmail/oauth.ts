import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Clock } from './clock.js';
import { base64url } from './http.js';
import { normaliseEmail } from './store.js';

/** An OAuth client registered with the emulator. */
export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
  /** Exact redirect URIs; a loopback URI without a port (`http://127.0.0.1/cb`) matches any port, as for Google desktop clients. */
  redirectUris: readonly string[];
}

/** The client registered at start unless others are given; `POST /__admin/users/{email}/tokens` uses it by default. */
export const DEFAULT_CLIENT: OAuthClientConfig = {
  clientId: 'gmail-emulator-client.apps.googleusercontent.com',
  clientSecret: 'gmail-emulator-secret',
  redirectUris: ['http://127.0.0.1/oauth/callback', 'http://localhost/oauth/callback'],
};

/** Scope granted by admin-issued tokens unless another is asked for. */
export const DEFAULT_ADMIN_SCOPE =
  'https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/userinfo.email openid';

/** The Gmail scopes that allow reading message bodies. */
export const GMAIL_FULL_SCOPES: ReadonlySet<string> = new Set([
  'https://mail.google.com/',
  'https://www.googleapis.com/auth/gmail.modify',
  'https://www.googleapis.com/auth/gmail.readonly',
]);

/** Allows everything but bodies (`format=full|raw`). */
export const GMAIL_METADATA_SCOPE = 'https://www.googleapis.com/auth/gmail.metadata';

/** A live access token's grant: who, for which client, with which scopes. */
export interface AccessGrant {
  email: string;
  clientId: string;
  scopes: ReadonlySet<string>;
  expiresAt: number;
}

/** A JSON answer of the token or revoke endpoint. */
export interface OAuthResponse {
  status: number;
  body: Record<string, unknown>;
}

/** A validated authorization request, ready to be approved or denied. */
export interface AuthorizeRequest {
  client: OAuthClientConfig;
  redirectUri: string;
  scope: string;
  state: string | undefined;
  codeChallenge: string;
  offline: boolean;
  forceConsent: boolean;
  loginHint: string | undefined;
}

/** The outcome of checking authorization parameters. */
export type AuthorizeCheck =
  | { kind: 'ok'; request: AuthorizeRequest }
  /** Shown on the page; never redirected (bad client or redirect URI). */
  | { kind: 'page'; status: number; error: string; description: string }
  /** Redirected to the (registered) redirect URI with `error` and `state`. */
  | { kind: 'redirect'; location: string };

interface Grant {
  id: string;
  email: string;
  clientId: string;
  scope: string;
  refreshToken: string | undefined;
  revoked: boolean;
}

interface AuthCode {
  request: AuthorizeRequest;
  email: string;
  expiresAt: number;
  used: boolean;
}

interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

const INVALID_GRANT_REVOKED = {
  error: 'invalid_grant',
  error_description: 'Token has been expired or revoked.',
};

function token(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** A stable numeric account id for an email address (the `sub` claim). */
export function subjectOf(email: string): string {
  const digest = createHash('sha256').update(normaliseEmail(email)).digest();
  return `1${digest.readBigUInt64BE(0).toString().padStart(20, '0')}`;
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/** Whether `uri` is registered for `client` (exact match, or loopback with any port). */
export function redirectAllowed(client: OAuthClientConfig, uri: string): boolean {
  if (client.redirectUris.includes(uri)) return true;
  let asked: URL;
  try {
    asked = new URL(uri);
  } catch {
    return false;
  }
  return client.redirectUris.some((registered) => {
    const r = new URL(registered);
    return (
      isLoopback(r.hostname) &&
      r.port === '' &&
      r.protocol === 'http:' &&
      asked.protocol === 'http:' &&
      asked.hostname === r.hostname &&
      asked.pathname === r.pathname
    );
  });
}

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/** OAuth 2.0 authorization server state: clients, codes, grants and tokens. */
export class OAuthServer {
  private readonly clientsById = new Map<string, OAuthClientConfig>();
  private readonly codes = new Map<string, AuthCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessToken>();

  constructor(
    private readonly clock: Clock,
    private readonly options: { accessTokenTtlSeconds: number; codeTtlMs: number; issuer: () => string },
    private readonly initialClients: readonly OAuthClientConfig[],
  ) {
    for (const client of initialClients) this.registerClient(client);
  }

  registerClient(client: OAuthClientConfig): void {
    this.clientsById.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
  }

  client(clientId: string): OAuthClientConfig | undefined {
    return this.clientsById.get(clientId);
  }

  /** Validates `/o/oauth2/v2/auth` parameters in the order Google reports problems. */
  checkAuthorize(params: URLSearchParams): AuthorizeCheck {
    const clientId = params.get('client_id') ?? '';
    const client = this.clientsById.get(clientId);
    if (!client) {
      return {
        kind: 'page',
        status: 401,
        error: 'invalid_client',
        description: 'The OAuth client was not found.',
      };
    }
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!redirectAllowed(client, redirectUri)) {
      return {
        kind: 'page',
        status: 400,
        error: 'redirect_uri_mismatch',
        description: `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. If you're the app developer, register the redirect URI in the Google Cloud Console. Request details: redirect_uri=${redirectUri}`,
      };
    }
    const state = params.get('state') ?? undefined;
    const fail = (error: string, description: string): AuthorizeCheck => ({
      kind: 'redirect',
      location: withParams(redirectUri, { error, error_description: description, state }),
    });
    if (params.get('response_type') !== 'code') {
      return fail('unsupported_response_type', 'Only response_type=code is supported.');
    }
    const scope = (params.get('scope') ?? '').trim();
    if (scope === '') return fail('invalid_request', 'Missing required parameter: scope');
    const codeChallenge = params.get('code_challenge') ?? '';
    if (codeChallenge === '') return fail('invalid_request', 'Missing required parameter: code_challenge');
    if (params.get('code_challenge_method') !== 'S256') {
      return fail('invalid_request', 'Invalid code_challenge_method: only S256 is accepted.');
    }
    const prompt = (params.get('prompt') ?? '').split(' ');
    return {
      kind: 'ok',
      request: {
        client,
        redirectUri,
        scope: scope.split(/\s+/).join(' '),
        state,
        codeChallenge,
        offline: params.get('access_type') === 'offline',
        forceConsent: prompt.includes('consent'),
        loginHint: params.get('login_hint') ?? undefined,
      },
    };
  }

  /** Consent granted by `email`: the redirect location carrying a fresh single-use code. */
  approve(request: AuthorizeRequest, email: string): string {
    const code = token('4/0Emu');
    this.codes.set(code, {
      request,
      email: normaliseEmail(email),
      expiresAt: this.clock.now() + this.options.codeTtlMs,
      used: false,
    });
    return withParams(request.redirectUri, { code, scope: request.scope, state: request.state });
  }

  /** Consent refused: the redirect location carrying `error=access_denied`. */
  deny(request: AuthorizeRequest): string {
    return withParams(request.redirectUri, { error: 'access_denied', state: request.state });
  }

  /** `POST /token`: the `authorization_code` and `refresh_token` grants. */
  token(form: URLSearchParams, authorization: string | undefined): OAuthResponse {
    let clientId = form.get('client_id') ?? undefined;
    let clientSecret = form.get('client_secret') ?? undefined;
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, colon));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
    if (!clientId) {
      return {
        status: 400,
        body: { error: 'invalid_request', error_description: 'Could not determine client ID from request.' },
      };
    }
    const client = this.clientsById.get(clientId);
    if (!client)
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' },
      };
    if (clientSecret !== client.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Unauthorized' } };
    }
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return this.exchangeCode(client, form);
    if (grantType === 'refresh_token') return this.refresh(client, form.get('refresh_token') ?? '');
    return {
      status: 400,
      body: { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grantType ?? ''}` },
    };
  }

  /** `POST /revoke`: revokes the grant behind an access or refresh token (and every token of it). */
  revoke(tokenValue: string): OAuthResponse {
    const grant = this.refreshTokens.get(tokenValue) ?? this.accessTokens.get(tokenValue)?.grant;
    if (!grant || grant.revoked) {
      return { status: 400, body: { error: 'invalid_token', error_description: 'Token expired or revoked' } };
    }
    this.revokeGrant(grant);
    return { status: 200, body: {} };
  }

  /** Revokes every grant of `email`; returns how many were live. */
  revokeUser(email: string): number {
    const key = normaliseEmail(email);
    let count = 0;
    for (const grant of this.grants.values()) {
      if (grant.email === key && !grant.revoked) {
        this.revokeGrant(grant);
        count++;
      }
    }
    return count;
  }

  /** The grant of a live access token; `undefined` when unknown, expired or revoked. */
  authenticate(accessToken: string): AccessGrant | undefined {
    const entry = this.accessTokens.get(accessToken);
    if (!entry || entry.grant.revoked || entry.expiresAt <= this.clock.now()) return undefined;
    return {
      email: entry.grant.email,
      clientId: entry.grant.clientId,
      scopes: new Set(entry.grant.scope.split(' ')),
      expiresAt: entry.expiresAt,
    };
  }

  /** An offline grant issued without consent, for tests and tooling. */
  issue(email: string, client: OAuthClientConfig, scope: string): Record<string, unknown> {
    const grant = this.newGrant(normaliseEmail(email), client.clientId, scope, true);
    return {
      ...this.tokenResponse(grant, client),
      refresh_token: grant.refreshToken,
      client_id: client.clientId,
    };
  }

  /** Forgets codes, grants and tokens and restores the initial clients. */
  reset(): void {
    this.codes.clear();
    this.grants.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
    this.clientsById.clear();
    for (const client of this.initialClients) this.registerClient(client);
  }

  private exchangeCode(client: OAuthClientConfig, form: URLSearchParams): OAuthResponse {
    const code = this.codes.get(form.get('code') ?? '');
    if (!code || code.request.client.clientId !== client.clientId) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Malformed auth code.' } };
    }
    if (code.used) return { status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } };
    if (code.expiresAt <= this.clock.now()) {
      this.codes.delete(form.get('code') ?? '');
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } };
    }
    if (form.get('redirect_uri') !== code.request.redirectUri) {
      return { status: 400, body: { error: 'redirect_uri_mismatch', error_description: 'Bad Request' } };
    }
    const verifier = form.get('code_verifier');
    if (!verifier)
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Missing code verifier.' } };
    if (base64url(createHash('sha256').update(verifier).digest()) !== code.request.codeChallenge) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid code verifier.' } };
    }
    code.used = true;
    // like Google, a refresh token comes with the first offline consent, or again with prompt=consent
    const hasLiveRefresh = [...this.grants.values()].some(
      (g) =>
        g.email === code.email &&
        g.clientId === client.clientId &&
        !g.revoked &&
        g.refreshToken !== undefined,
    );
    const withRefresh = code.request.offline && (code.request.forceConsent || !hasLiveRefresh);
    const grant = this.newGrant(code.email, client.clientId, code.request.scope, withRefresh);
    const body = this.tokenResponse(grant, client);
    if (grant.refreshToken) body.refresh_token = grant.refreshToken;
    return { status: 200, body };
  }

  private refresh(client: OAuthClientConfig, refreshToken: string): OAuthResponse {
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant || grant.revoked || grant.clientId !== client.clientId)
      return { status: 400, body: INVALID_GRANT_REVOKED };
    return { status: 200, body: this.tokenResponse(grant, client) };
  }

  private newGrant(email: string, clientId: string, scope: string, withRefresh: boolean): Grant {
    const grant: Grant = {
      id: token('g'),
      email,
      clientId,
      scope,
      refreshToken: withRefresh ? token('1//0Emu') : undefined,
      revoked: false,
    };
    this.grants.set(grant.id, grant);
    if (grant.refreshToken) this.refreshTokens.set(grant.refreshToken, grant);
    return grant;
  }

  private tokenResponse(grant: Grant, client: OAuthClientConfig): Record<string, unknown> {
    const accessToken = token('ya29.Emu');
    const ttl = this.options.accessTokenTtlSeconds;
    this.accessTokens.set(accessToken, { grant, expiresAt: this.clock.now() + ttl * 1000 });
    const body: Record<string, unknown> = {
      access_token: accessToken,
      expires_in: ttl,
      scope: grant.scope,
      token_type: 'Bearer',
    };
    if (grant.scope.split(' ').includes('openid')) body.id_token = this.idToken(grant, client);
    return body;
  }

  /** An HS256 id_token keyed with the client secret (Google signs RS256; verify with the secret here). */
  private idToken(grant: Grant, client: OAuthClientConfig): string {
    const now = Math.floor(this.clock.now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const claims = base64url(
      JSON.stringify({
        iss: this.options.issuer(),
        azp: client.clientId,
        aud: client.clientId,
        sub: subjectOf(grant.email),
        email: grant.email,
        email_verified: true,
        iat: now,
        exp: now + this.options.accessTokenTtlSeconds,
      }),
    );
    const signature = createHmac('sha256', client.clientSecret)
      .update(`${header}.${claims}`)
      .digest('base64url');
    return `${header}.${claims}.${signature}`;
  }

  private revokeGrant(grant: Grant): void {
    grant.revoked = true;
    for (const [value, entry] of this.accessTokens)
      if (entry.grant === grant) this.accessTokens.delete(value);
  }
}
