import { open, rewrap, seal } from './envelope.js';
import type { KeyWrapper, SealedSecret } from './ports.js';

/**
 * The context a mailbox's refresh token is sealed under, derived from its mailbox id when it is opened:
 * JSON-encoded, so no id can be read as another whatever characters it holds.
 */
const refreshTokenContext = (mailboxId: string) => JSON.stringify(['mailmon', 'refresh-token', mailboxId]);

/**
 * The context of records sealed before contexts named the mailbox id: the stored key
 * `workspace/tenant/mailbox` (ambiguous when external ids contain `/`). Kept only so those records open
 * until {@link rewrapCredentials} has moved them.
 */
const legacyRefreshTokenContext = (credentialKey: string) => `mailmon:refresh-token:${credentialKey}`;

/** A sealed refresh token as stored for one mailbox. */
export interface StoredRefreshToken {
  sealed: SealedSecret;
  /** Set only on records sealed under the legacy context, not yet rewrapped: its stored key. */
  legacyKey?: string;
}

/**
 * Seals and opens mailbox refresh tokens. A token sealed for a mailbox opens for that mailbox id only, so a
 * record copied under another mailbox does not open there.
 */
export class CredentialBox {
  constructor(private readonly wrapper: KeyWrapper) {}

  /** Seals `refreshToken` for mailbox `mailboxId`. */
  sealRefreshToken(mailboxId: string, refreshToken: string): Promise<SealedSecret> {
    return seal(this.wrapper, refreshToken, refreshTokenContext(mailboxId));
  }

  /**
   * Opens the refresh token stored for `mailboxId`, under the context derived from that id (a legacy record
   * under its stored key until it is rewrapped); throws `SecretOpenError` when it was sealed for another.
   */
  openRefreshToken(mailboxId: string, stored: StoredRefreshToken): Promise<string> {
    return open(
      this.wrapper,
      stored.sealed,
      stored.legacyKey === undefined
        ? refreshTokenContext(mailboxId)
        : legacyRefreshTokenContext(stored.legacyKey),
    );
  }

  /**
   * The record for the current key and the mailbox-id context: the data key is re-wrapped, and a legacy
   * record, whose ciphertext is bound to its old context too, is sealed anew.
   */
  async rewrapRefreshToken(mailboxId: string, stored: StoredRefreshToken): Promise<SealedSecret> {
    if (stored.legacyKey === undefined)
      return rewrap(this.wrapper, stored.sealed, refreshTokenContext(mailboxId));
    return this.sealRefreshToken(mailboxId, await this.openRefreshToken(mailboxId, stored));
  }

  /** Seals any other secret (e.g. a webhook signing secret) for an explicit context. */
  sealSecret(secretContext: string, plaintext: string): Promise<SealedSecret> {
    return seal(this.wrapper, plaintext, `mailmon:${secretContext}`);
  }

  openSecret(secretContext: string, sealed: SealedSecret): Promise<string> {
    return open(this.wrapper, sealed, `mailmon:${secretContext}`);
  }

  /** The same secret with its data key re-wrapped by the current key-encryption key (the ciphertext is kept). */
  rewrapSecret(secretContext: string, sealed: SealedSecret): Promise<SealedSecret> {
    return rewrap(this.wrapper, sealed, `mailmon:${secretContext}`);
  }
}

/** A stored credential as the audit and rewrap use cases see it: `id` is its mailbox id. */
export interface StoredCredential extends StoredRefreshToken {
  id: string;
}

/** Where credentials are listed and replaced (Firestore `credentials/{mailboxId}`). */
export interface CredentialStore {
  list(): AsyncIterable<StoredCredential>;
  /**
   * Replaces the sealed value only if it is still `expected` (compare-and-set), and drops the record's legacy
   * key: `next` is sealed under the mailbox-id context.
   */
  replace(id: string, expected: SealedSecret, next: SealedSecret): Promise<boolean>;
}

/** What an audit found; never contains plaintext. */
export interface CredentialAudit {
  total: number;
  byKeyId: Record<string, number>;
  unreadable: { id: string; keyId: string; reason: string }[];
}

/** Counts credentials by wrapping key and proves each one still opens, without returning any secret. */
export async function auditCredentials(deps: {
  box: CredentialBox;
  credentials: CredentialStore;
}): Promise<CredentialAudit> {
  const audit: CredentialAudit = { total: 0, byKeyId: {}, unreadable: [] };
  for await (const c of deps.credentials.list()) {
    audit.total += 1;
    audit.byKeyId[c.sealed.keyId] = (audit.byKeyId[c.sealed.keyId] ?? 0) + 1;
    try {
      await deps.box.openRefreshToken(c.id, c);
    } catch (error) {
      audit.unreadable.push({
        id: c.id,
        keyId: c.sealed.keyId,
        reason: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
  return audit;
}

/**
 * Moves every credential to the current key-encryption key and to the mailbox-id context: data keys are
 * re-wrapped, and records still under the legacy context are sealed anew (`migrated` counts them) and lose
 * their legacy key. Idempotent and safe to re-run after a crash: each record is swapped with
 * compare-and-set, and the refresh token inside never changes.
 */
export async function rewrapCredentials(
  deps: {
    box: CredentialBox;
    credentials: CredentialStore;
  },
  onProgress: () => void = () => {},
): Promise<{ rewrapped: number; migrated: number; failed: { id: string; reason: string }[] }> {
  let rewrapped = 0;
  let migrated = 0;
  const failed: { id: string; reason: string }[] = [];
  for await (const c of deps.credentials.list()) {
    try {
      const next = await deps.box.rewrapRefreshToken(c.id, c);
      if (await deps.credentials.replace(c.id, c.sealed, next)) {
        rewrapped += 1;
        if (c.legacyKey !== undefined) migrated += 1;
      }
    } catch (error) {
      failed.push({ id: c.id, reason: error instanceof Error ? error.name : 'unknown' });
    }
    onProgress();
  }
  return { rewrapped, migrated, failed };
}
