import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalKeyWrapper } from '../adapters/local-key-wrapper/local-key-wrapper.js';
import { ManualClock } from '../core/clock.js';
import { NonRetryableError } from '../core/errors.js';
import { SequentialIds } from '../core/ids.js';
import { CredentialBox } from '../secrets/credentials.js';
import type { SealedSecret } from '../secrets/ports.js';
import { beginConsent } from './begin-consent.js';
import { completeConnect } from './complete-connect.js';
import { CONNECT_SESSION_TTL_MS, createConnectSession } from './create-connect-session.js';
import { s256 } from './pkce.js';
import type { MailboxRegistry, OAuthProvider } from './ports.js';
import { MemoryConnectSessionStore } from './testing/memory-connect-session-store.js';

function setup() {
  const clock = new ManualClock();
  const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));
  const sessions = new MemoryConnectSessionStore();
  const exchanged: { code: string; verifier: string }[] = [];
  const oauth: OAuthProvider = {
    authorizeUrl: ({ state, codeChallenge, loginHint }) =>
      `https://consent.test/auth?${new URLSearchParams({ state, code_challenge: codeChallenge, ...(loginHint ? { login_hint: loginHint } : {}) })}`,
    async exchangeCode(code, verifier) {
      exchanged.push({ code, verifier });
      if (code === 'bad') throw new Error(`invalid code ${code}`);
      const emailAddress = code === 'eve' ? 'eve@example.com' : 'ada@example.com';
      return { refreshToken: `rt-${code}`, emailAddress, scopes: [] };
    },
    async revokeGrant(refreshToken) {
      revoked.push(refreshToken);
    },
  };
  const revoked: string[] = [];
  const registered: unknown[] = [];
  const sealed: { mailboxId: string; sealed: SealedSecret }[] = [];
  const existing = new Map<string, { mailboxId: string; email: string }>();
  const mailboxes: MailboxRegistry = {
    async connect(input) {
      registered.push(input);
      const key = `${input.workspaceId}/${input.tenantExternalId}/${input.mailboxExternalId}`;
      const found = existing.get(key);
      if (found && found.email !== input.emailAddress)
        throw new NonRetryableError('other address', 'mailbox_mismatch');
      const mailboxId = found?.mailboxId ?? `mbx_${existing.size + 1}`;
      sealed.push({ mailboxId, sealed: (await input.seal(mailboxId)) as SealedSecret });
      if (found) return { mailboxId, reconnected: true };
      existing.set(key, { mailboxId, email: input.emailAddress });
      return { mailboxId, reconnected: false };
    },
    async isAddressMirrored(emailAddress) {
      return [...existing.values()].some((m) => m.email === emailAddress);
    },
    async recordWatch() {},
  };
  const dispatched: unknown[] = [];
  const deps = {
    sessions,
    oauth,
    clock,
    ids: new SequentialIds(),
    apiBaseUrl: 'https://api.test/',
    sealer: box,
    mailboxes,
    watcher: { watch: async () => ({ historyId: '100', expiresAt: clock.now() + 7 * 86_400_000 }) },
    dispatcher: { dispatchSync: async (d: unknown) => void dispatched.push(d) },
  };
  return { deps, sessions, exchanged, registered, existing, dispatched, clock, box, revoked, sealed };
}

async function startFlow(t: ReturnType<typeof setup>, session: { loginHint?: string } = {}) {
  const created = await createConnectSession(t.deps, 'ws_1', {
    tenantExternalId: 'tenant-1',
    mailboxExternalId: 'inbox-1',
    ...session,
  });
  const begun = await beginConsent(t.deps, created.id);
  if (!('redirectTo' in begun)) throw new Error(`refused: ${begun.refused}`);
  const state = new URL(begun.redirectTo).searchParams.get('state')!;
  return { created, begun, state };
}

describe('the connect flow', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  it('returns a connect URL on the API that expires after 15 minutes', async () => {
    const created = await createConnectSession(t.deps, 'ws_1', {
      tenantExternalId: 't',
      mailboxExternalId: 'm',
    });
    expect(created.connectUrl).toBe(`https://api.test/oauth/gmail/${created.id}`);
    expect(Date.parse(created.expiresAt) - t.clock.now()).toBe(CONNECT_SESSION_TTL_MS);
  });

  it('sends the user to consent with a state bound to the session and an S256 challenge of its verifier', async () => {
    const { created, begun, state } = await startFlow(t);
    const url = new URL((begun as { redirectTo: string }).redirectTo);
    const session = t.sessions.sessions.get(created.id)!;
    expect(state.startsWith(`${created.id}.`)).toBe(true);
    expect(session.stateHash).toBe(s256(state.split('.')[1]!));
    expect(url.searchParams.get('code_challenge')).toBe(s256(session.codeVerifier));
  });

  it('connects the mailbox, seals the refresh token and dispatches the initial sync', async () => {
    const { state } = await startFlow(t);
    const outcome = await completeConnect(t.deps, { state, code: 'good' });
    expect(outcome).toMatchObject({
      connected: true,
      mailboxId: 'mbx_1',
      reconnected: false,
      emailAddress: 'ada@example.com',
    });
    expect(t.exchanged).toHaveLength(1);
    expect(JSON.stringify(t.registered)).not.toContain('rt-good');
    // what is stored is the token sealed for this mailbox's id: it opens for that id and no other
    expect(t.sealed.map((x) => x.mailboxId)).toEqual(['mbx_1']);
    const [stored] = t.sealed;
    expect(await t.box.openRefreshToken('mbx_1', { sealed: stored!.sealed })).toBe('rt-good');
    await expect(t.box.openRefreshToken('mbx_2', { sealed: stored!.sealed })).rejects.toThrow();
    expect(t.revoked).toEqual([]);
    expect(t.dispatched).toEqual([{ mailboxId: 'mbx_1', reason: 'connect' }]);
    expect(outcome).toMatchObject({ deferred: [] });
  });

  it('still connects when the watch or the first sync cannot be started, leaving them to the control jobs', async () => {
    t.deps.watcher.watch = async () => {
      throw new Error('Gmail watch failed (503)');
    };
    t.deps.dispatcher.dispatchSync = async () => {
      throw new Error('Pub/Sub unavailable');
    };
    const { created, state } = await startFlow(t);
    const outcome = await completeConnect(t.deps, { state, code: 'good' });
    expect(outcome).toMatchObject({
      connected: true,
      mailboxId: 'mbx_1',
      deferred: ['watch', 'initial_sync'],
    });
    expect((await t.sessions.get(created.id))?.status).toBe('completed');
  });

  it('refuses a replayed state without exchanging the code again', async () => {
    const { state } = await startFlow(t);
    await completeConnect(t.deps, { state, code: 'good' });
    expect(await completeConnect(t.deps, { state, code: 'good' })).toEqual({ refused: 'already_used' });
    expect(t.exchanged).toHaveLength(1);
  });

  it('refuses a forged state', async () => {
    const { created } = await startFlow(t);
    expect(await completeConnect(t.deps, { state: `${created.id}.forged`, code: 'good' })).toEqual({
      refused: 'forged_state',
    });
    expect(await completeConnect(t.deps, { state: 'garbage', code: 'good' })).toEqual({
      refused: 'forged_state',
    });
    expect(await completeConnect(t.deps, { state: 'cs_999.x', code: 'good' })).toEqual({
      refused: 'unknown_session',
    });
    expect(t.exchanged).toHaveLength(0);
  });

  it('refuses an expired session at consent and at the callback', async () => {
    const { state, created } = await startFlow(t);
    t.clock.advance(CONNECT_SESSION_TTL_MS);
    expect(await completeConnect(t.deps, { state, code: 'good' })).toEqual({ refused: 'expired' });
    expect(await beginConsent(t.deps, created.id)).toEqual({ refused: 'expired' });
    expect(t.exchanged).toHaveLength(0);
  });

  it('reconnects the existing mailbox of the same tenant and mailbox external ids', async () => {
    await completeConnect(t.deps, { state: (await startFlow(t)).state, code: 'first' });
    const outcome = await completeConnect(t.deps, { state: (await startFlow(t)).state, code: 'second' });
    expect(outcome).toMatchObject({ connected: true, mailboxId: 'mbx_1', reconnected: true });
    expect(t.dispatched).toContainEqual({ mailboxId: 'mbx_1', reason: 'reconnect' });
  });

  it('fails the session when the user denies consent or the code exchange fails, and says nothing secret', async () => {
    const denied = await completeConnect(t.deps, {
      state: (await startFlow(t)).state,
      error: 'access_denied',
    });
    expect(denied).toMatchObject({ failed: 'consent_denied' });
    const bad = await completeConnect(t.deps, { state: (await startFlow(t)).state, code: 'bad' });
    expect(bad).toEqual({
      failed: 'exchange_failed',
      detail: 'the authorization code could not be exchanged',
    });
    expect(t.dispatched).toHaveLength(0);
  });

  it('refuses to attach a different Gmail address to an existing mailbox', async () => {
    t.existing.set('ws_1/tenant-1/inbox-1', { mailboxId: 'mbx_9', email: 'other@example.com' });
    const outcome = await completeConnect(t.deps, { state: (await startFlow(t)).state, code: 'good' });
    expect(outcome).toMatchObject({ failed: 'mailbox_mismatch' });
  });

  it("refuses a consent from another address than the session's loginHint, revokes the grant and registers nothing", async () => {
    const { created, state } = await startFlow(t, { loginHint: 'Ada@Example.com' });
    const outcome = await completeConnect(t.deps, { state, code: 'eve' });
    expect(outcome).toMatchObject({ failed: 'mailbox_mismatch', grant: 'revoked' });
    expect(t.revoked).toEqual(['rt-eve']);
    expect(t.registered).toEqual([]);
    expect(t.dispatched).toEqual([]);
    expect(await t.sessions.get(created.id)).toMatchObject({ status: 'failed', failure: 'mailbox_mismatch' });

    const hinted = await startFlow(t, { loginHint: 'Ada@Example.com' });
    expect(await completeConnect(t.deps, { state: hinted.state, code: 'good' })).toMatchObject({
      connected: true,
    });
  });

  it('revokes a fresh grant that cannot be stored, but keeps one whose address another mailbox mirrors', async () => {
    t.existing.set('ws_1/tenant-1/inbox-1', { mailboxId: 'mbx_9', email: 'other@example.com' });
    expect(await completeConnect(t.deps, { state: (await startFlow(t)).state, code: 'good' })).toMatchObject({
      failed: 'mailbox_mismatch',
      grant: 'revoked',
    });
    expect(t.revoked).toEqual(['rt-good']);

    // Google revokes per user and client: revoking would cut off the mailbox that mirrors the address
    t.existing.set('ws_2/tenant-2/inbox-2', { mailboxId: 'mbx_8', email: 'ada@example.com' });
    expect(await completeConnect(t.deps, { state: (await startFlow(t)).state, code: 'again' })).toMatchObject(
      {
        failed: 'mailbox_mismatch',
        grant: 'kept',
      },
    );
    expect(t.revoked).toEqual(['rt-good']);

    t.existing.clear();
    t.deps.mailboxes.connect = async () => {
      throw new Error('Firestore unavailable');
    };
    await expect(
      completeConnect(t.deps, { state: (await startFlow(t)).state, code: 'lost' }),
    ).rejects.toThrow('Firestore unavailable');
    expect(t.revoked).toEqual(['rt-good', 'rt-lost']);
  });
});
