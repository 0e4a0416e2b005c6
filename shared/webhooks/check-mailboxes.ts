import { NonRetryableError } from '../core/errors.js';

/** The read side of mailboxes, as checking references to them needs it. */
export interface MailboxReads {
  /** The given mailbox ids that are not the workspace's. */
  unknownMailboxes(workspaceId: string, mailboxIds: string[]): Promise<string[]>;
}

/**
 * Throws `NonRetryableError` (`unknown_mailbox`, naming them) when any of `mailboxIds` is not the
 * workspace's; `'all'` and an empty list pass.
 */
export async function assertWorkspaceMailboxes(
  reads: MailboxReads,
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
