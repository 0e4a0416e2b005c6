import type { Clock } from '../core/clock.js';
import { ReconnectRequiredError } from '../core/errors.js';
import type { CredentialBox } from '../secrets/credentials.js';
import type { GmailRelease, MailboxDeletionStore } from './ports.js';

/** What deleting a mailbox needs. */
export interface DeleteMailboxDeps {
  mailboxDeletion: MailboxDeletionStore;
  gmailRelease: GmailRelease;
  box: Pick<CredentialBox, 'openRefreshToken'>;
  clock: Clock;
}

/** How far one call got. */
export type DeleteMailboxResult =
  | { outcome: 'not_found' }
  /** Everything is gone: watch stopped, token revoked, data purged, mailbox document deleted. */
  | { outcome: 'deleted'; purged: number }
  /** The mailbox is `deleting` and more data remains; the `prune` control job finishes it. */
  | { outcome: 'in_progress'; purged: number };

/**
 * Deletes a mailbox of a workspace: marks it `deleting` (no sync commits after that), stops its Gmail
 * watch, revokes its refresh token, purges its mirror, events, sync runs and deliveries, and finally
 * deletes the credential and the mailbox. When another mailbox mirrors the same Gmail address, the watch
 * and the grant are shared with it and left alone; only this mailbox's credential is deleted. Every step is idempotent, so a crash at any point is finished
 * by calling again (the `prune` job does so for every mailbox left `deleting`). A grant already revoked
 * or a token Google no longer knows does not stop the deletion; any other Gmail failure is thrown and
 * the mailbox stays `deleting` until a later call succeeds. At most `maxDocuments` documents are purged
 * per call.
 */
export async function deleteMailbox(
  deps: DeleteMailboxDeps,
  target: { workspaceId: string; mailboxId: string },
  options: { maxDocuments?: number; batch?: number } = {},
): Promise<DeleteMailboxResult> {
  const marked = await deps.mailboxDeletion.markDeleting(
    target.workspaceId,
    target.mailboxId,
    deps.clock.now(),
  );
  if (!marked.found) return { outcome: 'not_found' };
  if (marked.credential && !marked.addressShared) {
    const token = await deps.box.openRefreshToken(target.mailboxId, marked.credential);
    await ignoringRevokedGrant(() => deps.gmailRelease.stopWatch(token));
    await ignoringRevokedGrant(() => deps.gmailRelease.revokeToken(token));
  }
  const max = options.maxDocuments ?? 5000;
  const batch = options.batch ?? 400;
  let purged = 0;
  while (purged < max) {
    const n = await deps.mailboxDeletion.purgeBatch(target.mailboxId, Math.min(batch, max - purged));
    purged += n;
    if (n === 0) {
      await deps.mailboxDeletion.finish(target.mailboxId);
      return { outcome: 'deleted', purged };
    }
  }
  return { outcome: 'in_progress', purged };
}

/** Finishes deletions left `deleting`; answers how many it examined and completed. */
export async function resumeMailboxDeletions(
  deps: DeleteMailboxDeps,
  limit = 20,
): Promise<{ examined: number; deleted: number; failed: number }> {
  const rows = await deps.mailboxDeletion.unfinished(limit);
  let deleted = 0;
  let failed = 0;
  for (const row of rows) {
    try {
      if ((await deleteMailbox(deps, row)).outcome === 'deleted') deleted += 1;
    } catch {
      failed += 1;
    }
  }
  return { examined: rows.length, deleted, failed };
}

async function ignoringRevokedGrant(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    // a grant the user already revoked leaves nothing to stop or revoke
    if (!(error instanceof ReconnectRequiredError)) throw error;
  }
}
