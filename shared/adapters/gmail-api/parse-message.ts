import type { gmail_v1 } from 'googleapis';
import type { AttachmentMeta, MessageMeta } from '../../sync/model.js';

/** Splits an address header on commas outside quotes and angle brackets. */
export function splitAddresses(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (ch === '<' && !quoted) angle += 1;
    else if (ch === '>' && !quoted) angle = Math.max(0, angle - 1);
    if (ch === ',' && !quoted && angle === 0) {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function attachmentsOf(
  part: gmail_v1.Schema$MessagePart | undefined,
  out: AttachmentMeta[] = [],
): AttachmentMeta[] {
  if (!part) return out;
  if (part.filename)
    out.push({
      filename: part.filename,
      mimeType: part.mimeType ?? 'application/octet-stream',
      size: part.body?.size ?? 0,
    });
  for (const child of part.parts ?? []) attachmentsOf(child, out);
  return out;
}

/** Maps a Gmail `messages.get` resource to the mirrored metadata (no bodies). */
export function toMessageMeta(m: gmail_v1.Schema$Message): MessageMeta {
  const headers = new Map(
    (m.payload?.headers ?? []).map((h) => [(h.name ?? '').toLowerCase(), h.value ?? '']),
  );
  return {
    id: m.id!,
    threadId: m.threadId!,
    labelIds: m.labelIds ?? [],
    subject: headers.get('subject') ?? '',
    from: headers.get('from') ?? '',
    to: splitAddresses(headers.get('to')),
    cc: splitAddresses(headers.get('cc')),
    snippet: m.snippet ?? '',
    receivedAt: Number(m.internalDate ?? 0),
    sizeEstimate: m.sizeEstimate ?? 0,
    attachments: attachmentsOf(m.payload),
  };
}

/** Flattens history records into the changes sync needs. */
export function toHistoryChanges(records: gmail_v1.Schema$History[]) {
  const changes: { messageId: string; threadId: string; kind: 'added' | 'deleted' | 'labels' }[] = [];
  for (const r of records) {
    for (const a of r.messagesAdded ?? [])
      changes.push({ messageId: a.message!.id!, threadId: a.message!.threadId!, kind: 'added' });
    for (const l of [...(r.labelsAdded ?? []), ...(r.labelsRemoved ?? [])]) {
      changes.push({ messageId: l.message!.id!, threadId: l.message!.threadId!, kind: 'labels' });
    }
    for (const d of r.messagesDeleted ?? [])
      changes.push({ messageId: d.message!.id!, threadId: d.message!.threadId!, kind: 'deleted' });
  }
  return changes;
}
