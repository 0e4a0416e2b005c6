import type { Clock } from '../core/clock.js';
import { NonRetryableError } from '../core/errors.js';
import type { Ids } from '../core/ids.js';
import type { Workspace, WorkspaceStore } from './ports.js';

/** Creates a workspace named `name` (1–100 characters after trimming) with a new `ws_…` id. */
export async function createWorkspace(
  deps: { workspaces: WorkspaceStore; clock: Clock; ids: Ids },
  name: string,
): Promise<Workspace> {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 100)
    throw new NonRetryableError('A workspace name has 1 to 100 characters.', 'invalid_name');
  const workspace: Workspace = { id: deps.ids.random('ws'), name: trimmed, createdAt: deps.clock.now() };
  await deps.workspaces.createWorkspace(workspace);
  return workspace;
}
