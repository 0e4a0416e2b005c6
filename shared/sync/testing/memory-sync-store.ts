import type { MailmonEvent, PendingEvent } from '../../events/event.js';
import type { MailboxSyncState } from '../model.js';
import { type MessageDoc, planCommit, type ThreadDoc } from '../plan-commit.js';
import {
  type CommitOptions,
  type CommitResult,
  type Lease,
  LeaseLostError,
  StaleCursorError,
  type SyncRunRecord,
  type SyncStore,
} from '../ports.js';

interface MailboxData {
  state: MailboxSyncState;
  extra: Record<string, unknown>;
  lease?: { owner: string; token: number; expiresAt: number; released: boolean };
  messages: Map<string, MessageDoc>;
  threads: Map<string, ThreadDoc>;
  events: MailmonEvent[];
}

// the fields the sync view reads back, as the Firestore store derives them from the document
function applyMailboxFields(state: MailboxSyncState, fields: Record<string, unknown>): void {
  if (fields.syncState) state.syncState = fields.syncState as MailboxSyncState['syncState'];
  if (typeof fields.lastSuccessfulSyncAt === 'number')
    state.lastSuccessfulSyncAt = fields.lastSuccessfulSyncAt;
  if (fields.lastError !== undefined) state.hasError = fields.lastError !== null;
}

/** In-memory {@link SyncStore} with the same transactional rules as the Firestore adapter. */
export class MemorySyncStore implements SyncStore {
  readonly mailboxes = new Map<string, MailboxData>();
  readonly runs: SyncRunRecord[] = [];

  addMailbox(state: Partial<MailboxSyncState> & { id: string }): void {
    this.mailboxes.set(state.id, {
      state: {
        workspaceId: 'ws_1',
        tenantExternalId: 'tenant-1',
        emailAddress: 'user@example.com',
        status: 'active',
        syncState: 'initializing',
        lastSuccessfulSyncAt: null,
        initializedAt: null,
        hasError: false,
        cursor: null,
        fullSync: null,
        generation: 0,
        dirty: false,
        hintHistoryId: null,
        nextSeq: 1,
        ...state,
      },
      extra: {},
      messages: new Map(),
      threads: new Map(),
      events: [],
    });
  }

  data(mailboxId: string): MailboxData {
    const d = this.mailboxes.get(mailboxId);
    if (!d) throw new Error(`no mailbox ${mailboxId}`);
    return d;
  }

  private checkLease(lease: Lease, now: number): MailboxData {
    const d = this.data(lease.mailboxId);
    if (!d.lease || d.lease.token !== lease.token || d.lease.released || d.lease.expiresAt <= now) {
      throw new LeaseLostError(`lease ${lease.token} of ${lease.mailboxId} is no longer current`);
    }
    return d;
  }

  async getMailbox(mailboxId: string) {
    const d = this.mailboxes.get(mailboxId);
    return d && structuredClone(d.state);
  }

  async acquireLease(
    mailboxId: string,
    owner: string,
    now: number,
    ttlMs: number,
  ): Promise<Lease | undefined> {
    const d = this.data(mailboxId);
    if (d.lease && !d.lease.released && d.lease.expiresAt > now) {
      d.state.dirty = true;
      return undefined;
    }
    const token = (d.lease?.token ?? 0) + 1;
    d.lease = { owner, token, expiresAt: now + ttlMs, released: false };
    d.state.dirty = false;
    return { mailboxId, owner, token, expiresAt: now + ttlMs };
  }

  async renewLease(lease: Lease, now: number, ttlMs: number): Promise<Lease> {
    const d = this.checkLease(lease, now);
    d.lease!.expiresAt = now + ttlMs;
    return { ...lease, expiresAt: now + ttlMs };
  }

  async releaseLease(
    lease: Lease,
    now: number,
    options: { force?: boolean } = {},
  ): Promise<{ rerun: boolean }> {
    const d = this.checkLease(lease, now);
    if (d.state.dirty && !options.force) {
      d.state.dirty = false;
      return { rerun: true };
    }
    d.lease!.released = true;
    return { rerun: false };
  }

  async markDirty(mailboxId: string, hint: string | null): Promise<void> {
    const d = this.data(mailboxId);
    d.state.dirty = true;
    if (hint && (!d.state.hintHistoryId || BigInt(hint) > BigInt(d.state.hintHistoryId)))
      d.state.hintHistoryId = hint;
  }

  private appendEvents(d: MailboxData, events: PendingEvent[]): number {
    for (const e of events) {
      d.events.push({ ...e, seq: d.state.nextSeq });
      d.state.nextSeq += 1;
    }
    return events.length;
  }

  async commit(
    lease: Lease,
    now: number,
    ctx: Parameters<SyncStore['commit']>[2],
    changes: Parameters<SyncStore['commit']>[3],
    options: CommitOptions,
  ): Promise<CommitResult> {
    const d = this.checkLease(lease, now);
    if (d.state.cursor !== options.expectedCursor) throw new StaleCursorError('cursor moved');
    const plan = planCommit(
      { ...ctx, occurredAt: new Date(now).toISOString() },
      { messages: d.messages, threads: d.threads },
      changes,
    );
    for (const m of plan.messageSets) d.messages.set(m.id, structuredClone(m));
    for (const s of plan.messageStamps) d.messages.get(s.id)!.generation = s.generation;
    for (const id of plan.messageDeletes) d.messages.delete(id);
    for (const t of plan.threadSets) d.threads.set(t.id, structuredClone(t));
    for (const id of plan.threadDeletes) d.threads.delete(id);
    const events = this.appendEvents(d, [...plan.events, ...(options.extraEvents ?? [])]);
    if (options.cursor !== undefined) d.state.cursor = options.cursor;
    if (options.fullSync !== undefined) d.state.fullSync = structuredClone(options.fullSync);
    Object.assign(d.extra, options.mailboxFields);
    applyMailboxFields(d.state, options.mailboxFields ?? {});
    return { events, messagesWritten: plan.messageSets.length, messagesDeleted: plan.messageDeletes.length };
  }

  async listUnstamped(mailboxId: string, generation: number, limit: number): Promise<string[]> {
    return [...this.data(mailboxId).messages.values()]
      .filter((m) => m.generation !== generation)
      .map((m) => m.id)
      .sort()
      .slice(0, limit);
  }

  async updateMailbox(
    lease: Lease,
    now: number,
    fields: Record<string, unknown>,
    events: PendingEvent[] = [],
  ): Promise<void> {
    const d = this.checkLease(lease, now);
    Object.assign(d.extra, fields);
    if (fields.status) d.state.status = fields.status as MailboxSyncState['status'];
    applyMailboxFields(d.state, fields);
    if (typeof fields.generation === 'number') d.state.generation = fields.generation;
    if (fields.fullSync !== undefined)
      d.state.fullSync = structuredClone(fields.fullSync) as MailboxSyncState['fullSync'];
    this.appendEvents(d, events);
  }

  async recordRun(run: SyncRunRecord): Promise<void> {
    const d = this.mailboxes.get(run.mailboxId);
    if (!d || d.state.status === 'deleting') return;
    this.runs.push(structuredClone(run));
  }
}
