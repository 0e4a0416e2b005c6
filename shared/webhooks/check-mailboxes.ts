import { NonRetryableError } from '../core/errors.js';
import type { MailboxReads } from '../read-model/ports.js';

/** The read of mailboxes that checking references to them needs. */
export type MailboxChecks = Pick<MailboxReads, 'unknownMailboxes'>;

/**
 * Throws `NonRetryableError` (`unknown_mailbox`, naming them) when any of `mailboxIds` is not the
 * workspace's; `'all'` and an empty list pass.
 */
export async function assertWorkspaceMailboxes(
  reads: MailboxChecks,
  workspaceId: string,
  mailboxIds: 'all' | string[],
): Promise<void> {
  if (mailboxIds === 'all' || mailboxIds.length === 0) return;
  const unknown = await reads.unknownMailboxes(workspaceId, [...new Set(mailboxIds)]);
  if (unknown.length > 0)
    throw new NonRetryableError(
      `No such mailbox in this workspace: ${unknown.join(', ')}`,
      'unknown_mailbox',
    );
}
