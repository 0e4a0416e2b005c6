import type { Firestore, Query } from '@google-cloud/firestore';
import type {
  DeliveryCounts,
  MailboxHealth,
  MailboxObservabilityData,
  ObservabilityReads,
  StoredRecord,
  WorkspaceHealth,
} from '../../read-model/ports.js';

// Gmail history ids are decimal strings of unsigned 64-bit values, far below 2^53 in practice
function historyNumber(id: unknown): number | null {
  return typeof id === 'string' && /^\d{1,15}$/.test(id) ? Number(id) : null;
}

/**
 * Workspace-scoped counters for the observability routes, computed with Firestore count aggregations
 * (one index read per 1,000 documents, no documents transferred), so they stay cheap on large mailboxes.
 */
export class FirestoreObservability implements ObservabilityReads {
  constructor(private readonly db: Firestore) {}

  private async count(query: Query): Promise<number> {
    return (await query.count().get()).data().count;
  }

  private async deliveryCounts(scope: Query): Promise<DeliveryCounts> {
    const [pending, delivered, failed, oldest] = await Promise.all([
      this.count(scope.where('state', '==', 'pending')),
      this.count(scope.where('state', '==', 'delivered')),
      this.count(scope.where('state', '==', 'failed')),
      scope.where('state', '==', 'pending').orderBy('nextAttemptAt').limit(1).get(),
    ]);
    const due = oldest.docs[0]?.get('nextAttemptAt');
    return { pending, delivered, failed, oldestPendingDueAt: typeof due === 'number' ? due : null };
  }

  /**
   * When the oldest delivery still pending across all workspaces was created (epoch ms), or null without a
   * backlog. The operators' backlog gauge: a delivery pending for long is one an endpoint keeps failing or
   * one that lost its task.
   */
  async oldestPendingDeliveryCreatedAt(): Promise<number | null> {
    const oldest = await this.db
      .collection('deliveries')
      .where('state', '==', 'pending')
      .orderBy('createdAt')
      .limit(1)
      .get();
    const at = oldest.docs[0]?.get('createdAt');
    return typeof at === 'number' ? at : null;
  }

  /** One mailbox's health, or undefined when it is not the workspace's. */
  async mailboxHealth(
    workspaceId: string,
    mailboxId: string,
    now: number,
  ): Promise<MailboxHealth | undefined> {
    const ref = this.db.collection('mailboxes').doc(mailboxId);
    const snap = await ref.get();
    if (!snap.exists || snap.get('workspaceId') !== workspaceId) return undefined;
    const d = snap.data()!;
    const events = ref.collection('events');
    const [total, pendingFanOut, lastRun, deliveries] = await Promise.all([
      this.count(events),
      this.count(events.where('fanout', '==', 'pending')),
      ref.collection('syncRuns').orderBy('startedAt', 'desc').limit(1).get(),
      this.deliveryCounts(this.db.collection('deliveries').where('mailboxId', '==', mailboxId)),
    ]);
    const hints = [d.hintHistoryId, d.watchHistoryId].map(historyNumber).filter((h) => h !== null);
    const cursor = historyNumber(d.cursor);
    // the cursor itself is known history too: a watch registered before the initial sync hints lower
    const known = cursor === null ? hints : [...hints, cursor];
    const latest = known.length > 0 ? Math.max(...known) : null;
    const run = lastRun.docs[0]?.data();
    if (run) delete run.expireAt;
    return {
      mailboxId,
      status: d.status ?? 'active',
      syncState: d.syncState ?? 'initializing',
      watchState: d.watchState ?? 'none',
      watchExpiresAt: d.watchExpiresAt ?? null,
      cursor: d.cursor ?? null,
      latestKnownHistoryId: latest === null ? null : String(latest),
      cursorLagHistoryIds: cursor === null || latest === null ? null : Math.max(0, latest - cursor),
      lastSuccessfulSyncAt: d.lastSuccessfulSyncAt ?? null,
      msSinceLastSync:
        typeof d.lastSuccessfulSyncAt === 'number' ? Math.max(0, now - d.lastSuccessfulSyncAt) : null,
      lastError: d.lastError ?? null,
      lastRun: run ?? null,
      events: { total, pendingFanOut },
      deliveries,
    };
  }

  /**
   * What the mailbox observability route shows, as stored (epoch ms): the mailbox, its lease, its newest sync
   * run and the newest one that moved the cursor, lease contention and losses of the last 24 hours, and per
   * endpoint of the workspace this mailbox's delivery counts. Undefined when the mailbox is not the workspace's.
   */
  async mailboxObservability(
    workspaceId: string,
    mailboxId: string,
    now: number,
  ): Promise<MailboxObservabilityData | undefined> {
    const ref = this.db.collection('mailboxes').doc(mailboxId);
    const snap = await ref.get();
    if (!snap.exists || snap.get('workspaceId') !== workspaceId) return undefined;
    const runs = ref.collection('syncRuns');
    const since = now - 24 * 60 * 60 * 1000;
    const within = (outcome: string) => runs.where('outcome', '==', outcome).where('startedAt', '>=', since);
    const [lease, latest, contention, lastContention, losses, lastLoss, endpoints] = await Promise.all([
      ref.collection('lease').doc('current').get(),
      runs.orderBy('startedAt', 'desc').limit(20).get(),
      this.count(within('busy')),
      within('busy').orderBy('startedAt', 'desc').limit(1).get(),
      this.count(within('lease_lost')),
      within('lease_lost').orderBy('startedAt', 'desc').limit(1).get(),
      this.db.collection('webhookEndpoints').where('workspaceId', '==', workspaceId).get(),
    ]);
    const runOf = (d: FirebaseFirestore.QueryDocumentSnapshot) => {
      const { expireAt: _ttl, ...run } = d.data();
      return run;
    };
    const recent = latest.docs.map(runOf);
    const deliveries = this.db.collection('deliveries').where('mailboxId', '==', mailboxId);
    const perEndpoint = await Promise.all(
      endpoints.docs.map(async (e) => {
        const mine = deliveries.where('endpointId', '==', e.id);
        const [pending, failed, delivered] = await Promise.all([
          this.count(mine.where('state', '==', 'pending')),
          this.count(mine.where('state', '==', 'failed')),
          mine.where('state', '==', 'delivered').orderBy('createdAt', 'desc').limit(1).get(),
        ]);
        const lastFailed =
          failed > 0
            ? await mine.where('state', '==', 'failed').orderBy('createdAt', 'desc').limit(1).get()
            : undefined;
        return {
          endpoint: e.data(),
          endpointId: e.id,
          pending,
          failed,
          lastDelivered: delivered.docs[0]?.data(),
          lastFailed: lastFailed?.docs[0]?.data(),
        };
      }),
    );
    const l = lease.data();
    return {
      mailbox: snap.data()!,
      lease: l && !l.released && typeof l.expiresAt === 'number' && l.expiresAt > now ? l : undefined,
      latestRun: recent[0],
      latestAdvance: recent.find((r) => r.nextCursor !== null && r.nextCursor !== r.previousCursor),
      contention: {
        count: contention,
        latestAt: lastContention.docs[0]?.get('startedAt') as number | undefined,
      },
      leaseLoss: { count: losses, latestAt: lastLoss.docs[0]?.get('startedAt') as number | undefined },
      endpoints: perEndpoint,
    };
  }

  /** An endpoint's newest delivered and newest failed delivery (as stored), for its delivery health. */
  async latestDeliveries(
    workspaceId: string,
    endpointId: string,
  ): Promise<{ delivered: StoredRecord | undefined; failed: StoredRecord | undefined }> {
    const mine = this.db
      .collection('deliveries')
      .where('workspaceId', '==', workspaceId)
      .where('endpointId', '==', endpointId);
    const [delivered, failed] = await Promise.all([
      mine.where('state', '==', 'delivered').orderBy('createdAt', 'desc').limit(1).get(),
      mine.where('state', '==', 'failed').orderBy('createdAt', 'desc').limit(1).get(),
    ]);
    return { delivered: delivered.docs[0]?.data(), failed: failed.docs[0]?.data() };
  }

  /** The workspace's mailboxes, events, delivery backlog and endpoints, counted. */
  async workspaceHealth(workspaceId: string): Promise<WorkspaceHealth> {
    const mailboxes = this.db.collection('mailboxes').where('workspaceId', '==', workspaceId);
    const events = this.db.collectionGroup('events').where('workspaceId', '==', workspaceId);
    const endpoints = this.db.collection('webhookEndpoints').where('workspaceId', '==', workspaceId);
    const [states, totalEvents, pendingFanOut, deliveries, enabled, disabled] = await Promise.all([
      mailboxes.select('status', 'syncState').get(),
      this.count(events),
      this.count(events.where('fanout', '==', 'pending')),
      this.deliveryCounts(this.db.collection('deliveries').where('workspaceId', '==', workspaceId)),
      this.count(endpoints.where('status', '==', 'enabled')),
      this.count(endpoints.where('status', '==', 'disabled')),
    ]);
    const byStatus: Record<string, number> = {};
    const bySyncState: Record<string, number> = {};
    for (const m of states.docs) {
      const status = (m.get('status') as string | undefined) ?? 'active';
      const syncState = (m.get('syncState') as string | undefined) ?? 'initializing';
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      bySyncState[syncState] = (bySyncState[syncState] ?? 0) + 1;
    }
    return {
      mailboxes: { total: states.size, byStatus, bySyncState },
      events: { total: totalEvents, pendingFanOut },
      deliveries,
      endpoints: { enabled, disabled },
    };
  }
}
