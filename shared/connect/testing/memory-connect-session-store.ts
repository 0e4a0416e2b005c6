import type { ConnectRefusal, ConnectSession, ConnectSessionStore } from '../ports.js';

/** In-memory {@link ConnectSessionStore} for domain tests; `claim` is atomic because JS is single-threaded. */
export class MemoryConnectSessionStore implements ConnectSessionStore {
  readonly sessions = new Map<string, ConnectSession>();

  async create(session: ConnectSession): Promise<void> {
    if (this.sessions.has(session.id)) throw new Error(`session ${session.id} exists`);
    this.sessions.set(session.id, structuredClone(session));
  }

  async get(id: string): Promise<ConnectSession | undefined> {
    const s = this.sessions.get(id);
    return s && structuredClone(s);
  }

  async setStateHash(id: string, stateHash: string): Promise<boolean> {
    const s = this.sessions.get(id);
    if (s?.status !== 'pending') return false;
    s.stateHash = stateHash;
    return true;
  }

  async claim(
    id: string,
    check: (s: ConnectSession) => ConnectRefusal | undefined,
  ): Promise<ConnectSession | ConnectRefusal> {
    const s = this.sessions.get(id);
    if (!s) return { refused: 'unknown_session' };
    const refusal = check(structuredClone(s));
    if (refusal) return refusal;
    const before = structuredClone(s);
    s.status = 'exchanging';
    return before;
  }

  async finish(
    id: string,
    outcome: { status: 'completed'; mailboxId: string } | { status: 'failed'; failure: string },
  ): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) throw new Error(`session ${id} missing`);
    Object.assign(s, outcome);
  }
}
