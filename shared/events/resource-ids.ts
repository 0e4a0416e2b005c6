/**
 * Mailmon's own ids of mirrored messages and threads: `msg_…` and `thr_…` followed by the base64url encoding of
 * `<mailboxId>/<Gmail id>`. Unique across mailboxes (a Gmail id is unique only within its mailbox), stable,
 * opaque to clients, and read back into their parts without a lookup whatever characters the parts hold.
 */
function encode(kind: 'msg' | 'thr', mailboxId: string, providerId: string): string {
  return `${kind}_${Buffer.from(`${mailboxId}/${providerId}`).toString('base64url')}`;
}

/** Mailmon's id of a message (see the module). */
export function messageResourceId(mailboxId: string, gmailMessageId: string): string {
  return encode('msg', mailboxId, gmailMessageId);
}

/** Mailmon's id of a thread (see the module). */
export function threadResourceId(mailboxId: string, gmailThreadId: string): string {
  return encode('thr', mailboxId, gmailThreadId);
}

/** The mailbox and Gmail id a resource id names, or undefined for an id of another kind or shape. */
export function parseResourceId(
  kind: 'msg' | 'thr',
  id: string,
): { mailboxId: string; providerId: string } | undefined {
  if (!id.startsWith(`${kind}_`) || !/^[A-Za-z0-9_-]+$/.test(id.slice(kind.length + 1))) return undefined;
  const decoded = Buffer.from(id.slice(kind.length + 1), 'base64url').toString('utf8');
  const cut = decoded.indexOf('/');
  if (cut <= 0 || cut === decoded.length - 1) return undefined;
  const parts = { mailboxId: decoded.slice(0, cut), providerId: decoded.slice(cut + 1) };
  // only what this module writes reads back: anything else is not one of its ids
  return encode(kind, parts.mailboxId, parts.providerId) === id ? parts : undefined;
}
