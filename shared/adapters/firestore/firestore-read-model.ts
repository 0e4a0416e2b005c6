import type { Firestore, Query } from '@google-cloud/firestore';
import type { EventType, MailmonEvent } from '../../events/event.js';
import type { EventFeedPage } from '../../events/event-feed.js';
import type { MailboxView, Page, ReadModel, StoredRecord } from '../../read-model/ports.js';
import { eventOf } from './event-documents.js';
import { inCollection, pageByPosition, pageNewestFirst } from './page-newest-first.js';

function view(id: string, d: FirebaseFirestore.DocumentData): MailboxView {
  return {
    id,
    workspaceId: d.workspaceId,
    tenantExternalId: d.tenantExternalId,
    mailboxExternalId: d.mailboxExternalId,
    emailAddress: d.emailAddress,
    status: d.status ?? 'active',
    syncState: d.syncState ?? 'initializing',
    watchState: d.watchState ?? 'none',
    watchExpiresAt: d.watchExpiresAt ?? null,
    cursor: d.cursor ?? null,
    lastSuccessfulSyncAt: d.lastSuccessfulSyncAt ?? null,
    initializedAt: d.initializedAt ?? null,
    lastError: d.lastError ?? null,
    createdAt: d.createdAt ?? 0,
  };
}

/** A mirrored message or thread as stored (sync bookkeeping stripped), with its mailbox named. */
function mirrorView(mailboxId: string, d: FirebaseFirestore.DocumentData): StoredRecord {
  const { generation: _g, workspaceId: _w, ...rest } = d;
  return { ...rest, mailboxId };
}

/** The {@link ReadModel} on Firestore; every read checks the workspace, so ids never leak across tenants. */
export class FirestoreReadModel implements ReadModel {
  constructor(private readonly db: Firestore) {}

  async getMailbox(workspaceId: string, id: string): Promise<MailboxView | undefined> {
    const snap = await this.db.collection('mailboxes').doc(id).get();
    return snap.exists && snap.get('workspaceId') === workspaceId ? view(snap.id, snap.data()!) : undefined;
  }

  /** The given mailbox ids that are not the workspace's. */
  async unknownMailboxes(workspaceId: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const snaps = await this.db.getAll(...ids.map((id) => this.db.collection('mailboxes').doc(id)));
    return ids.filter((_, i) => snaps[i]?.get('workspaceId') !== workspaceId);
  }

  /** Newest first; `after` is the previous page's cursor. */
  async listMailboxes(workspaceId: string, limit: number, after?: string): Promise<Page<MailboxView>> {
    const page = await pageNewestFirst(
      this.db,
      this.db.collection('mailboxes').where('workspaceId', '==', workspaceId),
      { field: 'createdAt', limit, after, belongs: inCollection('mailboxes') },
    );
    return { data: page.docs.map((d) => view(d.id, d.data())), next: page.next };
  }

  /** A mailbox's events in `seq` order after `afterSeq`. */
  async listEvents(
    workspaceId: string,
    mailboxId: string,
    afterSeq: number,
    limit: number,
  ): Promise<MailmonEvent[] | undefined> {
    if (!(await this.getMailbox(workspaceId, mailboxId))) return undefined;
    const snap = await this.db
      .collection('mailboxes')
      .doc(mailboxId)
      .collection('events')
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .get();
    return snap.docs.map((d) => eventOf(d.data()));
  }

  /**
   * The workspace's event feed: every event of every mailbox (or of `mailboxId`, of the types given) in feed
   * order (`feedSeq`, given by `indexFeed`: consecutive, and made visible batch after batch, so a reader always
   * sees a gap-free prefix), so resuming from `position` misses nothing. `position` is the cursor after the
   * last event returned (the `after` given when there is none). Undefined when the mailbox is not the
   * workspace's.
   */
  async eventFeed(
    workspaceId: string,
    filter: { mailboxId?: string; types?: EventType[] },
    limit: number,
    after?: string,
  ): Promise<EventFeedPage | undefined> {
    if (filter.mailboxId && !(await this.getMailbox(workspaceId, filter.mailboxId))) return undefined;
    let query: Query = this.db.collectionGroup('events').where('workspaceId', '==', workspaceId);
    if (filter.mailboxId) query = query.where('mailboxId', '==', filter.mailboxId);
    if (filter.types && filter.types.length > 0) query = query.where('type', 'in', filter.types);
    const mailbox = filter.mailboxId;
    const page = await pageByPosition(this.db, query, {
      fields: ['feedSeq'],
      direction: 'asc',
      limit,
      after,
      belongs: (path) => {
        const parts = path.split('/');
        return (
          parts.length === 4 &&
          parts[0] === 'mailboxes' &&
          parts[2] === 'events' &&
          (!mailbox || parts[1] === mailbox)
        );
      },
    });
    return {
      data: page.docs.map((d) => eventOf(d.data())),
      position: page.last ?? after ?? null,
      more: page.next !== null,
    };
  }

  async feedEnd(workspaceId: string): Promise<string | null> {
    const page = await pageByPosition(
      this.db,
      this.db.collectionGroup('events').where('workspaceId', '==', workspaceId),
      {
        fields: ['feedSeq'],
        direction: 'desc',
        limit: 1,
        belongs: () => true,
      },
    );
    // the newest event's position, read backwards, is the same position a forward reader resumes after
    return page.last;
  }

  /**
   * Mirrored messages or threads, newest first, of one mailbox or (without `mailboxId`) of every mailbox
   * of the workspace, optionally with a label and received since a time. `after` is the opaque cursor of
   * the previous page. Undefined when the mailbox is not the workspace's.
   */
  async listMirror(
    workspaceId: string,
    kind: 'messages' | 'threads',
    filter: { mailboxId?: string; labelId?: string; since?: number },
    limit: number,
    after?: string,
  ): Promise<Page<StoredRecord> | undefined> {
    if (filter.mailboxId && !(await this.getMailbox(workspaceId, filter.mailboxId))) return undefined;
    const dateField = kind === 'messages' ? 'receivedAt' : 'lastMessageAt';
    let query: Query = filter.mailboxId
      ? this.db.collection('mailboxes').doc(filter.mailboxId).collection(kind)
      : this.db.collectionGroup(kind).where('workspaceId', '==', workspaceId);
    if (filter.labelId) query = query.where('labelIds', 'array-contains', filter.labelId);
    if (filter.since !== undefined) query = query.where(dateField, '>=', filter.since);
    const page = await pageNewestFirst(this.db, query, {
      field: dateField,
      limit,
      after,
      // a position in one mailbox, or (workspace-wide) in any mailbox's mirror of this kind
      belongs: filter.mailboxId
        ? inCollection(`mailboxes/${filter.mailboxId}/${kind}`)
        : (path) => new RegExp(`^mailboxes/[^/]+/${kind}/[^/]+$`).test(path),
    });
    return {
      data: page.docs.map((d) => mirrorView(d.ref.parent.parent!.id, d.data())),
      next: page.next,
    };
  }

  /** A mailbox's sync runs, newest first; `after` is the previous page's cursor. */
  async listSyncRuns(
    workspaceId: string,
    mailboxId: string,
    limit: number,
    after?: string,
  ): Promise<Page<StoredRecord> | undefined> {
    if (!(await this.getMailbox(workspaceId, mailboxId))) return undefined;
    const runs = this.db.collection('mailboxes').doc(mailboxId).collection('syncRuns');
    const page = await pageNewestFirst(this.db, runs, {
      field: 'startedAt',
      limit,
      after,
      belongs: inCollection(runs.path),
    });
    return {
      data: page.docs.map((d) => {
        const { expireAt: _ttl, ...run } = d.data();
        return run;
      }),
      next: page.next,
    };
  }

  async getMirrored(
    workspaceId: string,
    kind: 'messages' | 'threads',
    mailboxId: string,
    id: string,
  ): Promise<StoredRecord | undefined> {
    if (!(await this.getMailbox(workspaceId, mailboxId))) return undefined;
    const snap = await this.db.collection('mailboxes').doc(mailboxId).collection(kind).doc(id).get();
    if (!snap.exists) return undefined;
    return mirrorView(mailboxId, snap.data()!);
  }
}
