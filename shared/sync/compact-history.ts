import type { HistoryChange } from './model.js';

/** The net effect of a run of history records on the mirror. */
export interface CompactedHistory {
  /** Messages to re-read from Gmail: their current state is the truth, not the replayed deltas. */
  refetch: string[];
  /** Messages permanently deleted: a delete wins over any other change of the same message. */
  deletes: string[];
}

/** Compacts history changes: each message once, deletes winning, order of first appearance kept. */
export function compactHistory(changes: readonly HistoryChange[]): CompactedHistory {
  const deleted = new Set<string>();
  const order: string[] = [];
  const seen = new Set<string>();
  for (const change of changes) {
    if (!seen.has(change.messageId)) {
      seen.add(change.messageId);
      order.push(change.messageId);
    }
    if (change.kind === 'deleted') deleted.add(change.messageId);
  }
  return { refetch: order.filter((id) => !deleted.has(id)), deletes: order.filter((id) => deleted.has(id)) };
}
