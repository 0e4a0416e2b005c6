import type { Clock } from '../core/clock.js';
import {
  HistoryExpiredError,
  NonRetryableError,
  ReconnectRequiredError,
  RetryAfterError,
} from '../core/errors.js';
import { deterministicId, type Ids } from '../core/ids.js';
import type { EventType, PendingEvent } from '../events/event.js';
import { compactHistory } from './compact-history.js';
import type { FullSyncCheckpoint, MailboxSyncState, MessageMeta } from './model.js';
import { mapBounded, QuotaPacer } from './pacer.js';
import type { ChangeSet } from './plan-commit.js';
import {
  type GmailClient,
  type Lease,
  LeaseLostError,
  type Sleep,
  type SyncRunRecord,
  type SyncStore,
} from './ports.js';

/** Tunables of a sync run; defaults follow Gmail's documented limits. */
export interface SyncOptions {
  leaseTtlMs: number;
  /** `messages.list` page size during full syncs (each page is one commit). */
  listPageSize: number;
  /** Concurrent `messages.get` calls. */
  fetchConcurrency: number;
  /** Per-user Gmail quota the fetches are paced to. */
  quotaUnitsPerMinute: number;
  /** In-process retries of a rate-limited or failing Gmail call before giving the work back. */
  maxRetries: number;
  /** Longest wait honoured in-process; a longer Retry-After ends the run with RetryAfterError. */
  maxRetryWaitMs: number;
  /** How many times one invocation re-runs for wakeups that arrived while it held the lease. */
  maxReruns: number;
  /** Messages deleted per commit during a reconciling sweep. */
  sweepBatch: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  leaseTtlMs: 60_000,
  listPageSize: 100,
  fetchConcurrency: 8,
  quotaUnitsPerMinute: 15_000,
  maxRetries: 6,
  maxRetryWaitMs: 60_000,
  maxReruns: 20,
  sweepBatch: 200,
};

/** Ports and tunables of the sync engine. */
export interface SyncDeps {
  store: SyncStore;
  /** The Gmail client of one mailbox (built from its sealed credential). */
  gmailFor(mailbox: MailboxSyncState): Promise<GmailClient>;
  clock: Clock;
  ids: Ids;
  sleep: Sleep;
  options?: Partial<SyncOptions>;
}

/** What one invocation did. */
export interface SyncOutcome {
  outcome: 'succeeded' | 'busy' | 'skipped' | 'reconnect_required' | 'lease_lost';
  runs: number;
  cursor: string | null;
}

const COST = { getProfile: 1, listHistory: 2, listMessages: 5, getMessage: 5 } as const;

class Run {
  readonly counts = { pages: 0, fetched: 0, events: 0, messagesWritten: 0, messagesDeleted: 0 };
  readonly pacer: QuotaPacer;
  readonly opts: SyncOptions;
  kind: SyncRunRecord['kind'] = 'incremental';

  constructor(
    readonly deps: SyncDeps,
    public lease: Lease,
    readonly gmail: GmailClient,
  ) {
    this.opts = { ...DEFAULT_SYNC_OPTIONS, ...deps.options };
    this.pacer = new QuotaPacer(this.opts.quotaUnitsPerMinute, deps.clock, deps.sleep);
  }

  now() {
    return this.deps.clock.now();
  }

  async heartbeat(extraMs = 0) {
    this.lease = await this.deps.store.renewLease(this.lease, this.now(), this.opts.leaseTtlMs + extraMs);
  }

  /** Calls Gmail with quota pacing and bounded, Retry-After-honouring backoff; the lease is kept alive. */
  async call<T>(cost: number, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      await this.pacer.take(cost);
      try {
        return await fn();
      } catch (error) {
        if (!(error instanceof RetryAfterError) || attempt >= this.opts.maxRetries) throw error;
        const backoff = Math.min(this.opts.maxRetryWaitMs, 1000 * 2 ** attempt);
        const wait = Math.max(error.retryAfterMs, backoff);
        if (wait > this.opts.maxRetryWaitMs) throw error;
        await this.heartbeat(wait);
        await this.deps.sleep(wait);
      }
    }
  }

  async fetch(ids: readonly string[]): Promise<{ found: MessageMeta[]; missing: string[] }> {
    const metas = await mapBounded(ids, this.opts.fetchConcurrency, (id) =>
      this.call(COST.getMessage, () => this.gmail.getMessage(id)),
    );
    this.counts.fetched += ids.length;
    const found: MessageMeta[] = [];
    const missing: string[] = [];
    metas.forEach((m, i) => {
      if (m) found.push(m);
      else missing.push(ids[i]!);
    });
    return { found, missing };
  }

  async commit(
    m: MailboxSyncState,
    fromPosition: string,
    changes: ChangeSet,
    options: Parameters<SyncStore['commit']>[4],
  ) {
    const result = await this.deps.store.commit(
      this.lease,
      this.now(),
      { mailboxId: m.id, workspaceId: m.workspaceId, tenantExternalId: m.tenantExternalId, fromPosition },
      changes,
      options,
    );
    this.counts.pages += 1;
    this.counts.events += result.events;
    this.counts.messagesWritten += result.messagesWritten;
    this.counts.messagesDeleted += result.messagesDeleted;
  }
}

/**
 * A Gmail client opened when it is first called, so that failing to open it (a missing or unreadable
 * credential) happens inside the run, whose error handling marks the mailbox and lets go of the lease.
 */
function openedOnFirstCall(open: () => Promise<GmailClient>): GmailClient {
  let opened: Promise<GmailClient> | undefined;
  const client = () => {
    opened ??= open().catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };
  return {
    getProfile: async () => (await client()).getProfile(),
    listMessages: async (pageToken, pageSize) => (await client()).listMessages(pageToken, pageSize),
    getMessage: async (id) => (await client()).getMessage(id),
    listHistory: async (start, pageToken) => (await client()).listHistory(start, pageToken),
  };
}

function mailboxEvent(
  m: MailboxSyncState,
  type: EventType,
  at: number,
  discriminator: string,
  data: Record<string, unknown>,
): PendingEvent {
  return {
    id: deterministicId('evt', m.id, type, discriminator),
    type,
    schemaVersion: 1,
    occurredAt: new Date(at).toISOString(),
    workspaceId: m.workspaceId,
    tenantExternalId: m.tenantExternalId,
    mailboxId: m.id,
    data: { mailboxId: m.id, emailAddress: m.emailAddress, ...data },
  };
}

/** How often a sync that changes nothing records its success on a mailbox that is already healthy. */
const HEALTH_MARK_INTERVAL_MS = 60_000;

function healthy(now: number) {
  return { syncState: 'healthy', lastSuccessfulSyncAt: now, lastError: null };
}

function recentlyHealthy(m: MailboxSyncState, now: number): boolean {
  return (
    m.syncState === 'healthy' &&
    !m.hasError &&
    m.lastSuccessfulSyncAt !== null &&
    now - m.lastSuccessfulSyncAt < HEALTH_MARK_INTERVAL_MS
  );
}

/**
 * Applies Gmail history from `start` page by page. Each page is one commit of state + events; the position
 * committed with it is the page's last record id, so the cursor never passes an uncommitted change. In
 * `incremental` mode the position is the cursor; in `catchup` mode it is the full-sync checkpoint, and
 * the final page also sets the cursor and ends the full sync.
 */
async function applyHistory(run: Run, m: MailboxSyncState, mode: 'incremental' | 'catchup'): Promise<string> {
  const cp = m.fullSync;
  let position = mode === 'incremental' ? m.cursor! : cp!.startHistoryId;
  // page tokens belong to the first request, so every page is asked for with the same start id
  const requestStart = position;
  let pageToken: string | null = null;
  for (;;) {
    const page = await run.call(COST.listHistory, () => run.gmail.listHistory(requestStart, pageToken));
    const { refetch, deletes } = compactHistory(page.changes);
    const { found, missing } = await run.fetch(refetch);
    const last = page.nextPageToken === null;
    const next = last ? page.historyId : (page.lastRecordId ?? position);
    const changes: ChangeSet = {
      upserts: found,
      deletes: [...deletes, ...missing],
      generation: cp?.generation ?? m.generation,
    };
    const nothing = changes.upserts.length === 0 && changes.deletes.length === 0;
    if (mode === 'incremental') {
      if (!(nothing && next === position)) {
        await run.commit(m, position, changes, {
          expectedCursor: m.cursor,
          cursor: next,
          ...(last ? { mailboxFields: healthy(run.now()) } : {}),
        });
        m = { ...m, cursor: next };
      } else if (last && !recentlyHealthy(m, run.now())) {
        // nothing to commit, but the sync succeeded: a lagging mailbox recovers and a quiet one shows it was
        // checked (polling goes by lastSuccessfulSyncAt); a burst of duplicate pushes writes this once a minute
        await run.deps.store.updateMailbox(run.lease, run.now(), healthy(run.now()));
      }
    } else {
      const done = last;
      await run.commit(m, `full:${cp!.generation}:${position}`, changes, {
        expectedCursor: m.cursor,
        ...(done
          ? {
              cursor: next,
              fullSync: null,
              // the first full sync's end is when the mailbox became initialized (a resync keeps that time)
              mailboxFields: {
                ...healthy(run.now()),
                ...(m.initializedAt === null ? { initializedAt: run.now() } : {}),
              },
              extraEvents: [
                mailboxEvent(m, 'mailbox.synced', run.now(), `synced:${cp!.generation}`, {
                  reason: cp!.reason,
                  historyId: next,
                }),
              ],
            }
          : { fullSync: { ...cp!, startHistoryId: next } }),
      });
      if (done) m = { ...m, cursor: next, fullSync: null };
    }
    position = next;
    await run.heartbeat();
    if (last) return position;
    pageToken = page.nextPageToken;
  }
}

/** Lists every message (checkpointed per page), sweeps those not seen, then catches up from the start id. */
async function runFullSync(run: Run, mailbox: MailboxSyncState): Promise<string> {
  let m = mailbox;
  let cp = m.fullSync;
  run.kind = cp?.reason === 'history_expired' || (!cp && m.cursor !== null) ? 'resync' : 'initial';
  if (!cp) {
    const profile = await run.call(COST.getProfile, () => run.gmail.getProfile());
    cp = {
      startHistoryId: profile.historyId,
      pageToken: null,
      generation: m.generation + 1,
      phase: 'listing',
      reason: m.cursor === null ? 'initial' : 'history_expired',
    };
    const events =
      cp.reason === 'history_expired'
        ? [
            mailboxEvent(m, 'mailbox.resync_started', run.now(), `resync:${cp.generation}`, {
              reason: 'history_expired',
              previousCursor: m.cursor,
            }),
          ]
        : [];
    await run.deps.store.updateMailbox(
      run.lease,
      run.now(),
      { fullSync: cp, generation: cp.generation },
      events,
    );
    m = { ...m, fullSync: cp, generation: cp.generation };
  }
  while (cp.phase === 'listing') {
    const page = await run.call(COST.listMessages, () =>
      run.gmail.listMessages(cp!.pageToken, run.opts.listPageSize),
    );
    const { found } = await run.fetch(page.messages.map((x) => x.id));
    const next: FullSyncCheckpoint = page.nextPageToken
      ? { ...cp, pageToken: page.nextPageToken }
      : { ...cp, pageToken: null, phase: 'sweeping' };
    await run.commit(
      m,
      `full:${cp.generation}:${cp.pageToken ?? 'first'}`,
      { upserts: found, deletes: [], generation: cp.generation },
      {
        expectedCursor: m.cursor,
        fullSync: next,
      },
    );
    cp = next;
    m = { ...m, fullSync: cp };
    await run.heartbeat();
  }
  while (cp.phase === 'sweeping') {
    const vanished = await run.deps.store.listUnstamped(m.id, cp.generation, run.opts.sweepBatch);
    const next: FullSyncCheckpoint =
      vanished.length < run.opts.sweepBatch ? { ...cp, phase: 'catching_up' } : cp;
    await run.commit(
      m,
      `sweep:${cp.generation}`,
      { upserts: [], deletes: vanished, generation: cp.generation },
      {
        expectedCursor: m.cursor,
        fullSync: next,
      },
    );
    cp = next;
    m = { ...m, fullSync: cp };
  }
  return applyHistory(run, m, 'catchup');
}

async function runOnce(run: Run, mailboxId: string): Promise<string> {
  let forceFull = false;
  for (let attempt = 0; ; attempt += 1) {
    const m = await run.deps.store.getMailbox(mailboxId);
    if (!m) throw new NonRetryableError(`mailbox ${mailboxId} does not exist`, 'mailbox_not_found');
    try {
      if (forceFull || m.fullSync || m.cursor === null) return await runFullSync(run, m);
      return await applyHistory(run, m, 'incremental');
    } catch (error) {
      // a start id can expire again while a long full sync runs; each pass makes progress, so bound the loop
      if (!(error instanceof HistoryExpiredError) || attempt >= 3) throw error;
      // the cursor (or a full sync's start id) fell out of Gmail's window: reconcile from a fresh listing
      await run.deps.store.updateMailbox(run.lease, run.now(), { fullSync: null, syncState: 'lagging' });
      forceFull = true;
    }
  }
}

/**
 * What a customer may read about a failed sync (`lastError`, sync runs): the messages of Mailmon's own typed
 * errors, written to be shown; of anything else only that it failed, since its message can carry internals.
 * The error itself is rethrown, so its detail reaches the logs.
 */
function publicMessage(error: unknown): string {
  if (error instanceof RetryAfterError || error instanceof NonRetryableError) return error.message;
  return 'The sync failed unexpectedly; it is retried, and the details are in the service logs.';
}

/**
 * Syncs one mailbox under a fenced lease: an initial or reconciling full sync when there is no cursor (or
 * one was interrupted: it resumes from its checkpoint), otherwise an incremental sync from the cursor.
 * Wakeups that arrive while it runs are not lost: it runs again before letting go. A revoked grant turns
 * the mailbox `reconnect_required` (with its event) and ends without retrying; rate limits and server
 * errors are retried in-process within `maxRetryWaitMs`, then surface as `RetryAfterError` with the work
 * checkpointed.
 */
export async function syncMailbox(deps: SyncDeps, request: { mailboxId: string }): Promise<SyncOutcome> {
  const { store, clock } = deps;
  const opts = { ...DEFAULT_SYNC_OPTIONS, ...deps.options };
  const mailbox = await store.getMailbox(request.mailboxId);
  if (!mailbox)
    throw new NonRetryableError(`mailbox ${request.mailboxId} does not exist`, 'mailbox_not_found');
  if (mailbox.status !== 'active') return { outcome: 'skipped', runs: 0, cursor: mailbox.cursor };
  const owner = deps.ids.random('sync');
  const lease = await store.acquireLease(request.mailboxId, owner, clock.now(), opts.leaseTtlMs);
  if (!lease) {
    // a contention is worth a record: observability counts them, and the holder runs again for it
    const at = clock.now();
    await store.recordRun({
      id: deps.ids.random('run'),
      mailboxId: request.mailboxId,
      kind: mailbox.cursor === null || mailbox.fullSync ? 'initial' : 'incremental',
      previousCursor: mailbox.cursor,
      nextCursor: mailbox.cursor,
      startedAt: at,
      finishedAt: at,
      outcome: 'busy',
      leaseOwner: null,
      counts: { pages: 0, fetched: 0, events: 0, messagesWritten: 0, messagesDeleted: 0 },
    });
    return { outcome: 'busy', runs: 0, cursor: mailbox.cursor };
  }

  let run = new Run(
    deps,
    lease,
    openedOnFirstCall(() => deps.gmailFor(mailbox)),
  );
  let runs = 0;
  for (;;) {
    runs += 1;
    const startedAt = clock.now();
    const before = (await store.getMailbox(request.mailboxId))?.cursor ?? null;
    const record = (outcome: SyncRunRecord['outcome'], nextCursor: string | null, error?: string) =>
      store.recordRun({
        id: deps.ids.random('run'),
        mailboxId: request.mailboxId,
        kind: run.kind,
        previousCursor: before,
        nextCursor,
        startedAt,
        finishedAt: clock.now(),
        outcome,
        leaseOwner: run.lease.owner,
        counts: { ...run.counts },
        ...(error ? { error } : {}),
      });
    try {
      const cursor = await runOnce(run, request.mailboxId);
      await record('succeeded', cursor);
      const { rerun } = await store.releaseLease(run.lease, clock.now(), { force: runs >= opts.maxReruns });
      if (!rerun) return { outcome: 'succeeded', runs, cursor };
      run = new Run(deps, run.lease, run.gmail);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        await record('lease_lost', null, error.message);
        return { outcome: 'lease_lost', runs, cursor: null };
      }
      if (error instanceof ReconnectRequiredError) {
        const m = (await store.getMailbox(request.mailboxId))!;
        await store.updateMailbox(
          run.lease,
          clock.now(),
          {
            status: 'reconnect_required',
            syncState: 'failed',
            lastError: { code: 'reconnect_required', message: error.message, at: clock.now() },
          },
          [
            mailboxEvent(m, 'mailbox.reconnect_required', clock.now(), `reconnect:${m.nextSeq}`, {
              reason: 'invalid_grant',
            }),
          ],
        );
        await record('reconnect_required', null, error.message);
        await store.releaseLease(run.lease, clock.now(), { force: true });
        return { outcome: 'reconnect_required', runs, cursor: m.cursor };
      }
      const retry = error instanceof RetryAfterError;
      const message = publicMessage(error);
      await store
        .updateMailbox(run.lease, clock.now(), {
          syncState: retry ? 'lagging' : 'failed',
          lastError: { code: retry ? 'retry_later' : 'sync_failed', message, at: clock.now() },
        })
        .catch(() => undefined);
      await record(retry ? 'retry_later' : 'failed', null, message);
      await store.releaseLease(run.lease, clock.now(), { force: true }).catch(() => undefined);
      throw error;
    }
  }
}
