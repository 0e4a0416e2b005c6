import type { Clock } from '../../core/clock.js';
import type { Replay } from './model.js';
import type { ReplayStore } from './ports.js';

/**
 * Cancels a running replay of the workspace (still dispatching, or dispatched with deliveries still
 * pending): dispatch stops, the endpoint is free for overlapping replays, and its deliveries still pending fail with
 * reason `replay_cancelled` (an attempt in flight then records nothing, its delivery no longer pending).
 * Cancelling a finished or cancelled replay changes nothing. Undefined when the replay is not the workspace's.
 */
export async function cancelReplay(
  deps: { replays: ReplayStore; clock: Clock },
  workspaceId: string,
  id: string,
): Promise<Replay | undefined> {
  const replay = await deps.replays.cancel(workspaceId, id, deps.clock.now());
  if (replay?.state === 'cancelled') await deps.replays.failPending(replay.id, deps.clock.now());
  return replay;
}
