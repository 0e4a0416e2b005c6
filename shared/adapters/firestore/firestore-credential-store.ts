import type { Firestore } from '@google-cloud/firestore';
import type { CredentialStore, StoredCredential } from '../../secrets/credentials.js';
import type { SealedSecret } from '../../secrets/ports.js';

/** {@link CredentialStore} on Firestore: `credentials/{mailboxId}` with `sealedRefreshToken` and `credentialKey`. */
export class FirestoreCredentialStore implements CredentialStore {
  constructor(private readonly db: Firestore) {}

  async get(mailboxId: string): Promise<StoredCredential | undefined> {
    const snap = await this.db.collection('credentials').doc(mailboxId).get();
    if (!snap.exists) return undefined;
    return {
      id: snap.id,
      credentialKey: snap.get('credentialKey'),
      sealed: snap.get('sealedRefreshToken') as SealedSecret,
    };
  }

  async *list(): AsyncIterable<StoredCredential> {
    let last: string | undefined;
    for (;;) {
      let query = this.db.collection('credentials').orderBy('__name__').limit(200);
      if (last) query = query.startAfter(last);
      const snap = await query.get();
      for (const d of snap.docs)
        yield {
          id: d.id,
          credentialKey: d.get('credentialKey'),
          sealed: d.get('sealedRefreshToken') as SealedSecret,
        };
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
      tx.update(ref, { sealedRefreshToken: next });
      return true;
    });
  }
}
