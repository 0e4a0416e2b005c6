/** Source of time for the emulator; tests inject a controllable one. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** Opaque handle returned by {@link Timers.setTimeout}. */
export type TimerHandle = unknown;

/** Deferred callbacks, driven by the same notion of time as the {@link Clock}. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Node's timers. */
export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Resolves after `ms` on `timers`; immediately for `ms <= 0`. */
export function sleep(timers: Timers, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    timers.setTimeout(resolve, ms);
  });
}

interface ScheduledTimer {
  readonly seq: number;
  readonly due: number;
  readonly callback: () => void;
}

/**
 * A clock and timer source that only moves when told to. {@link ManualClock.advance} fires due timers in
 * order of their due time, with `now()` set to each timer's due time while it runs.
 */
export class ManualClock implements Clock, Timers {
  private current: number;
  private seq = 0;
  private readonly timers = new Map<number, ScheduledTimer>();
  private waiters: (() => void)[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    this.seq += 1;
    const timer = { seq: this.seq, due: this.current + Math.max(0, ms), callback };
    this.timers.set(timer.seq, timer);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    return timer.seq;
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.nextDue();
      if (!next || next.due > target) break;
      this.timers.delete(next.seq);
      this.current = Math.max(this.current, next.due);
      next.callback();
    }
    this.current = target;
  }

  /** Number of timers waiting to fire. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Resolves once at least `count` timers are pending (for example requests held by injected latency). */
  async untilPendingTimers(count: number): Promise<void> {
    while (this.timers.size < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private nextDue(): ScheduledTimer | undefined {
    let best: ScheduledTimer | undefined;
    for (const timer of this.timers.values()) {
      if (!best || timer.due < best.due || (timer.due === best.due && timer.seq < best.seq)) best = timer;
    }
    return best;
  }
}
