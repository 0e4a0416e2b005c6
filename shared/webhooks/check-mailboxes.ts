import { NonRetryableError } from '../core/errors.js';

/** Answers which of the given mailbox ids are not the workspace's. */
export type UnknownMailboxes = (workspaceId: string, mailboxIds: string[]) => Promise<string[]>;

/**
 * Throws `NonRetryableError` (`unknown_mailbox`, naming them) when any of `mailboxIds` is not the
 * workspace's; `'all'` and an empty list pass.
 */
export async function assertWorkspaceMailboxes(
  unknownMailboxes: UnknownMailboxes,
  workspaceId: string,
  mailboxIds: 'all' | string[],
): Promise<void> {
  if (mailboxIds === 'all' || mailboxIds.length === 0) return;
  const unknown = await unknownMailboxes(workspaceId, [...new Set(mailboxIds)]);
  if (unknown.length > 0)
    throw new NonRetryableError(
      `No such mailbox in this workspace: ${unknown.join(', ')}`,
      'unknown_mailbox',
    );
}
