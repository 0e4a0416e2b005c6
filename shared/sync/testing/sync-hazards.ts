import fc from 'fast-check';
import { expect } from 'vitest';
import type { ManualClock } from '../../core/clock.js';
import { RetryAfterError } from '../../core/errors.js';
import type { SyncStore } from '../ports.js';
import { DEFAULT_SYNC_OPTIONS, type SyncDeps, type SyncOutcome, syncMailbox } from '../sync-mailbox.js';
import { CrashingStore, InjectedCrash } from './crashing-store.js';
import { hookedGmail } from './hooked-gmail.js';

/** A hazard a property test throws at one sync. */
export type HazardOp =
  /** The sync dies at its `at`-th store write, before or after it applies; its lease then runs out. */
  | { kind: 'crash'; at: number; when: 'before' | 'after' }
  /** Before its `at`-th Gmail call the lease expires and another sync takes over and finishes. */
  | { kind: 'takeover'; at: number }
  /** Before its `at`-th Gmail call another trigger arrives (after a change in Gmail, or not). */
  | { kind: 'concurrent'; at: number; change: boolean };

/** Weighted arbitraries of {@link HazardOp}s, for `fc.oneof`; `writes` and `calls` bound where they strike. */
export function hazardOps(max: { writes: number; calls: number }, weight = 1) {
  return [
    {
      weight,
      arbitrary: fc.record({
        kind: fc.constant('crash' as const),
        at: fc.integer({ min: 1, max: max.writes }),
        when: fc.constantFrom('before' as const, 'after' as const),
      }),
    },
    {
      weight,
      arbitrary: fc.record({
        kind: fc.constant('takeover' as const),
        at: fc.integer({ min: 1, max: max.calls }),
      }),
    },
    {
      weight,
      arbitrary: fc.record({
        kind: fc.constant('concurrent' as const),
        at: fc.integer({ min: 1, max: max.calls }),
        change: fc.boolean(),
      }),
    },
  ];
}

/** How often the cases of a property met each hazard, so the property can show it exercised every one. */
export class HazardTally {
  readonly seen = { crashed: 0, gaveUp: 0, rodeOut: 0, tookOver: 0, turnedAway: 0 };

  expectEachSeen(): void {
    for (const [hazard, times] of Object.entries(this.seen)) expect(times, hazard).toBeGreaterThan(0);
  }
}

/** One mailbox's sync as a property test drives it. */
export interface HazardTarget {
  deps: SyncDeps;
  mailboxId: string;
  /** The store the sync's deps use, to wrap for a crash. */
  store: SyncStore;
  /** The clock the store's leases are judged by. */
  clock: ManualClock;
  /** Makes a change in Gmail (a concurrent trigger's cause). */
  change(): Promise<void>;
}

/** Runs one sync of `target`; a sync may give the work back with {@link RetryAfterError}, nothing else. */
export async function syncGivingBack(
  target: HazardTarget,
  tally: HazardTally,
  deps: SyncDeps = target.deps,
): Promise<void> {
  await syncMailbox(deps, { mailboxId: target.mailboxId }).then(
    () => {
      tally.seen.rodeOut += 1;
    },
    (error: unknown) => {
      if (!(error instanceof RetryAfterError)) throw error;
      tally.seen.gaveUp += 1;
    },
  );
}

/** Runs one sync of `target` under `hazard`, and checks the sync ended as that hazard demands. */
export async function syncUnder(hazard: HazardOp, target: HazardTarget, tally: HazardTally): Promise<void> {
  const ttl = target.deps.options?.leaseTtlMs ?? DEFAULT_SYNC_OPTIONS.leaseTtlMs;
  const sync = (deps: SyncDeps = target.deps) => syncMailbox(deps, { mailboxId: target.mailboxId });
  if (hazard.kind === 'crash') {
    const crashing = new CrashingStore(target.store, { n: hazard.at, when: hazard.when });
    const crashed = await sync({ ...target.deps, store: crashing.store }).then(
      () => false,
      (error: unknown) => {
        if (error instanceof InjectedCrash) return true;
        throw error;
      },
    );
    // a sync with fewer writes than `at` finishes untouched
    expect(crashed).toBe(crashing.fired !== undefined);
    if (!crashed) return;
    tally.seen.crashed += 1;
    target.clock.advance(ttl + 1);
    return;
  }
  const hook =
    hazard.kind === 'takeover'
      ? async () => {
          target.clock.advance(ttl + 1);
          expect((await sync()).outcome).toBe('succeeded');
        }
      : async () => {
          if (hazard.change) await target.change();
          expect((await sync()).outcome).toBe('busy');
        };
  let gmail: ReturnType<typeof hookedGmail> | undefined;
  const outcome: SyncOutcome = await sync({
    ...target.deps,
    gmailFor: async (m) => {
      gmail = hookedGmail(await target.deps.gmailFor(m), hazard.at, hook);
      return gmail;
    },
  });
  const fired = gmail?.fired() ?? false;
  if (hazard.kind === 'takeover') {
    expect(outcome.outcome).toBe(fired ? 'lease_lost' : 'succeeded');
    if (fired) tally.seen.tookOver += 1;
    return;
  }
  expect(outcome.outcome).toBe('succeeded');
  // the trigger it turned away is not lost: it ran again before letting go
  if (fired) {
    expect(outcome.runs).toBeGreaterThanOrEqual(2);
    tally.seen.turnedAway += 1;
  }
}
