import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { DEFAULT_CLIENT } from './oauth.js';
import { type GmailEmulator, startGmailEmulator } from './server.js';
import { failure, gmailClient } from './test-helpers.js';

const EMAIL = 'alice@example.com';
const REDIRECT = 'http://127.0.0.1:8123/oauth/callback';
const GMAIL_READONLY = 'https://www.googleapis.com/auth/gmail.readonly';

let clock: ManualClock;
let emulator: GmailEmulator;

beforeEach(async () => {
  clock = new ManualClock();
  emulator = await startGmailEmulator({ clock });
  await emulator.admin.createUser(EMAIL);
});
afterEach(async () => {
  await emulator.stop();
});

function oauthClient(
  clientId = DEFAULT_CLIENT.clientId,
  clientSecret = DEFAULT_CLIENT.clientSecret,
  redirectUri = REDIRECT,
) {
  return new OAuth2Client({
    clientId,
    clientSecret,
    redirectUri,
    endpoints: {
      oauth2AuthBaseUrl: emulator.endpoints.authorizeUrl,
      oauth2TokenUrl: emulator.endpoints.tokenUrl,
      oauth2RevokeUrl: emulator.endpoints.revokeUrl,
      tokenInfoUrl: emulator.endpoints.tokenInfoUrl,
    },
  });
}

const unescapeHtml = (s: string) =>
  s
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

/** Loads the consent page and posts its form the way a browser would, returning the redirect. */
async function consent(authUrl: string, decision: 'allow' | 'deny' = 'allow'): Promise<URL> {
  const page = await fetch(authUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input type="(?:hidden|email)" name="([^"]+)"[^>]*value="([^"]*)"/g)) {
    form.append(unescapeHtml(match[1] ?? ''), unescapeHtml(match[2] ?? ''));
  }
  form.append('decision', decision);
  const response = await fetch(new URL(action ?? '', emulator.url), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

async function authorize(options: { offline?: boolean; prompt?: string; scope?: string[] } = {}) {
  const client = oauthClient();
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const authUrl = client.generateAuthUrl({
    access_type: options.offline === false ? 'online' : 'offline',
    scope: options.scope ?? [GMAIL_READONLY, 'openid', 'email'],
    state: 'state-123',
    login_hint: EMAIL,
    code_challenge: codeChallenge,
    code_challenge_method: CodeChallengeMethod.S256,
    ...(options.prompt ? { prompt: options.prompt } : {}),
  });
  return { client, codeVerifier: codeVerifier ?? '', authUrl };
}

describe('authorization code flow with PKCE', () => {
  it('shows a consent page whose form, once posted, redirects with a code and the state', async () => {
    const { client, codeVerifier, authUrl } = await authorize();
    const html = await (await fetch(authUrl)).text();
    expect(html).toContain(DEFAULT_CLIENT.clientId);
    expect(html).toContain(GMAIL_READONLY);
    const location = await consent(authUrl);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('state-123');
    const code = location.searchParams.get('code') ?? '';

    const { tokens } = await client.getToken({ code, codeVerifier });
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.scope).toBe(`${GMAIL_READONLY} openid email`);
    expect(tokens.expiry_date).toBeGreaterThan(Date.now() + 3590_000);
    const claims = JSON.parse(Buffer.from(tokens.id_token?.split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ aud: DEFAULT_CLIENT.clientId, email: EMAIL, email_verified: true });

    const profile = await gmailClient(emulator, tokens.access_token ?? '').users.getProfile({ userId: 'me' });
    expect(profile.data.emailAddress).toBe(EMAIL);
    const userinfo = await fetch(`${emulator.url}/oauth2/v2/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await userinfo.json()).toMatchObject({ email: EMAIL, verified_email: true });
    const info = await client.getTokenInfo(tokens.access_token ?? '');
    expect(info).toMatchObject({
      email: EMAIL,
      aud: DEFAULT_CLIENT.clientId,
      scopes: [GMAIL_READONLY, 'openid', 'email'],
    });
  });

  it('redirects immediately with __autoapprove=1', async () => {
    const { client, codeVerifier, authUrl } = await authorize();
    const response = await fetch(`${authUrl}&__autoapprove=1`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('state')).toBe('state-123');
    const { tokens } = await client.getToken({ code: location.searchParams.get('code') ?? '', codeVerifier });
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('redirects with error=access_denied when consent is refused', async () => {
    const { authUrl } = await authorize();
    const location = await consent(authUrl, 'deny');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('makes codes single-use, short-lived and bound to the PKCE verifier', async () => {
    const first = await authorize();
    const code = (await consent(first.authUrl)).searchParams.get('code') ?? '';
    const wrong = await failure(first.client.getToken({ code, codeVerifier: 'x'.repeat(43) }));
    expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid code verifier.' });
    await first.client.getToken({ code, codeVerifier: first.codeVerifier });
    const reused = await failure(first.client.getToken({ code, codeVerifier: first.codeVerifier }));
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: 'invalid_grant' });

    const second = await authorize({ prompt: 'consent' });
    const late = (await consent(second.authUrl)).searchParams.get('code') ?? '';
    clock.advance(11 * 60 * 1000);
    const expired = await failure(second.client.getToken({ code: late, codeVerifier: second.codeVerifier }));
    expect(expired.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('gives a refresh token only for offline access, and again only with prompt=consent', async () => {
    const online = await authorize({ offline: false });
    const onlineTokens = await online.client.getToken({
      code: (await consent(online.authUrl)).searchParams.get('code') ?? '',
      codeVerifier: online.codeVerifier,
    });
    expect(onlineTokens.tokens.refresh_token).toBeUndefined();
    const redeem = async (flow: Awaited<ReturnType<typeof authorize>>) =>
      (
        await flow.client.getToken({
          code: (await consent(flow.authUrl)).searchParams.get('code') ?? '',
          codeVerifier: flow.codeVerifier,
        })
      ).tokens;
    expect((await redeem(await authorize())).refresh_token).toEqual(expect.any(String));
    expect((await redeem(await authorize())).refresh_token).toBeUndefined();
    expect((await redeem(await authorize({ prompt: 'consent' }))).refresh_token).toEqual(expect.any(String));
  });
});

describe('authorization errors', () => {
  it('shows bad clients and unregistered redirect URIs on the page, never redirecting', async () => {
    const good = await authorize();
    const url = new URL(good.authUrl);
    url.searchParams.set('client_id', 'unknown.apps.googleusercontent.com');
    const badClient = await fetch(url, { redirect: 'manual' });
    expect(badClient.status).toBe(401);
    expect(badClient.headers.get('location')).toBeNull();
    expect(await badClient.text()).toContain('invalid_client');

    const badRedirect = new URL(good.authUrl);
    badRedirect.searchParams.set('redirect_uri', 'https://evil.example/cb');
    const mismatch = await fetch(badRedirect, { redirect: 'manual' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.headers.get('location')).toBeNull();
    expect(await mismatch.text()).toContain('redirect_uri_mismatch');
  });

  it('redirects protocol errors (no PKCE, plain PKCE, wrong response_type, no scope) to the registered URI', async () => {
    const { authUrl } = await authorize();
    const cases: [string, string | null, string][] = [
      ['code_challenge', null, 'invalid_request'],
      ['code_challenge_method', 'plain', 'invalid_request'],
      ['response_type', 'token', 'unsupported_response_type'],
      ['scope', null, 'invalid_request'],
    ];
    for (const [param, value, error] of cases) {
      const url = new URL(authUrl);
      if (value === null) url.searchParams.delete(param);
      else url.searchParams.set(param, value);
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('state')).toBe('state-123');
    }
  });

  it('rejects a consent for an account that does not exist', async () => {
    const { authUrl } = await authorize();
    const url = new URL(authUrl);
    url.searchParams.set('login_hint', 'nobody@example.com');
    url.searchParams.set('__autoapprove', '1');
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('authenticates clients at the token endpoint', async () => {
    const wrongSecret = oauthClient(DEFAULT_CLIENT.clientId, 'nope');
    wrongSecret.setCredentials({ refresh_token: 'whatever' });
    const result = await failure(wrongSecret.getAccessToken());
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ error: 'invalid_client' });
  });

  it('accepts clients registered through the admin API, with loopback redirects on any port', async () => {
    const registered = await fetch(`${emulator.url}/__admin/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: 'app.apps.googleusercontent.com',
        clientSecret: 's3cret',
        redirectUris: ['http://localhost/cb'],
      }),
    });
    expect(registered.status).toBe(201);
    const client = oauthClient('app.apps.googleusercontent.com', 's3cret', 'http://localhost:49152/cb');
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const authUrl = client.generateAuthUrl({
      access_type: 'offline',
      scope: GMAIL_READONLY,
      code_challenge: codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
    });
    const location = await consent(authUrl);
    expect(location.origin).toBe('http://localhost:49152');
    const { tokens } = await client.getToken({ code: location.searchParams.get('code') ?? '', codeVerifier });
    expect(
      (await gmailClient(emulator, tokens.access_token ?? '').users.getProfile({ userId: 'me' })).data
        .emailAddress,
    ).toBe(EMAIL);
  });
});

describe('refresh and revoke', () => {
  async function connected() {
    const flow = await authorize();
    const code = (await consent(flow.authUrl)).searchParams.get('code') ?? '';
    const { tokens } = await flow.client.getToken({ code, codeVerifier: flow.codeVerifier });
    return {
      client: flow.client,
      accessToken: tokens.access_token ?? '',
      refreshToken: tokens.refresh_token ?? '',
    };
  }

  it('refreshes an access token that expired after 3599 s of the injected clock', async () => {
    const { accessToken, refreshToken } = await connected();
    clock.advance(3599_000);
    expect(
      (await failure(gmailClient(emulator, accessToken).users.getProfile({ userId: 'me' }))).status,
    ).toBe(401);
    const refreshing = oauthClient();
    refreshing.setCredentials({ refresh_token: refreshToken });
    const { token } = await refreshing.getAccessToken();
    expect(token).not.toBe(accessToken);
    expect(
      (await gmailClient(emulator, token ?? '').users.getProfile({ userId: 'me' })).data.emailAddress,
    ).toBe(EMAIL);
  });

  it('answers invalid_grant for the refresh token and 401 for the access token after /revoke', async () => {
    const { client, accessToken, refreshToken } = await connected();
    await client.revokeToken(refreshToken);
    const refreshing = oauthClient();
    refreshing.setCredentials({ refresh_token: refreshToken });
    const result = await failure(refreshing.getAccessToken());
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    expect(
      (await failure(gmailClient(emulator, accessToken).users.getProfile({ userId: 'me' }))).status,
    ).toBe(401);
    const again = await fetch(`${emulator.endpoints.revokeUrl}?token=${encodeURIComponent(refreshToken)}`, {
      method: 'POST',
    });
    expect(again.status).toBe(400);
  });

  it('revokes every token of a user through the admin API', async () => {
    const { accessToken, refreshToken } = await connected();
    const admin = await emulator.admin.issueTokens(EMAIL);
    const revoked = await fetch(`${emulator.url}/__admin/users/${EMAIL}/revoke`, { method: 'POST' });
    expect(await revoked.json()).toEqual({ revokedGrants: 2 });
    for (const token of [refreshToken, admin.refresh_token]) {
      const refreshing = oauthClient();
      refreshing.setCredentials({ refresh_token: token });
      expect((await failure(refreshing.getAccessToken())).body).toEqual({
        error: 'invalid_grant',
        error_description: 'Token has been expired or revoked.',
      });
    }
    for (const token of [accessToken, admin.access_token]) {
      expect((await failure(gmailClient(emulator, token).users.getProfile({ userId: 'me' }))).status).toBe(
        401,
      );
    }
  });
});
