import type { Clock, TimerHandle, Timers } from './clock.js';
import type { Faults } from './faults.js';
import type { HistoryEntry } from './history-log.js';
import type { WatchState } from './mailbox.js';
import type { NotificationPublisher } from './publisher.js';

/** What a Gmail push notification carries (the Pub/Sub message `data`, JSON). */
export interface GmailNotification {
  emailAddress: string;
  historyId: number;
}

/** What became of one notification. */
export type NotificationOutcome = 'published' | 'duplicate' | 'dropped' | 'held' | 'released' | 'failed';

/** One line of a user's notification log. */
export interface NotificationLogEntry extends GmailNotification {
  topicName: string;
  /** When the decision was taken (ms, injected clock). */
  at: number;
  outcome: NotificationOutcome;
  error?: string;
}

/** How long a reordered notification is held back at most when no later one overtakes it (ms). */
export const REORDER_HOLD_MS = 10_000;

const LOG_LIMIT = 1_000;

interface UserState {
  lastSentAt: number;
  /** Latest historyId waiting for the pacing interval to pass. */
  pending?: number | undefined;
  pacingTimer?: TimerHandle;
  held?: { notification: GmailNotification; topicName: string; timer: TimerHandle };
}

/** What the notifier needs. */
export interface NotifierOptions {
  clock: Clock;
  timers: Timers;
  /** Minimum spacing of notifications per user (ms); Gmail sends at most about one a second. */
  intervalMs: number;
  faults: Faults;
  publisher: NotificationPublisher;
  /** The current watch of a mailbox, if any. */
  watchOf(email: string): WatchState | undefined;
}

/** Whether a change touches a watch's label filter. */
function passesLabelFilter(watch: WatchState, entry: HistoryEntry | undefined): boolean {
  if (watch.labelIds.length === 0 || !entry) return true;
  const touched = new Set([...entry.labelIds, ...(entry.labelsAdded ?? []), ...(entry.labelsRemoved ?? [])]);
  const hit = watch.labelIds.some((l) => touched.has(l));
  return watch.labelFilterBehavior === 'include' ? hit : !hit;
}

/**
 * Turns mailbox changes into watch notifications: at most one per `intervalMs` per user, coalesced so the
 * latest historyId wins, with the drop / duplicate / reorder / delay faults applied on the way out.
 */
export class WatchNotifier {
  private readonly users = new Map<string, UserState>();
  private readonly logs = new Map<string, NotificationLogEntry[]>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly delayTimers = new Set<TimerHandle>();

  constructor(private readonly options: NotifierOptions) {}

  /** A change happened in `email`'s mailbox; `entry` is absent for a bulk change without history records. */
  changed(email: string, historyId: number, entry?: HistoryEntry): void {
    const watch = this.liveWatch(email);
    if (!watch || !passesLabelFilter(watch, entry)) return;
    const state = this.state(email);
    if (state.pending !== undefined) {
      state.pending = Math.max(state.pending, historyId);
      return;
    }
    const wait = state.lastSentAt + this.options.intervalMs - this.options.clock.now();
    if (wait <= 0) {
      this.send(email, state, { emailAddress: email, historyId }, watch.topicName);
      return;
    }
    state.pending = historyId;
    state.pacingTimer = this.options.timers.setTimeout(() => {
      const pending = state.pending;
      state.pending = undefined;
      state.pacingTimer = undefined;
      // the watch may have been stopped or replaced while the notification waited
      const current = this.liveWatch(email);
      if (pending !== undefined && current) {
        this.send(email, state, { emailAddress: email, historyId: pending }, current.topicName);
      }
    }, wait);
  }

  /** The notification log of `email`, oldest first (the last 1,000 decisions). */
  log(email: string): NotificationLogEntry[] {
    return [...(this.logs.get(email) ?? [])];
  }

  /** Resolves when every publish started so far has finished. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Cancels pending timers and forgets pacing state and logs. */
  reset(): void {
    for (const state of this.users.values()) {
      if (state.pacingTimer !== undefined) this.options.timers.clearTimeout(state.pacingTimer);
      if (state.held) this.options.timers.clearTimeout(state.held.timer);
    }
    for (const timer of this.delayTimers) this.options.timers.clearTimeout(timer);
    this.delayTimers.clear();
    this.users.clear();
    this.logs.clear();
  }

  private liveWatch(email: string): WatchState | undefined {
    const watch = this.options.watchOf(email);
    return watch && watch.expiration > this.options.clock.now() ? watch : undefined;
  }

  private state(email: string): UserState {
    let state = this.users.get(email);
    if (!state) {
      state = { lastSentAt: Number.NEGATIVE_INFINITY };
      this.users.set(email, state);
    }
    return state;
  }

  private send(email: string, state: UserState, notification: GmailNotification, topicName: string): void {
    const { faults } = this.options;
    const rules = faults.notifications;
    state.lastSentAt = this.options.clock.now();
    if (faults.roll(rules.drop)) {
      this.record(email, notification, topicName, 'dropped');
      return;
    }
    if (!state.held && faults.roll(rules.reorder)) {
      const timer = this.options.timers.setTimeout(() => this.release(email, state), REORDER_HOLD_MS);
      state.held = { notification, topicName, timer };
      this.record(email, notification, topicName, 'held');
      return;
    }
    this.publish(email, notification, topicName, 'published');
    if (faults.roll(rules.duplicate)) this.publish(email, notification, topicName, 'duplicate');
    this.release(email, state);
  }

  /** Publishes a held notification, now after a later one. */
  private release(email: string, state: UserState): void {
    const held = state.held;
    if (!held) return;
    state.held = undefined;
    this.options.timers.clearTimeout(held.timer);
    this.publish(email, held.notification, held.topicName, 'released');
  }

  private publish(
    email: string,
    notification: GmailNotification,
    topicName: string,
    outcome: NotificationOutcome,
  ): void {
    const entry = this.record(email, notification, topicName, outcome);
    const go = () => {
      const data = Buffer.from(JSON.stringify(notification));
      const promise = this.options.publisher.publish(topicName, data).then(
        () => {},
        (error: unknown) => {
          entry.outcome = 'failed';
          entry.error = error instanceof Error ? error.message : String(error);
        },
      );
      this.inFlight.add(promise);
      void promise.finally(() => this.inFlight.delete(promise));
    };
    const delay = this.options.faults.notifications.delayMs;
    if (delay <= 0) {
      go();
      return;
    }
    const timer = this.options.timers.setTimeout(() => {
      this.delayTimers.delete(timer);
      go();
    }, delay);
    this.delayTimers.add(timer);
  }

  private record(
    email: string,
    notification: GmailNotification,
    topicName: string,
    outcome: NotificationOutcome,
  ): NotificationLogEntry {
    const entry: NotificationLogEntry = { ...notification, topicName, at: this.options.clock.now(), outcome };
    let log = this.logs.get(email);
    if (!log) {
      log = [];
      this.logs.set(email, log);
    }
    log.push(entry);
    if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
    return entry;
  }
}
