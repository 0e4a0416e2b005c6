import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveConsent } from '../../emulators/gmail/approve-consent.js';
import { type LocalStack, startLocalStack } from '../../emulators/stack.js';
import { emulatorHosts, newProjectId } from '../../emulators/testing/index.js';
import type { MailboxSyncState } from '../../shared/sync/model.js';
import { issueApiKey } from '../../shared/workspaces/api-keys.js';

let stack: LocalStack;
let apiKey: string;

beforeAll(async () => {
  stack = await startLocalStack({ ...emulatorHosts(), projectId: newProjectId('callback') });
  await stack.runtime.workspaces.createWorkspace({ id: 'ws_cb', name: 'Callback', createdAt: Date.now() });
  apiKey = (
    await issueApiKey({ workspaces: stack.runtime.workspaces, clock: stack.runtime.clock }, 'ws_cb', 'cb')
  ).apiKey;
});
afterAll(() => stack?.stop());

/** Runs a connect link through consent as `account` and answers the callback's page. */
async function consentAs(
  session: { mailboxExternalId: string; loginHint?: string },
  account: string,
  beforeCallback: () => Promise<unknown> = async () => undefined,
): Promise<{ status: number; page: string }> {
  await stack.gmail.admin.createUser(account).catch(() => undefined);
  const created = await fetch(`${stack.apiUrl}/v1/mailboxes/connect-sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenantExternalId: 'tenant', ...session }),
  });
  expect(created.status).toBe(201);
  const { connectUrl } = (await created.json()) as { connectUrl: string };
  const consent = (await fetch(connectUrl, { redirect: 'manual' })).headers.get('location')!;
  const callback = await approveConsent(consent, account);
  await beforeCallback();
  const done = await fetch(callback, { redirect: 'manual' });
  return { status: done.status, page: await done.text() };
}

const stored = async (collection: string) =>
  (await stack.runtime.db.collection(collection).get()).docs.map((d) => d.id);

/** How many grants of `account` were still live at Google (the emulator); revokes them as it counts. */
const liveGrants = async (account: string) => (await stack.gmail.admin.revoke(account)).revokedGrants;

describe('the OAuth callback', () => {
  it("refuses a consent from another address than the session's loginHint, revokes the grant and writes nothing", async () => {
    const before = { mailboxes: await stored('mailboxes'), credentials: await stored('credentials') };
    const answer = await consentAs(
      { mailboxExternalId: 'hinted', loginHint: 'Alice@Example.com' },
      'mallory@example.com',
    );
    expect(answer.status).toBe(409);
    expect(answer.page).toContain('Different Gmail account');
    expect({ mailboxes: await stored('mailboxes'), credentials: await stored('credentials') }).toEqual(
      before,
    );
    expect(await liveGrants('mallory@example.com')).toBe(0);
    const sessions = await stack.runtime.db
      .collection('connectSessions')
      .where('mailboxExternalId', '==', 'hinted')
      .get();
    expect(sessions.docs.map((d) => d.get('failure'))).toEqual(['mailbox_mismatch']);
  });

  it('connects when the consenting address is the loginHint, in any letter case', async () => {
    const answer = await consentAs(
      { mailboxExternalId: 'hinted-ok', loginHint: 'Bob@Example.com' },
      'bob@example.com',
    );
    expect(answer.status, answer.page).toBe(200);
    expect(await liveGrants('bob@example.com')).toBe(1);
  });

  it('revokes the fresh grant when the mailbox is connected to another address', async () => {
    expect((await consentAs({ mailboxExternalId: 'carol-inbox' }, 'carol@example.com')).status).toBe(200);
    const answer = await consentAs({ mailboxExternalId: 'carol-inbox' }, 'dave@example.com');
    expect(answer.status).toBe(409);
    expect(await liveGrants('dave@example.com')).toBe(0);
    // carol's own grant, which the mailbox holds, is left alone
    expect(await liveGrants('carol@example.com')).toBe(1);
  });

  it('revokes the fresh grant when reading the Gmail profile fails after the code exchange', async () => {
    const answer = await consentAs({ mailboxExternalId: 'erin-inbox' }, 'erin@example.com', () =>
      stack.gmail.admin.setFaults({ failNext: [500] }),
    );
    expect(answer.status).toBe(502);
    expect(await liveGrants('erin@example.com')).toBe(0);
    const mailboxes = stack.runtime.db.collection('mailboxes');
    expect((await mailboxes.where('mailboxExternalId', '==', 'erin-inbox').get()).size).toBe(0);
  });

  it('binds the sealed refresh token to its mailbox id: a credential copied to another mailbox does not open there', async () => {
    const answer = await consentAs({ mailboxExternalId: 'frank-inbox' }, 'frank@example.com');
    expect(answer.status, answer.page).toBe(200);
    const mailboxes = stack.runtime.db.collection('mailboxes');
    const [original] = (await mailboxes.where('mailboxExternalId', '==', 'frank-inbox').get()).docs;
    const mailbox = (id: string) => ({ id }) as MailboxSyncState;
    await expect(stack.runtime.gmailFor(mailbox(original!.id))).resolves.toBeDefined();

    const credentials = stack.runtime.db.collection('credentials');
    const copy = (await credentials.doc(original!.id).get()).data()!;
    await mailboxes.doc('mbx_copy').set({ ...original!.data(), mailboxExternalId: 'copy' });
    await credentials.doc('mbx_copy').set(copy);
    await expect(stack.runtime.gmailFor(mailbox('mbx_copy'))).rejects.toMatchObject({
      name: 'SecretOpenError',
    });
    expect(copy).not.toHaveProperty('credentialKey');
  });
});
