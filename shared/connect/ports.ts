/** A pending connect flow: one OAuth consent for one (workspace, tenant, mailbox) triple. Single-use. */
export interface ConnectSession {
  id: string;
  workspaceId: string;
  tenantExternalId: string;
  mailboxExternalId: string;
  /** Where the user's browser goes after the callback, if the customer asked for it. */
  returnUrl?: string;
  /** Optional Gmail address to preselect at consent. */
  loginHint?: string;
  /** SHA-256 (base64url) of the secret half of the OAuth `state`; the state itself is never stored. */
  stateHash: string;
  /** PKCE verifier; lives only as long as the session. */
  codeVerifier: string;
  status: 'pending' | 'exchanging' | 'completed' | 'failed';
  createdAt: number;
  expiresAt: number;
  mailboxId?: string;
  failure?: string;
}

/** Storage of connect sessions. `claim` is the single-use gate and must be atomic. */
export interface ConnectSessionStore {
  create(session: ConnectSession): Promise<void>;
  get(id: string): Promise<ConnectSession | undefined>;
  /**
   * Atomically moves a `pending` session to `exchanging` when `check` accepts it; returns the session as it
   * was, or the reason it was refused. Two concurrent claims of one session: exactly one wins.
   */
  claim(
    id: string,
    check: (session: ConnectSession) => ConnectRefusal | undefined,
  ): Promise<ConnectSession | ConnectRefusal>;
  finish(
    id: string,
    outcome: { status: 'completed'; mailboxId: string } | { status: 'failed'; failure: string },
  ): Promise<void>;
}

/** Why a callback was refused; each maps to a clear page for the user. */
export type ConnectRefusal = {
  refused: 'unknown_session' | 'forged_state' | 'expired' | 'already_used';
};

/** Tokens and identity obtained from the OAuth code exchange. */
export interface OAuthGrant {
  refreshToken: string;
  emailAddress: string;
  scopes: string[];
}

/** The OAuth provider (Google, or the Gmail emulator). */
export interface OAuthProvider {
  /** The consent URL for a session's state and PKCE challenge. */
  authorizeUrl(params: { state: string; codeChallenge: string; loginHint?: string }): string;
  /**
   * Exchanges an authorization code with its PKCE verifier; throws when the provider refuses. When reading
   * the account after the token was issued fails, that fresh grant is revoked before the error is thrown.
   */
  exchangeCode(code: string, codeVerifier: string): Promise<OAuthGrant>;
  /** Revokes the grant behind a refresh token at the provider (for a grant Mailmon does not keep). */
  revokeGrant(refreshToken: string): Promise<void>;
}

/** Result of registering a connected Gmail account. */
export interface ConnectedMailbox {
  mailboxId: string;
  /** True when an existing mailbox (same workspace, tenant and mailbox external ids) was reconnected. */
  reconnected: boolean;
}

/** Creates or reconnects the mailbox record and stores its sealed credential, atomically. */
export interface MailboxRegistry {
  /**
   * Creates the mailbox for (workspaceId, tenantExternalId, mailboxExternalId), or reconnects the existing
   * one — keeping its cursor so sync resumes where it stopped — and stores the sealed refresh token.
   * Throws `NonRetryableError('mailbox_mismatch')` when the existing mailbox belongs to another Gmail address.
   */
  connect(input: {
    workspaceId: string;
    tenantExternalId: string;
    mailboxExternalId: string;
    emailAddress: string;
    /** Seals the refresh token for the mailbox id it is stored under (once that id is known). */
    seal(mailboxId: string): Promise<unknown>;
  }): Promise<ConnectedMailbox>;
  /** Whether a mailbox that is not being deleted mirrors this Gmail address (in any workspace). */
  isAddressMirrored(emailAddress: string): Promise<boolean>;
  /** Records the Gmail watch registration on the mailbox. */
  recordWatch(mailboxId: string, watch: { historyId: string; expiresAt: number }): Promise<void>;
}

/** Starts Gmail push notifications for a freshly connected account. */
export interface GmailWatcher {
  watch(refreshToken: string): Promise<{ historyId: string; expiresAt: number }>;
}

export type { SyncDispatcher } from '../sync/request-sync.js';
