import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT, type GmailEmulator, startGmailEmulator } from '../../../emulators/gmail/index.js';
import { createPkcePair } from '../../connect/pkce.js';
import { GoogleOAuthProvider } from './google-oauth-provider.js';

let gmail: GmailEmulator;
let provider: GoogleOAuthProvider;
const redirectUri = 'http://127.0.0.1/oauth/callback';

beforeAll(async () => {
  gmail = await startGmailEmulator({ users: ['ada@example.com'] });
  provider = new GoogleOAuthProvider({
    clientId: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    redirectUri,
    authorizeUrl: gmail.endpoints.authorizeUrl,
    tokenUrl: gmail.endpoints.tokenUrl,
    revokeUrl: gmail.endpoints.revokeUrl,
    gmailApiUrl: gmail.endpoints.rootUrl,
  });
});
afterAll(() => gmail.stop());

async function consent(url: string): Promise<URL> {
  const response = await fetch(`${url}&__autoapprove=1`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location')!);
}

describe('GoogleOAuthProvider against the Gmail emulator', () => {
  it('asks for offline Gmail access with an S256 PKCE challenge and the state', () => {
    const url = new URL(
      provider.authorizeUrl({ state: 'cs_1.secret', codeChallenge: 'abc', loginHint: 'ada@example.com' }),
    );
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
      state: 'cs_1.secret',
      code_challenge: 'abc',
      code_challenge_method: 'S256',
      login_hint: 'ada@example.com',
      scope: 'https://www.googleapis.com/auth/gmail.readonly',
      redirect_uri: redirectUri,
    });
  });

  it('exchanges a consented code with its verifier for a refresh token and the Gmail address', async () => {
    const pkce = createPkcePair();
    const back = await consent(
      provider.authorizeUrl({ state: 's', codeChallenge: pkce.codeChallenge, loginHint: 'ada@example.com' }),
    );
    expect(back.searchParams.get('state')).toBe('s');
    const grant = await provider.exchangeCode(back.searchParams.get('code')!, pkce.codeVerifier);
    expect(grant.emailAddress).toBe('ada@example.com');
    expect(grant.refreshToken.length).toBeGreaterThan(10);
  });

  it('fails the exchange when the verifier does not match the challenge', async () => {
    const pkce = createPkcePair();
    const back = await consent(
      provider.authorizeUrl({ state: 's', codeChallenge: pkce.codeChallenge, loginHint: 'ada@example.com' }),
    );
    await expect(
      provider.exchangeCode(back.searchParams.get('code')!, createPkcePair().codeVerifier),
    ).rejects.toThrow();
  });
});
