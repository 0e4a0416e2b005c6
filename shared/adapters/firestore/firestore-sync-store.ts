import type { DocumentReference, DocumentSnapshot, Firestore, Transaction } from '@google-cloud/firestore';
import type { PendingEvent } from '../../events/event.js';
import type { MailboxSyncState } from '../../sync/model.js';
import { type MessageDoc, planCommit, type ThreadDoc } from '../../sync/plan-commit.js';
import {
  type CommitOptions,
  type CommitResult,
  type Lease,
  LeaseLostError,
  StaleCursorError,
  type SyncRunRecord,
  type SyncStore,
} from '../../sync/ports.js';
import type { MailboxDirectory } from '../../sync/request-sync.js';
import { eventDocument } from './event-documents.js';
import { expireAtFor } from './retention.js';

interface LeaseDoc {
  owner: string;
  token: number;
  expiresAt: number;
  released?: boolean;
}

function held(lease: LeaseDoc | undefined, now: number): boolean {
  return !!lease && !lease.released && lease.expiresAt > now;
}

/** Reads a mailbox document into the sync view, with defaults for fields a new mailbox has not written. */
export function toMailboxState(snap: DocumentSnapshot): MailboxSyncState {
  const d = snap.data() ?? {};
  return {
    id: snap.id,
    workspaceId: d.workspaceId,
    tenantExternalId: d.tenantExternalId,
    emailAddress: d.emailAddress,
    status: d.status ?? 'active',
    syncState: d.syncState ?? 'initializing',
    lastSuccessfulSyncAt: d.lastSuccessfulSyncAt ?? null,
    initializedAt: d.initializedAt ?? null,
    hasError: (d.lastError ?? null) !== null,
    cursor: d.cursor ?? null,
    fullSync: d.fullSync ?? null,
    generation: d.generation ?? 0,
    dirty: d.dirty ?? false,
    hintHistoryId: d.hintHistoryId ?? null,
    nextSeq: d.nextSeq ?? 1,
  };
}

/**
 * {@link SyncStore} on Firestore. Layout: `mailboxes/{id}` (state, cursor, checkpoint, seq counter),
 * `mailboxes/{id}/lease/current`, and the subcollections `messages`, `threads`, `events`, `syncRuns`.
 * Every write under a lease re-reads the lease in its own transaction (fencing); state, events (with
 * consecutive `seq`, `fanout: 'pending'`) and cursor commit together or not at all.
 */
export class FirestoreSyncStore implements SyncStore {
  constructor(private readonly db: Firestore) {}

  private mailbox(id: string) {
    return this.db.collection('mailboxes').doc(id);
  }
  private leaseRef(id: string) {
    return this.mailbox(id).collection('lease').doc('current');
  }

  private async checkLease(tx: Transaction, lease: Lease, now: number): Promise<DocumentSnapshot> {
    const [leaseSnap, mailboxSnap] = await tx.getAll(
      this.leaseRef(lease.mailboxId),
      this.mailbox(lease.mailboxId),
    );
    const current = leaseSnap?.data() as LeaseDoc | undefined;
    if (!current || current.token !== lease.token || !held(current, now)) {
      throw new LeaseLostError(`lease ${lease.token} of ${lease.mailboxId} is no longer current`);
    }
    if (!mailboxSnap?.exists) throw new LeaseLostError(`mailbox ${lease.mailboxId} is gone`);
    return mailboxSnap;
  }

  /**
   * The events not stored yet, read in the transaction before its writes. Event ids are deterministic, so an
   * event already there was written by this very commit (its result lost, the transaction retried) or by an
   * earlier one: it keeps its `seq` and fan-out state instead of being written again.
   */
  private async unwritten(
    tx: Transaction,
    mailboxId: string,
    events: PendingEvent[],
  ): Promise<PendingEvent[]> {
    const ids = new Set<string>();
    const distinct = events.filter((e) => !ids.has(e.id) && ids.add(e.id));
    const snaps = await getAll(
      tx,
      distinct.map((e) => this.mailbox(mailboxId).collection('events').doc(e.id)),
    );
    return distinct.filter((_, i) => !snaps[i]!.exists);
  }

  /** Creates `events` (from {@link unwritten}) with consecutive `seq` from `nextSeq`; answers the next free one. */
  private writeEvents(tx: Transaction, mailboxId: string, events: PendingEvent[], nextSeq: number): number {
    let seq = nextSeq;
    for (const e of events) {
      tx.create(this.mailbox(mailboxId).collection('events').doc(e.id), eventDocument(e, seq));
      seq += 1;
    }
    return seq;
  }

  async getMailbox(mailboxId: string): Promise<MailboxSyncState | undefined> {
    const snap = await this.mailbox(mailboxId).get();
    return snap.exists ? toMailboxState(snap) : undefined;
  }

  async acquireLease(
    mailboxId: string,
    owner: string,
    now: number,
    ttlMs: number,
  ): Promise<Lease | undefined> {
    // the cheap path for a busy mailbox: no transaction, so concurrent triggers do not contend
    const seen = (await this.leaseRef(mailboxId).get()).data() as LeaseDoc | undefined;
    if (held(seen, now)) {
      await this.mailbox(mailboxId).update({ dirty: true });
      // re-check: a holder that released before our flag landed would otherwise miss it
      if (held((await this.leaseRef(mailboxId).get()).data() as LeaseDoc | undefined, now)) return undefined;
    }
    return this.db.runTransaction(async (tx) => {
      const [leaseSnap, mailboxSnap] = await tx.getAll(this.leaseRef(mailboxId), this.mailbox(mailboxId));
      if (!mailboxSnap?.exists) return undefined;
      const current = leaseSnap?.data() as LeaseDoc | undefined;
      if (held(current, now)) {
        tx.update(this.mailbox(mailboxId), { dirty: true });
        return undefined;
      }
      const token = (current?.token ?? 0) + 1;
      tx.set(this.leaseRef(mailboxId), {
        owner,
        token,
        expiresAt: now + ttlMs,
        renewedAt: now,
        released: false,
        acquiredAt: now,
      });
      tx.update(this.mailbox(mailboxId), { dirty: false });
      return { mailboxId, owner, token, expiresAt: now + ttlMs };
    });
  }

  async renewLease(lease: Lease, now: number, ttlMs: number): Promise<Lease> {
    return this.db.runTransaction(async (tx) => {
      await this.checkLease(tx, lease, now);
      tx.update(this.leaseRef(lease.mailboxId), { expiresAt: now + ttlMs, renewedAt: now });
      return { ...lease, expiresAt: now + ttlMs };
    });
  }

  async releaseLease(
    lease: Lease,
    now: number,
    options: { force?: boolean } = {},
  ): Promise<{ rerun: boolean }> {
    return this.db.runTransaction(async (tx) => {
      const mailbox = await this.checkLease(tx, lease, now);
      if (mailbox.get('dirty') === true && !options.force) {
        tx.update(mailbox.ref, { dirty: false });
        return { rerun: true };
      }
      // the token stays, so the next holder's token is strictly greater
      tx.update(this.leaseRef(lease.mailboxId), { released: true, expiresAt: now });
      return { rerun: false };
    });
  }

  async markDirty(mailboxId: string, hint: string | null): Promise<void> {
    const fields: Record<string, unknown> = { dirty: true };
    if (hint) {
      const current = (await this.mailbox(mailboxId).get()).get('hintHistoryId') as string | null | undefined;
      if (!current || BigInt(hint) > BigInt(current)) fields.hintHistoryId = hint;
    }
    await this.mailbox(mailboxId).update(fields);
  }

  async commit(
    lease: Lease,
    now: number,
    ctx: Parameters<SyncStore['commit']>[2],
    changes: Parameters<SyncStore['commit']>[3],
    options: CommitOptions,
  ): Promise<CommitResult> {
    const mailboxRef = this.mailbox(lease.mailboxId);
    const messages = mailboxRef.collection('messages');
    const threads = mailboxRef.collection('threads');
    return this.db.runTransaction(async (tx) => {
      const mailboxSnap = await this.checkLease(tx, lease, now);
      const state = toMailboxState(mailboxSnap);
      if (state.cursor !== options.expectedCursor) {
        throw new StaleCursorError(`cursor is ${state.cursor}, expected ${options.expectedCursor}`);
      }
      const ids = [...new Set([...changes.upserts.map((m) => m.id), ...changes.deletes])];
      const priorMessages = new Map<string, MessageDoc>();
      for (const snap of await getAll(
        tx,
        ids.map((id) => messages.doc(id)),
      )) {
        if (snap.exists) priorMessages.set(snap.id, snap.data() as MessageDoc);
      }
      const threadIds = [
        ...new Set([
          ...changes.upserts.map((m) => m.threadId),
          ...[...priorMessages.values()].map((m) => m.threadId),
        ]),
      ];
      const priorThreads = new Map<string, ThreadDoc>();
      for (const snap of await getAll(
        tx,
        threadIds.map((id) => threads.doc(id)),
      )) {
        if (snap.exists) priorThreads.set(snap.id, snap.data() as ThreadDoc);
      }
      const plan = planCommit(
        { ...ctx, occurredAt: new Date(now).toISOString() },
        { messages: priorMessages, threads: priorThreads },
        changes,
      );
      const events = await this.unwritten(tx, lease.mailboxId, [
        ...plan.events,
        ...(options.extraEvents ?? []),
      ]);
      // owner fields let the API query a whole workspace's mirror with one collection-group query
      const owner = { workspaceId: state.workspaceId, mailboxId: lease.mailboxId };
      for (const m of plan.messageSets) tx.set(messages.doc(m.id), { ...m, ...owner });
      for (const s of plan.messageStamps) tx.update(messages.doc(s.id), { generation: s.generation });
      for (const id of plan.messageDeletes) tx.delete(messages.doc(id));
      for (const t of plan.threadSets) tx.set(threads.doc(t.id), { ...t, ...owner });
      for (const id of plan.threadDeletes) tx.delete(threads.doc(id));
      const nextSeq = this.writeEvents(tx, lease.mailboxId, events, state.nextSeq);
      tx.update(mailboxRef, {
        nextSeq,
        updatedAt: now,
        ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
        ...(options.fullSync !== undefined ? { fullSync: options.fullSync } : {}),
        ...options.mailboxFields,
      });
      return {
        events: events.length,
        messagesWritten: plan.messageSets.length,
        messagesDeleted: plan.messageDeletes.length,
      };
    });
  }

  async listUnstamped(mailboxId: string, generation: number, limit: number): Promise<string[]> {
    // generations only grow, so "not stamped with the current one" is "stamped with an older one"
    const snap = await this.mailbox(mailboxId)
      .collection('messages')
      .where('generation', '<', generation)
      .limit(limit)
      .select()
      .get();
    return snap.docs.map((d) => d.id);
  }

  async updateMailbox(
    lease: Lease,
    now: number,
    fields: Record<string, unknown>,
    events: PendingEvent[] = [],
  ): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      const mailbox = await this.checkLease(tx, lease, now);
      const fresh = await this.unwritten(tx, lease.mailboxId, events);
      const nextSeq = this.writeEvents(tx, lease.mailboxId, fresh, toMailboxState(mailbox).nextSeq);
      tx.update(mailbox.ref, { ...fields, nextSeq, updatedAt: now });
    });
  }

  async recordRun(run: SyncRunRecord): Promise<void> {
    const ref = this.mailbox(run.mailboxId);
    // in one transaction with the mailbox read, so a deletion that finished meanwhile cannot be outlived
    await this.db.runTransaction(async (tx) => {
      const mailbox = await tx.get(ref);
      if (!mailbox.exists || mailbox.get('status') === 'deleting') return;
      tx.set(ref.collection('syncRuns').doc(run.id), {
        ...run,
        expireAt: expireAtFor(run.finishedAt),
      });
    });
  }
}

async function getAll(tx: Transaction, refs: DocumentReference[]): Promise<DocumentSnapshot[]> {
  return refs.length === 0 ? [] : tx.getAll(...refs);
}

/** {@link MailboxDirectory} on Firestore: mailboxes by address, and dispatch failures on the mailbox. */
export class FirestoreMailboxDirectory implements MailboxDirectory {
  constructor(private readonly db: Firestore) {}

  async findActiveByEmail(emailAddress: string): Promise<MailboxSyncState[]> {
    const snap = await this.db
      .collection('mailboxes')
      .where('emailAddress', '==', emailAddress)
      .where('status', '==', 'active')
      .get();
    return snap.docs.map(toMailboxState);
  }

  async recordDispatchFailure(mailboxId: string, at: number, message: string): Promise<void> {
    await this.db.collection('mailboxes').doc(mailboxId).update({ lastDispatchError: { at, message } });
  }
}
