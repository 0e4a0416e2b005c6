import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../shared/workspaces/api-keys.js';
import { type LocalStackBase, REAL_GMAIL_POLL_SECONDS, startLocalStackOnGmail } from './stack.js';
import { emulatorHosts, newProjectId } from './testing/index.js';

describe('the local stack on real Gmail', () => {
  let stack: LocalStackBase;
  let apiKey: string;
  const client = { clientId: '1234-dev.apps.googleusercontent.com', clientSecret: 'dev-secret' };

  beforeAll(async () => {
    stack = await startLocalStackOnGmail(
      { ...emulatorHosts(), projectId: newProjectId('real-gmail'), logWrite: () => {} },
      client,
    );
    await stack.runtime.workspaces.createWorkspace({ id: 'ws_real', name: 'Real', createdAt: Date.now() });
    ({ apiKey } = await issueApiKey(
      { workspaces: stack.runtime.workspaces, clock: stack.runtime.clock },
      'ws_real',
      'dev',
    ));
  });
  afterAll(() => stack?.stop());

  it("talks to Google's own Gmail API and OAuth endpoints with the developer's client", () => {
    expect(stack.runtime.config).toMatchObject({
      gmailApiUrl: 'https://gmail.googleapis.com/',
      oauth: {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
        tokenUrl: 'https://oauth2.googleapis.com/token',
        redirectUri: expect.stringMatching(/^http:\/\/localhost:\d+\/oauthCallback$/),
      },
      gmailPush: false,
      pollAfterMs: REAL_GMAIL_POLL_SECONDS * 1000,
    });
  });

  it("sends a connect link to Google's consent page with offline access, PKCE and the localhost callback", async () => {
    const created = await fetch(`${stack.apiUrl}/v1/mailboxes/connect-sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenantExternalId: 't', mailboxExternalId: 'mine' }),
    });
    expect(created.status).toBe(201);
    const { connectUrl } = await created.json();
    const redirect = await fetch(connectUrl.replace('localhost', '127.0.0.1'), { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const consent = new URL(redirect.headers.get('location')!);
    expect(`${consent.origin}${consent.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(consent.searchParams)).toMatchObject({
      client_id: client.clientId,
      redirect_uri: stack.runtime.config.oauth.redirectUri,
      access_type: 'offline',
      code_challenge_method: 'S256',
      response_type: 'code',
    });
  });

  it('starts no watches and polls mailboxes quiet for the poll interval', async () => {
    const now = stack.runtime.clock.now();
    const mailboxes = stack.runtime.db.collection('mailboxes');
    const base = { workspaceId: 'ws_real', status: 'active', cursor: '10', watchExpiresAt: null };
    await mailboxes
      .doc('mbx_quiet')
      .set({ ...base, lastSuccessfulSyncAt: now - (REAL_GMAIL_POLL_SECONDS + 5) * 1000 });
    await mailboxes.doc('mbx_fresh').set({ ...base, lastSuccessfulSyncAt: now - 5_000 });
    const job = (name: string) =>
      fetch(`${stack.functionsUrl.replace('localhost', '127.0.0.1')}/control/jobs/${name}`, {
        method: 'POST',
      }).then((r) => r.json());
    expect(await job('renew_watches')).toMatchObject({
      examined: 0,
      acted: 0,
      details: { skipped: expect.any(String) },
    });
    expect(await job('poll_mailboxes')).toMatchObject({ examined: 1, acted: 1 });
  });
});
