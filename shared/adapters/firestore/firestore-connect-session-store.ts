import type { Firestore } from '@google-cloud/firestore';
import type { ConnectRefusal, ConnectSession, ConnectSessionStore } from '../../connect/ports.js';

// finished sessions are kept for a day for support, then Firestore TTL removes them
const RETAIN_MS = 24 * 60 * 60 * 1000;

/** {@link ConnectSessionStore} on Firestore (`connectSessions/{id}`); `claim` is a transaction. */
export class FirestoreConnectSessionStore implements ConnectSessionStore {
  constructor(private readonly db: Firestore) {}

  private ref(id: string) {
    return this.db.collection('connectSessions').doc(id);
  }

  async create(session: ConnectSession): Promise<void> {
    await this.ref(session.id).create({ ...session, expireAt: new Date(session.expiresAt + RETAIN_MS) });
  }

  async get(id: string): Promise<ConnectSession | undefined> {
    const snap = await this.ref(id).get();
    return snap.exists ? toSession(snap.data()) : undefined;
  }

  async setStateHash(id: string, stateHash: string): Promise<boolean> {
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.ref(id));
      if (!snap.exists || snap.get('status') !== 'pending') return false;
      tx.update(this.ref(id), { stateHash });
      return true;
    });
  }

  async claim(
    id: string,
    check: (s: ConnectSession) => ConnectRefusal | undefined,
  ): Promise<ConnectSession | ConnectRefusal> {
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.ref(id));
      if (!snap.exists) return { refused: 'unknown_session' } as const;
      const session = toSession(snap.data());
      const refusal = check(session);
      if (refusal) return refusal;
      tx.update(this.ref(id), { status: 'exchanging' });
      return session;
    });
  }

  async finish(
    id: string,
    outcome: { status: 'completed'; mailboxId: string } | { status: 'failed'; failure: string },
  ): Promise<void> {
    await this.ref(id).update(outcome);
  }
}

function toSession(data: FirebaseFirestore.DocumentData | undefined): ConnectSession {
  const { expireAt: _ttl, ...rest } = data ?? {};
  return rest as ConnectSession;
}
