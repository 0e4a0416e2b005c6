import type { SyncStore } from '../ports.js';

/** The store calls that write: the places a sync can die between two durable steps. */
export const STORE_WRITES = [
  'acquireLease',
  'renewLease',
  'commit',
  'updateMailbox',
  'recordRun',
  'releaseLease',
] as const;
export type StoreWrite = (typeof STORE_WRITES)[number];

/** Where to crash: the `n`-th counted write (from 1), just before it reaches the store or just after it applied. */
export interface CrashAt {
  n: number;
  when: 'before' | 'after';
}

/** The error a crashed sync sees from every store call from the crash on. */
export class InjectedCrash extends Error {
  override name = 'InjectedCrash';
}

/**
 * Wraps a {@link SyncStore} to kill the sync that uses it at a chosen write, as a process crash would: the
 * write either never reaches the store (`before`) or applies and is never acknowledged (`after`), and every
 * later call of the dead process fails, so nothing it would have done afterwards (error records, releasing
 * the lease) happens. Without `crashAt` it only logs the counted writes, to list the crash points of a run.
 */
export class CrashingStore {
  /** Every counted write, in order, with the cursor a commit set once it applied. */
  readonly writes: { method: StoreWrite; applied: boolean; cursor?: string }[] = [];
  /** The write the crash hit, once it fired. */
  fired: { n: number; method: StoreWrite; when: CrashAt['when'] } | undefined;
  readonly store: SyncStore;

  constructor(
    inner: SyncStore,
    private readonly crashAt?: CrashAt,
    counted: readonly StoreWrite[] = STORE_WRITES,
  ) {
    const dead = () => {
      if (this.fired) throw new InjectedCrash(`the process crashed at write ${this.fired.n}`);
    };
    type Result<M extends keyof SyncStore> = Promise<Awaited<ReturnType<SyncStore[M]>>>;
    const write =
      <M extends StoreWrite>(method: M) =>
      async (...args: Parameters<SyncStore[M]>): Result<M> => {
        dead();
        const call = () => (inner[method] as (...a: typeof args) => Result<M>)(...args);
        if (!counted.includes(method)) return call();
        const entry: (typeof this.writes)[number] = { method, applied: false };
        this.writes.push(entry);
        const n = this.writes.length;
        const crash = (when: CrashAt['when']) => {
          this.fired = { n, method, when };
          throw new InjectedCrash(`injected crash ${when} write ${n} (${method})`);
        };
        if (this.crashAt?.n === n && this.crashAt.when === 'before') crash('before');
        const result = await call();
        entry.applied = true;
        if (method === 'commit') {
          const cursor = (args as Parameters<SyncStore['commit']>)[4].cursor;
          if (cursor !== undefined) entry.cursor = cursor;
        }
        if (this.crashAt?.n === n) crash('after');
        return result;
      };
    const passthrough =
      <M extends 'getMailbox' | 'listUnstamped' | 'markDirty'>(method: M) =>
      async (...args: Parameters<SyncStore[M]>): Result<M> => {
        dead();
        return (inner[method] as (...a: typeof args) => Result<M>)(...args);
      };
    this.store = {
      getMailbox: passthrough('getMailbox'),
      listUnstamped: passthrough('listUnstamped'),
      markDirty: passthrough('markDirty'),
      acquireLease: write('acquireLease'),
      renewLease: write('renewLease'),
      commit: write('commit'),
      updateMailbox: write('updateMailbox'),
      recordRun: write('recordRun'),
      releaseLease: write('releaseLease'),
    };
  }

  /** The cursor the last applied commit set, or `before` when none set one. */
  lastCommittedCursor(before: string | null): string | null {
    return this.writes.findLast((w) => w.applied && w.cursor !== undefined)?.cursor ?? before;
  }
}

/** Every crash point of a run whose writes were logged: each write, before and after it applies. */
export function crashPoints(writes: CrashingStore['writes']): (CrashAt & { method: StoreWrite })[] {
  return writes.flatMap((w, i) =>
    (['before', 'after'] as const).map((when) => ({ n: i + 1, when, method: w.method })),
  );
}
