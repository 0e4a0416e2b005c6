import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT, type GmailEmulator, startGmailEmulator } from '../../../emulators/gmail/index.js';
import { ReconnectRequiredError } from '../../core/errors.js';
import { GmailApiRelease } from './gmail-api-release.js';
import { GmailApiWatcher } from './gmail-api-watcher.js';

const email = 'ada@example.com';
let gmail: GmailEmulator;
let release: GmailApiRelease;
let refreshToken: string;

beforeEach(async () => {
  gmail = await startGmailEmulator({});
  await gmail.admin.createUser(email);
  refreshToken = (await gmail.admin.issueTokens(email)).refresh_token;
  const config = { rootUrl: gmail.endpoints.rootUrl, tokenUrl: gmail.endpoints.tokenUrl, ...DEFAULT_CLIENT };
  await new GmailApiWatcher(config, 'projects/p/topics/gmail').watch(refreshToken);
  release = new GmailApiRelease({ ...config, revokeUrl: gmail.endpoints.revokeUrl });
});
afterEach(() => gmail.stop());

/** What the token endpoint answers when the refresh token is used. */
async function refreshWith(token: string) {
  const response = await fetch(gmail.endpoints.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: token,
      client_id: DEFAULT_CLIENT.clientId,
      client_secret: DEFAULT_CLIENT.clientSecret,
    }),
  });
  return { status: response.status, body: (await response.json()) as { error?: string } };
}

describe('GmailApiRelease on the Gmail emulator', () => {
  it('stops the mailbox’s watch and revokes its grant', async () => {
    expect((await gmail.admin.user(email)).watch).not.toBeNull();
    await release.stopWatch(refreshToken);
    expect((await gmail.admin.user(email)).watch).toBeNull();
    expect((await refreshWith(refreshToken)).status).toBe(200);
    await release.revokeToken(refreshToken);
    expect(await refreshWith(refreshToken)).toEqual({
      status: 400,
      body: expect.objectContaining({ error: 'invalid_grant' }),
    });
  });

  it('reports a grant Google already revoked as reconnect-required, from both calls', async () => {
    await gmail.admin.revoke(email);
    await expect(release.stopWatch(refreshToken)).rejects.toBeInstanceOf(ReconnectRequiredError);
    await expect(release.revokeToken(refreshToken)).rejects.toBeInstanceOf(ReconnectRequiredError);
  });

  it('passes a Gmail outage on as it is, not as a revoked grant', async () => {
    await gmail.admin.setFaults({ failNext: [503] });
    const outage = await release.stopWatch(refreshToken).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outage).toBeInstanceOf(Error);
    expect(outage).not.toBeInstanceOf(ReconnectRequiredError);
    expect((await gmail.admin.user(email)).watch).not.toBeNull();
  });
});
