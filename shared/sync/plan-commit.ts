import { createHash } from 'node:crypto';
import { deterministicId } from '../core/ids.js';
import type { EventType, PendingEvent } from '../events/event.js';
import { canonicalLabels, type MessageMeta, type ThreadState } from './model.js';

/** What the mirror keeps of each message of a thread, so thread state is derived without reading messages. */
export interface ThreadMember {
  labelIds: string[];
  receivedAt: number;
  subject: string;
  snippet: string;
}

/** A stored thread: its derived state plus the members it was derived from. */
export interface ThreadDoc extends ThreadState {
  members: Record<string, ThreadMember>;
}

/** A stored message: the metadata plus the full-sync generation that last saw it. */
export interface MessageDoc extends MessageMeta {
  generation: number;
}

/** The change set one commit applies. */
export interface ChangeSet {
  /** Current metadata fetched from Gmail. */
  upserts: MessageMeta[];
  /** Ids gone from Gmail (deleted, or 404 on fetch). */
  deletes: string[];
  /** Full-sync generation to stamp on every upserted message (0 outside full syncs). */
  generation: number;
}

/** Everything the commit must write, computed purely from prior state and the change set. */
export interface CommitPlan {
  messageSets: MessageDoc[];
  /** Unchanged messages that only need the generation stamp. */
  messageStamps: { id: string; generation: number }[];
  messageDeletes: string[];
  threadSets: ThreadDoc[];
  threadDeletes: string[];
  events: PendingEvent[];
}

/** Identity of the mailbox the events belong to, and where in Gmail's history the change starts. */
export interface PlanContext {
  mailboxId: string;
  workspaceId: string;
  tenantExternalId: string;
  /** The committed cursor (or full-sync start) this change set was read from: part of every event id. */
  fromPosition: string;
  occurredAt: string;
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 16);
}

/** Event data of a message: ids, headers, labels, size and attachment metadata. */
export function messageData(m: MessageMeta): Record<string, unknown> {
  return {
    messageId: m.id,
    threadId: m.threadId,
    subject: m.subject,
    from: m.from,
    to: m.to,
    cc: m.cc,
    snippet: m.snippet,
    receivedAt: new Date(m.receivedAt).toISOString(),
    labelIds: m.labelIds,
    sizeEstimate: m.sizeEstimate,
    attachments: m.attachments,
  };
}

function threadData(t: ThreadState): Record<string, unknown> {
  return {
    threadId: t.id,
    messageIds: t.messageIds,
    messageCount: t.messageCount,
    labelIds: t.labelIds,
    subject: t.subject,
    snippet: t.snippet,
    lastMessageAt: new Date(t.lastMessageAt).toISOString(),
  };
}

/** Derives a thread's state from its members: oldest message gives the subject, newest the snippet. */
export function deriveThread(id: string, members: Record<string, ThreadMember>): ThreadDoc | undefined {
  const entries = Object.entries(members).sort(
    ([a, x], [b, y]) => x.receivedAt - y.receivedAt || a.localeCompare(b),
  );
  if (entries.length === 0) return undefined;
  const first = entries[0]![1];
  const last = entries[entries.length - 1]![1];
  return {
    id,
    members,
    messageIds: entries.map(([mid]) => mid),
    labelIds: canonicalLabels(entries.flatMap(([, m]) => m.labelIds)),
    messageCount: entries.length,
    subject: first.subject,
    snippet: last.snippet,
    lastMessageAt: last.receivedAt,
  };
}

function comparable(m: MessageMeta): MessageMeta {
  return {
    id: m.id,
    threadId: m.threadId,
    labelIds: canonicalLabels(m.labelIds),
    subject: m.subject,
    from: m.from,
    to: m.to,
    cc: m.cc,
    snippet: m.snippet,
    receivedAt: m.receivedAt,
    sizeEstimate: m.sizeEstimate,
    attachments: m.attachments,
  };
}

function sameMessage(a: MessageMeta, b: MessageMeta): boolean {
  return digest(comparable(a)) === digest(comparable(b));
}

function threadView(t: ThreadDoc): ThreadState {
  const { members: _members, ...state } = t;
  return state;
}

/**
 * Plans one commit: which documents to write and which events describe the change. Pure and
 * deterministic — the same prior state and change set always give the same plan and the same event ids,
 * so a retried commit cannot emit an event twice with different content. A delete wins over an upsert of
 * the same id. Unchanged messages emit nothing.
 */
export function planCommit(
  ctx: PlanContext,
  prior: { messages: Map<string, MessageDoc>; threads: Map<string, ThreadDoc> },
  changes: ChangeSet,
): CommitPlan {
  const plan: CommitPlan = {
    messageSets: [],
    messageStamps: [],
    messageDeletes: [],
    threadSets: [],
    threadDeletes: [],
    events: [],
  };
  const event = (type: EventType, objectId: string, data: Record<string, unknown>) => {
    plan.events.push({
      id: deterministicId('evt', ctx.mailboxId, type, objectId, ctx.fromPosition, digest(data)),
      type,
      schemaVersion: 1,
      occurredAt: ctx.occurredAt,
      workspaceId: ctx.workspaceId,
      tenantExternalId: ctx.tenantExternalId,
      mailboxId: ctx.mailboxId,
      data,
    });
  };
  const threads = new Map<string, ThreadDoc | undefined>();
  const touched = new Set<string>();
  const threadOf = (id: string) => {
    if (!threads.has(id)) threads.set(id, prior.threads.get(id));
    return threads.get(id);
  };
  const setMember = (threadId: string, messageId: string, member: ThreadMember | undefined) => {
    const current = threadOf(threadId);
    const members = { ...(current?.members ?? {}) };
    if (member) members[messageId] = member;
    else delete members[messageId];
    threads.set(threadId, deriveThread(threadId, members));
    touched.add(threadId);
  };

  const deletes = new Set(changes.deletes);
  const seen = new Set<string>();
  for (const raw of changes.upserts) {
    if (deletes.has(raw.id) || seen.has(raw.id)) continue;
    seen.add(raw.id);
    const next: MessageMeta = { ...raw, labelIds: canonicalLabels(raw.labelIds) };
    const before = prior.messages.get(next.id);
    if (before && sameMessage(before, next)) {
      if (before.generation !== changes.generation)
        plan.messageStamps.push({ id: next.id, generation: changes.generation });
      continue;
    }
    plan.messageSets.push({ ...comparable(next), generation: changes.generation });
    if (before && before.threadId !== next.threadId) setMember(before.threadId, next.id, undefined);
    setMember(next.threadId, next.id, {
      labelIds: next.labelIds,
      receivedAt: next.receivedAt,
      subject: next.subject,
      snippet: next.snippet,
    });
    event(before ? 'message.updated' : 'message.created', next.id, {
      ...messageData(next),
      ...(before ? { previousLabelIds: before.labelIds } : {}),
    });
  }
  for (const id of [...deletes].sort()) {
    const before = prior.messages.get(id);
    if (!before) continue;
    plan.messageDeletes.push(id);
    setMember(before.threadId, id, undefined);
    event('message.deleted', id, { messageId: id, threadId: before.threadId, labelIds: before.labelIds });
  }
  for (const threadId of [...touched].sort()) {
    const before = prior.threads.get(threadId);
    const after = threads.get(threadId);
    if (!after) {
      if (before) {
        plan.threadDeletes.push(threadId);
        event('thread.deleted', threadId, { threadId });
      }
      continue;
    }
    plan.threadSets.push(after);
    const view = threadView(after);
    if (!before) event('thread.created', threadId, threadData(view));
    else if (digest(threadView(before)) !== digest(view)) event('thread.updated', threadId, threadData(view));
  }
  return plan;
}
