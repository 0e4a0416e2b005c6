import * as v from 'valibot';
import type { MailboxView } from '../../../shared/read-model/ports.js';
import { ErrorDetail, errorDetail, IsoTime, iso, NullableIsoTime } from '../http/views.js';

const DAY = 24 * 60 * 60 * 1000;

/** A mailbox's status: the seed's values, and `deleting` while a deletion erases it. */
export const MailboxStatus = v.picklist(['active', 'reconnect_required', 'disabled', 'deleting']);
/** How a mailbox's sync is doing. */
export const SyncState = v.picklist(['initializing', 'healthy', 'lagging', 'failed']);
/** The state of a mailbox's Gmail watch. */
export const WatchState = v.pipe(
  v.picklist(['active', 'expiring', 'expired', 'unhealthy']),
  v.description('active; expiring (within a day, renewed daily); expired; unhealthy (none started)'),
);

/** A mailbox as the API shows it: identity, status and sync health, never credentials or checkpoints. */
export const Mailbox = v.pipe(
  v.object({
    id: v.string(),
    object: v.literal('mailbox'),
    provider: v.literal('gmail'),
    workspaceId: v.string(),
    tenantExternalId: v.string(),
    mailboxExternalId: v.string(),
    emailAddress: v.string(),
    status: MailboxStatus,
    syncState: SyncState,
    watchState: WatchState,
    watchExpiresAt: NullableIsoTime,
    initializedAt: v.pipe(NullableIsoTime, v.description('when its first full sync finished')),
    lastSuccessfulSyncAt: NullableIsoTime,
    lastError: v.nullable(ErrorDetail),
    cursor: v.nullable(v.string()),
    createdAt: IsoTime,
  }),
  v.title('Mailbox'),
);

/** The watch as the API shows it, from what is stored and the time now. */
export function watchStateOf(m: Pick<MailboxView, 'watchState' | 'watchExpiresAt'>, now: number) {
  if (m.watchState === 'stopping') return 'expired' as const;
  if (m.watchState !== 'active' || m.watchExpiresAt === null) return 'unhealthy' as const;
  if (m.watchExpiresAt <= now) return 'expired' as const;
  return m.watchExpiresAt - now <= DAY ? ('expiring' as const) : ('active' as const);
}

/** Whether work that failed with `code` is retried by Mailmon itself; a revoked grant waits for its owner. */
export function retriedByItself(code: string): boolean {
  return code !== 'reconnect_required' && code !== 'mailbox_mismatch';
}

/** A stored mailbox as a {@link Mailbox}. */
export function mailboxView(m: MailboxView, now: number): v.InferOutput<typeof Mailbox> {
  return {
    id: m.id,
    object: 'mailbox',
    provider: 'gmail',
    workspaceId: m.workspaceId,
    tenantExternalId: m.tenantExternalId,
    mailboxExternalId: m.mailboxExternalId,
    emailAddress: m.emailAddress,
    status: m.status as v.InferOutput<typeof Mailbox>['status'],
    syncState: m.syncState as v.InferOutput<typeof Mailbox>['syncState'],
    watchState: watchStateOf(m, now),
    watchExpiresAt: iso(m.watchExpiresAt),
    initializedAt: iso(m.initializedAt),
    lastSuccessfulSyncAt: iso(m.lastSuccessfulSyncAt),
    lastError: errorDetail(m.lastError as Parameters<typeof errorDetail>[0], retriedByItself),
    cursor: m.cursor,
    createdAt: iso(m.createdAt),
  };
}
