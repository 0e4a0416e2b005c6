import { type DocumentSnapshot, FieldValue, type Firestore } from '@google-cloud/firestore';
import type { CredentialStore, StoredCredential } from '../../secrets/credentials.js';
import type { SealedSecret } from '../../secrets/ports.js';

/**
 * The stored credential of a `credentials/{mailboxId}` document: `sealedRefreshToken`, and for a record
 * sealed under the legacy context (not yet rewrapped) its `credentialKey`.
 */
export function storedCredentialOf(snap: DocumentSnapshot): StoredCredential {
  const legacyKey = snap.get('credentialKey') as string | undefined;
  return {
    id: snap.id,
    sealed: snap.get('sealedRefreshToken') as SealedSecret,
    ...(legacyKey === undefined ? {} : { legacyKey }),
  };
}

/** {@link CredentialStore} on Firestore: `credentials/{mailboxId}` (see {@link storedCredentialOf}). */
export class FirestoreCredentialStore implements CredentialStore {
  constructor(private readonly db: Firestore) {}

  async get(mailboxId: string): Promise<StoredCredential | undefined> {
    const snap = await this.db.collection('credentials').doc(mailboxId).get();
    return snap.exists ? storedCredentialOf(snap) : undefined;
  }

  async *list(): AsyncIterable<StoredCredential> {
    let last: string | undefined;
    for (;;) {
      let query = this.db.collection('credentials').orderBy('__name__').limit(200);
      if (last) query = query.startAfter(last);
      const snap = await query.get();
      for (const d of snap.docs) yield storedCredentialOf(d);
      if (snap.size < 200) return;
      last = snap.docs[snap.docs.length - 1]!.id;
    }
  }

  async replace(id: string, expected: SealedSecret, next: SealedSecret): Promise<boolean> {
    const ref = this.db.collection('credentials').doc(id);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || (snap.get('sealedRefreshToken') as SealedSecret).wrappedKey !== expected.wrappedKey)
        return false;
      tx.update(ref, { sealedRefreshToken: next, credentialKey: FieldValue.delete() });
      return true;
    });
  }
}
