import type { Clock } from '../core/clock.js';
import { s256 } from './pkce.js';
import type {
  ConnectRefusal,
  ConnectSessionStore,
  GmailWatcher,
  MailboxRegistry,
  OAuthProvider,
  SyncDispatcher,
} from './ports.js';

/** The sealing half of the credential box, as the connect flow needs it. */
export interface RefreshTokenSealer {
  /** Seals a refresh token so that it opens for mailbox `mailboxId` only. */
  sealRefreshToken(mailboxId: string, refreshToken: string): Promise<unknown>;
}

/**
 * What became of a fresh grant Mailmon does not keep: revoked at the provider, kept because another mailbox
 * mirrors its address (Google revokes per user and client, so revoking would cut that mailbox off), or left
 * because revoking failed.
 */
export type GrantFate = 'revoked' | 'kept' | 'revoke_failed';

/** Outcome of the OAuth callback, each rendered as a page for the user. */
export type ConnectOutcome =
  | {
      connected: true;
      mailboxId: string;
      reconnected: boolean;
      emailAddress: string;
      returnUrl?: string;
      /** Steps after storing the mailbox that failed and are left to the control jobs. */
      deferred: ('watch' | 'initial_sync')[];
    }
  | ConnectRefusal
  | {
      failed: 'consent_denied' | 'exchange_failed' | 'mailbox_mismatch';
      detail: string;
      /** For a grant obtained and then not kept. */
      grant?: GrantFate;
    };

/**
 * The OAuth callback: checks the state against the session (forged, replayed and expired states are
 * refused before any code exchange), claims the session exactly once, exchanges the code with its PKCE
 * verifier, refuses a consent by another address than the session's `loginHint` (compared ignoring case),
 * seals the refresh token for the mailbox id, creates or reconnects the mailbox, starts the Gmail watch and
 * dispatches the initial sync. Once the mailbox is stored the outcome is `connected`: a watch or dispatch
 * that fails after that is listed in `deferred` and left to the control jobs. A grant obtained but not
 * stored (an address mismatch, a failure to seal or store it) is revoked unless another mailbox mirrors its
 * address ({@link GrantFate}); a mismatch writes no mailbox and no credential. The refresh token never leaves
 * this function unsealed.
 */
export async function completeConnect(
  deps: {
    sessions: ConnectSessionStore;
    oauth: OAuthProvider;
    sealer: RefreshTokenSealer;
    mailboxes: MailboxRegistry;
    /** Starts the Gmail watch; null when push is off (MAILMON_GMAIL_PUSH=off) and the mailbox is only polled. */
    watcher: GmailWatcher | null;
    dispatcher: SyncDispatcher;
    clock: Clock;
  },
  params: { state?: string; code?: string; error?: string },
): Promise<ConnectOutcome> {
  const [sessionId, secret] = (params.state ?? '').split('.', 2);
  if (!sessionId || !secret) return { refused: 'forged_state' };
  const claimed = await deps.sessions.claim(sessionId, (session) => {
    if (session.stateHash !== s256(secret)) return { refused: 'forged_state' };
    if (session.status !== 'pending') return { refused: 'already_used' };
    if (session.expiresAt <= deps.clock.now()) return { refused: 'expired' };
    return undefined;
  });
  if ('refused' in claimed) return claimed;
  const fail = async (
    failed: 'consent_denied' | 'exchange_failed' | 'mailbox_mismatch',
    detail: string,
    grant?: GrantFate,
  ) => {
    await deps.sessions.finish(claimed.id, { status: 'failed', failure: failed });
    return { failed, detail, ...(grant ? { grant } : {}) } as const;
  };
  if (params.error || !params.code) return fail('consent_denied', params.error ?? 'no authorization code');

  let grant: Awaited<ReturnType<OAuthProvider['exchangeCode']>>;
  try {
    grant = await deps.oauth.exchangeCode(params.code, claimed.codeVerifier);
  } catch {
    // the provider's message can echo the code; it is not passed on
    return fail('exchange_failed', 'the authorization code could not be exchanged');
  }
  const { refreshToken, emailAddress } = grant;
  const letGo = async (): Promise<GrantFate> => {
    try {
      if (await deps.mailboxes.isAddressMirrored(emailAddress)) return 'kept';
      await deps.oauth.revokeGrant(refreshToken);
      return 'revoked';
    } catch {
      return 'revoke_failed';
    }
  };
  if (claimed.loginHint !== undefined && claimed.loginHint.toLowerCase() !== emailAddress.toLowerCase())
    return fail(
      'mailbox_mismatch',
      'the consent was given by another Gmail address than this connect link is for',
      await letGo(),
    );
  let connected: Awaited<ReturnType<MailboxRegistry['connect']>>;
  try {
    connected = await deps.mailboxes.connect({
      workspaceId: claimed.workspaceId,
      tenantExternalId: claimed.tenantExternalId,
      mailboxExternalId: claimed.mailboxExternalId,
      emailAddress,
      seal: (mailboxId) => deps.sealer.sealRefreshToken(mailboxId, refreshToken),
    });
  } catch (error) {
    const fate = await letGo();
    if ((error as { code?: string }).code === 'mailbox_mismatch') {
      return fail('mailbox_mismatch', 'this mailbox is connected to a different Gmail address', fate);
    }
    throw error;
  }
  // the mailbox and its credential are stored: the person is done. A watch or first sync that fails here is
  // not theirs to retry; renew_watches starts a missing watch and recover_stuck_syncs syncs a mailbox never synced
  const deferred: ('watch' | 'initial_sync')[] = [];
  if (deps.watcher) {
    try {
      await deps.mailboxes.recordWatch(connected.mailboxId, await deps.watcher.watch(refreshToken));
    } catch {
      deferred.push('watch');
    }
  }
  try {
    await deps.dispatcher.dispatchSync({
      mailboxId: connected.mailboxId,
      reason: connected.reconnected ? 'reconnect' : 'connect',
    });
  } catch {
    deferred.push('initial_sync');
  }
  await deps.sessions.finish(claimed.id, { status: 'completed', mailboxId: connected.mailboxId });
  return {
    connected: true,
    mailboxId: connected.mailboxId,
    reconnected: connected.reconnected,
    emailAddress,
    deferred,
    ...(claimed.returnUrl ? { returnUrl: claimed.returnUrl } : {}),
  };
}
