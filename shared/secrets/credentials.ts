import { open, rewrap, seal } from './envelope.js';
import type { KeyWrapper, SealedSecret } from './ports.js';

const context = (credentialKey: string) => `mailmon:refresh-token:${credentialKey}`;

/** Seals and opens mailbox refresh tokens; the context binds each to its mailbox key. */
export class CredentialBox {
  constructor(private readonly wrapper: KeyWrapper) {}

  sealRefreshToken(credentialKey: string, refreshToken: string): Promise<SealedSecret> {
    return seal(this.wrapper, refreshToken, context(credentialKey));
  }

  openRefreshToken(credentialKey: string, sealed: SealedSecret): Promise<string> {
    return open(this.wrapper, sealed, context(credentialKey));
  }

  rewrap(credentialKey: string, sealed: SealedSecret): Promise<SealedSecret> {
    return rewrap(this.wrapper, sealed, context(credentialKey));
  }

  /** Seals any other secret (e.g. a webhook signing secret) for an explicit context. */
  sealSecret(secretContext: string, plaintext: string): Promise<SealedSecret> {
    return seal(this.wrapper, plaintext, `mailmon:${secretContext}`);
  }

  openSecret(secretContext: string, sealed: SealedSecret): Promise<string> {
    return open(this.wrapper, sealed, `mailmon:${secretContext}`);
  }
}

/** A stored credential as the audit and rewrap use cases see it. */
export interface StoredCredential {
  id: string;
  credentialKey: string;
  sealed: SealedSecret;
}

/** Where credentials are listed and replaced (Firestore `credentials/{mailboxId}`). */
export interface CredentialStore {
  list(): AsyncIterable<StoredCredential>;
  /** Replaces the sealed value only if it is still `expected` (compare-and-set). */
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
      await deps.box.openRefreshToken(c.credentialKey, c.sealed);
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
 * Re-wraps every credential's data key with the current key-encryption key. Idempotent and safe to
 * re-run after a crash: each record is swapped with compare-and-set, and the ciphertext never changes.
 */
export async function rewrapCredentials(deps: {
  box: CredentialBox;
  credentials: CredentialStore;
}): Promise<{ rewrapped: number; failed: { id: string; reason: string }[] }> {
  let rewrapped = 0;
  const failed: { id: string; reason: string }[] = [];
  for await (const c of deps.credentials.list()) {
    try {
      const next = await deps.box.rewrap(c.credentialKey, c.sealed);
      if (await deps.credentials.replace(c.id, c.sealed, next)) rewrapped += 1;
    } catch (error) {
      failed.push({ id: c.id, reason: error instanceof Error ? error.name : 'unknown' });
    }
  }
  return { rewrapped, failed };
}
