import type { Clock } from './clock.js';
import type { HistoryEntry } from './history-log.js';
import { Mailbox } from './mailbox.js';
import { mixSeed, type Rng, randomInt, seededRng } from './rng.js';

/** What the store needs to build mailboxes. */
export interface StoreOptions {
  clock: Clock;
  /** Seed for history id gaps and initial history ids. */
  seed: number;
  historyRetentionMs: number;
  /** Called after every mailbox change (wired to watch notifications). */
  onChange(mailbox: Mailbox, historyId: number, entry?: HistoryEntry): void;
}

/** Canonical form of an email address used as a mailbox key. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** All mailboxes of the emulator, keyed by email address. */
export class EmulatorStore {
  private readonly mailboxes = new Map<string, Mailbox>();
  private rng: Rng;
  private counter = 0;

  constructor(private readonly options: StoreOptions) {
    this.rng = seededRng(mixSeed(options.seed, 0x4157));
  }

  /** Creates a mailbox, or returns the existing one. */
  createUser(email: string): { mailbox: Mailbox; created: boolean } {
    const key = normaliseEmail(email);
    const existing = this.mailboxes.get(key);
    if (existing) return { mailbox: existing, created: false };
    const mailbox = new Mailbox(key, randomInt(this.rng, 100_000, 999_999), {
      clock: this.options.clock,
      historyRetentionMs: this.options.historyRetentionMs,
      nextHistoryGap: () => randomInt(this.rng, 1, 5),
      newMessageId: (internalDate, taken) => this.newMessageId(internalDate, taken),
      onChange: (box, historyId, entry) => this.options.onChange(box, historyId, entry),
    });
    this.mailboxes.set(key, mailbox);
    return { mailbox, created: true };
  }

  user(email: string): Mailbox | undefined {
    return this.mailboxes.get(normaliseEmail(email));
  }

  users(): Mailbox[] {
    return [...this.mailboxes.values()];
  }

  /** Drops every mailbox and restarts the id sequences. */
  reset(): void {
    this.mailboxes.clear();
    this.rng = seededRng(mixSeed(this.options.seed, 0x4157));
    this.counter = 0;
  }

  /** Gmail-like 16-hex-digit ids: the arrival time in hex followed by a sequence number. */
  private newMessageId(internalDate: number, taken: (id: string) => boolean): string {
    for (;;) {
      this.counter = (this.counter + 1) % 0x100000;
      const id = `${Math.max(0, Math.floor(internalDate)).toString(16).padStart(11, '0')}${this.counter.toString(16).padStart(5, '0')}`;
      if (!taken(id)) return id;
    }
  }
}
