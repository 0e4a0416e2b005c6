/** One event named by an event-id replay, located at creation. */
export interface ReplayEventRef {
  id: string;
  mailboxId: string;
  /** `occurredAt` of the event, epoch ms: what a window is compared with. */
  at: number;
}

/** What a replay re-sends: every event the endpoint takes in `[from, to)`, or exactly the listed events. */
export type ReplaySelector =
  /** `mailboxId`: only that mailbox's events (the seed API's replays are per mailbox); all of them otherwise. */
  | { kind: 'window'; from: number; to: number; mailboxId?: string }
  | { kind: 'events'; events: ReplayEventRef[] };

/** Where dispatch stands: after an event (window order is `occurredAt`, then document path), or a list index. */
export type ReplayCursor = { occurredAt: string; path: string } | { index: number } | null;

/** Re-sending past events to one endpoint, with the original `webhook-id`s. */
export interface Replay {
  id: string;
  workspaceId: string;
  endpointId: string;
  selector: ReplaySelector;
  /**
   * `running` until every selected event has a delivery and every one of those deliveries has settled
   * (delivered or failed), or until cancelled. While it runs, an overlapping replay to the endpoint is refused.
   */
  state: 'running' | 'completed' | 'cancelled';
  /** When every selected event had its delivery (dispatch done); null before. */
  dispatchedAt: number | null;
  cursor: ReplayCursor;
  /** Deliveries created so far. */
  enqueued: number;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  cancelledAt: number | null;
}

/** Whether two replays to one endpoint would send some event twice at once. */
export function replaysOverlap(a: ReplaySelector, b: ReplaySelector): boolean {
  if (a.kind === 'window' && b.kind === 'window')
    return a.from < b.to && b.from < a.to && (!a.mailboxId || !b.mailboxId || a.mailboxId === b.mailboxId);
  if (a.kind === 'events' && b.kind === 'events') {
    const ids = new Set(a.events.map((e) => e.id));
    return b.events.some((e) => ids.has(e.id));
  }
  const [window, list] = a.kind === 'window' ? [a, b] : [b, a];
  if (window.kind !== 'window' || list.kind !== 'events') return false;
  return list.events.some(
    (e) => e.at >= window.from && e.at < window.to && (!window.mailboxId || e.mailboxId === window.mailboxId),
  );
}

/** A replay as the API shows it. */
export function publicReplay(
  replay: Replay,
  progress: { pending: number; delivered: number; failed: number },
) {
  const { selector, cursor: _cursor, ...rest } = replay;
  return {
    ...rest,
    ...(selector.kind === 'window'
      ? {
          from: new Date(selector.from).toISOString(),
          to: new Date(selector.to).toISOString(),
          eventIds: null,
          mailboxId: selector.mailboxId ?? null,
        }
      : { from: null, to: null, eventIds: selector.events.map((e) => e.id), mailboxId: null }),
    progress: {
      total:
        selector.kind === 'events'
          ? selector.events.length
          : replay.dispatchedAt === null && replay.state === 'running'
            ? null
            : replay.enqueued,
      enqueued: replay.enqueued,
      ...progress,
    },
  };
}
