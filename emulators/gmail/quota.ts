import type { Clock } from './clock.js';

/** Quota units per Gmail method, as Google documents them. */
export const METHOD_COSTS = {
  'users.getProfile': 1,
  'users.labels.list': 1,
  'users.labels.get': 1,
  'users.history.list': 2,
  'users.messages.list': 5,
  'users.messages.get': 5,
  'users.messages.attachments.get': 5,
  'users.threads.list': 10,
  'users.threads.get': 10,
  'users.watch': 100,
  'users.stop': 50,
} as const;

/** A Gmail method the emulator implements. */
export type GmailMethod = keyof typeof METHOD_COSTS;

/** Google's default per-user limit. */
export const DEFAULT_UNITS_PER_USER_PER_MINUTE = 15_000;

interface Spend {
  at: number;
  units: number;
}

/** The outcome of asking for quota. */
export type QuotaDecision = { ok: true } | { ok: false; retryAfterMs: number };

/** Units spent per key over a sliding window (one minute by default), measured by the injected clock. */
export class SlidingWindowQuota {
  private readonly spends = new Map<string, { log: Spend[]; total: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly limit: () => number,
    private readonly windowMs = 60_000,
  ) {}

  /** Spends `units` for `key` if they fit in the window; otherwise says when enough will have expired. */
  tryConsume(key: string, units: number): QuotaDecision {
    const now = this.clock.now();
    const entry = this.window(key, now);
    const limit = this.limit();
    if (entry.total + units <= limit) {
      entry.log.push({ at: now, units });
      entry.total += units;
      return { ok: true };
    }
    if (units > limit) return { ok: false, retryAfterMs: this.windowMs };
    let freed = 0;
    const needed = entry.total + units - limit;
    for (const spend of entry.log) {
      freed += spend.units;
      if (freed >= needed) return { ok: false, retryAfterMs: spend.at + this.windowMs - now };
    }
    return { ok: false, retryAfterMs: this.windowMs };
  }

  /** Units spent by `key` within the current window. */
  used(key: string): number {
    return this.window(key, this.clock.now()).total;
  }

  reset(): void {
    this.spends.clear();
  }

  private window(key: string, now: number): { log: Spend[]; total: number } {
    let entry = this.spends.get(key);
    if (!entry) {
      entry = { log: [], total: 0 };
      this.spends.set(key, entry);
    }
    let expired = 0;
    while (expired < entry.log.length && (entry.log[expired] as Spend).at <= now - this.windowMs) {
      entry.total -= (entry.log[expired] as Spend).units;
      expired++;
    }
    if (expired > 0) entry.log.splice(0, expired);
    return entry;
  }
}

/** Requests in flight per key, refused beyond a limit. */
export class ConcurrencyLimiter {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly limit: () => number) {}

  /** A release function when a slot is free; `undefined` when the key is at its limit. */
  tryAcquire(key: string): (() => void) | undefined {
    const current = this.inFlight.get(key) ?? 0;
    if (current >= this.limit()) return undefined;
    this.inFlight.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.inFlight.get(key) ?? 1) - 1;
      if (now <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, now);
    };
  }
}

/** What one user's Gmail API calls cost since the emulator started (or was reset). */
export interface UserUsage {
  /** Quota units charged. Refused calls (quota, concurrency, injected faults) are charged nothing. */
  units: number;
  /** The most units charged within one sliding quota window (a minute). */
  peakWindowUnits: number;
  /** Charged calls per method. */
  calls: Partial<Record<GmailMethod, number>>;
  /** Calls refused because the per-user quota was spent, too many were in flight, or a fault was injected. */
  refused: { quota: number; concurrency: number; injected: number };
}

/** Counts, per user, the calls the emulator served and refused and the units it charged for them. */
export class UsageMeter {
  private readonly users = new Map<string, UserUsage>();

  /** A served call of `method` that cost `units`; `windowUnits` is the user's window total after it. */
  charged(key: string, method: GmailMethod, units: number, windowUnits: number): void {
    const usage = this.of(key);
    usage.units += units;
    usage.peakWindowUnits = Math.max(usage.peakWindowUnits, windowUnits);
    usage.calls[method] = (usage.calls[method] ?? 0) + 1;
  }

  refused(key: string, why: keyof UserUsage['refused']): void {
    this.of(key).refused[why] += 1;
  }

  /** The user's usage so far (a live record; copy it to keep a reading). */
  of(key: string): UserUsage {
    let usage = this.users.get(key);
    if (!usage) {
      usage = { units: 0, peakWindowUnits: 0, calls: {}, refused: { quota: 0, concurrency: 0, injected: 0 } };
      this.users.set(key, usage);
    }
    return usage;
  }

  reset(): void {
    this.users.clear();
  }
}
