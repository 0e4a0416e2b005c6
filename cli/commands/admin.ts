import type { Command } from 'commander';
import { FirestoreWorkspaceStore } from '../../shared/adapters/firestore/firestore-workspace-store.js';
import { systemClock } from '../../shared/core/clock.js';
import { randomIds } from '../../shared/core/ids.js';
import { apiKeyView, createdApiKeyView, issueApiKey } from '../../shared/workspaces/api-keys.js';
import { createWorkspace } from '../../shared/workspaces/create-workspace.js';
import type { Runner } from '../context.js';
import { CliError } from '../io.js';
import { firestoreOf, type OperatorTarget } from '../target.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** `admin workspace create|list` and `admin keys create|list|revoke`: Firestore, with the operator's rights. */
export function adminCommands(program: Command, run: Runner): void {
  const admin = program.command('admin').description('operator commands: workspaces and their API keys');
  const stores = (target: OperatorTarget) => ({
    workspaces: new FirestoreWorkspaceStore(firestoreOf(target)),
    clock: systemClock,
    ids: randomIds,
  });

  const workspace = admin.command('workspace').description('workspaces');
  run(
    workspace
      .command('create')
      .description('create a workspace')
      .option('--name <name>', 'its name', 'Default workspace'),
    async ({ operator, options: o }) => {
      const target = operator();
      const options = o as Record<string, string>;
      const created = await createWorkspace(stores(target), options.name!);
      return { json: created, text: [`created workspace ${created.id} (${created.name})`] };
    },
  );
  run(workspace.command('list').description('list every workspace'), async ({ operator }) => {
    const target = operator();
    const list = await stores(target).workspaces.listWorkspaces();
    return {
      json: { data: list },
      text:
        list.length === 0 ? ['no workspaces'] : list.map((w) => `${w.id}  ${iso(w.createdAt)}  ${w.name}`),
    };
  });

  const keys = admin.command('keys').description('API keys of a workspace');
  const workspaceOf = async (target: OperatorTarget, id: string) => {
    if (!(await stores(target).workspaces.getWorkspace(id))) throw new CliError(`No workspace ${id}.`);
    return id;
  };
  run(
    keys
      .command('create')
      .description('create an API key (shown once)')
      .requiredOption('--workspace-id <id>', 'the workspace')
      .option('--label <label>', 'what the key is for', 'cli'),
    async ({ operator, options: o }) => {
      const target = operator();
      const options = o as Record<string, string>;
      const deps = stores(target);
      const issued = await issueApiKey(deps, await workspaceOf(target, options.workspaceId!), options.label!);
      return {
        json: createdApiKeyView(issued),
        text: [
          `API key (shown once): ${issued.apiKey}`,
          `key id ${issued.record.keyId}, label ${issued.record.label}`,
        ],
      };
    },
  );
  run(
    keys
      .command('list')
      .description('list a workspace’s keys')
      .requiredOption('--workspace-id <id>', 'the workspace'),
    async ({ operator, options: o }) => {
      const target = operator();
      const options = o as Record<string, string>;
      const list = await stores(target).workspaces.listApiKeys(
        await workspaceOf(target, options.workspaceId!),
      );
      return {
        json: { object: 'list', data: list.map(apiKeyView), nextCursor: null },
        text:
          list.length === 0
            ? ['no keys']
            : list.map(
                (k) =>
                  `${k.keyId}  ${k.prefix}…  ${k.label}  created ${iso(k.createdAt)}  used ${iso(k.lastUsedAt)}${k.revokedAt === null ? '' : `  revoked ${iso(k.revokedAt)}`}`,
              ),
      };
    },
  );
  run(
    keys
      .command('revoke')
      .description('revoke a key; it stops working at once')
      .argument('<keyId>', 'the key id (mm_live_<keyId>_…)')
      .requiredOption('--workspace-id <id>', 'the workspace'),
    async ({ operator, options: o }) => {
      const target = operator();
      const options = o as Record<string, string>;
      const revoked = await stores(target).workspaces.revokeApiKey(
        options.workspaceId!,
        options.keyId!,
        systemClock.now(),
      );
      if (!revoked) throw new CliError(`No key ${options.keyId} in workspace ${options.workspaceId}.`);
      return { json: { keyId: options.keyId, revoked: true }, text: [`revoked ${options.keyId}`] };
    },
  );
}
