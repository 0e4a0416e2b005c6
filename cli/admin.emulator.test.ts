import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../emulators/stack.js';
import { emulatorHosts, newProjectId } from '../emulators/testing/index.js';
import type { DevState } from './target.js';
import { runCli } from './testing/run-cli.js';

describe('mailmon admin against the local stack', () => {
  let stack: LocalStack;
  let cwd: string;

  beforeAll(async () => {
    const hosts = emulatorHosts();
    const projectId = newProjectId('cli-admin');
    stack = await startLocalStack({ ...hosts, projectId, logWrite: () => {} });
    cwd = mkdtempSync(join(tmpdir(), 'mailmon-cli-'));
    mkdirSync(join(cwd, '.mailmon'));
    const dev: DevState = {
      apiUrl: stack.apiUrl,
      apiKey: 'unused',
      workspaceId: 'unused',
      functionsUrl: stack.functionsUrl,
      firestoreHost: hosts.firestoreHost,
      pubsubHost: hosts.pubsubHost,
      projectId,
    };
    writeFileSync(join(cwd, '.mailmon', 'dev.json'), JSON.stringify(dev));
  });
  afterAll(async () => {
    await stack?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  const cli = (...argv: string[]) => runCli(cwd, ...argv);

  it('creates a workspace and a key that works on the API until it is revoked', async () => {
    const created = await cli('admin', 'workspace', 'create', '--name', 'Acme', '--json');
    expect(created.code).toBe(0);
    const workspace = JSON.parse(created.stdout);
    expect(workspace).toMatchObject({ name: 'Acme', id: expect.stringMatching(/^ws_/) });

    const listed = JSON.parse((await cli('admin', 'workspace', 'list', '--json')).stdout);
    expect(listed.data.map((w: { id: string }) => w.id)).toContain(workspace.id);

    const made = await cli(
      'admin',
      'keys',
      'create',
      '--workspace-id',
      workspace.id,
      '--label',
      'ops',
      '--json',
    );
    expect(made.code).toBe(0);
    const key = JSON.parse(made.stdout);
    // the same body POST /v1/api-keys answers
    const viaApi = await fetch(`${stack.apiUrl}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'second' }),
    });
    expect(viaApi.status).toBe(201);
    expect(Object.keys(key).sort()).toEqual(Object.keys(await viaApi.json()).sort());
    expect(key).toMatchObject({ workspaceId: workspace.id, label: 'ops', revokedAt: null });

    const mailboxes = await fetch(`${stack.apiUrl}/v1/mailboxes`, {
      headers: { authorization: `Bearer ${key.apiKey}` },
    });
    expect(mailboxes.status).toBe(200);

    const keys = JSON.parse(
      (await cli('admin', 'keys', 'list', '--workspace-id', workspace.id, '--json')).stdout,
    );
    expect(keys.data.map((k: { label: string }) => k.label).sort()).toEqual(['ops', 'second']);
    expect(JSON.stringify(keys)).not.toContain(key.apiKey);

    expect((await cli('admin', 'keys', 'revoke', key.keyId, '--workspace-id', workspace.id)).code).toBe(0);
    const refused = await fetch(`${stack.apiUrl}/v1/mailboxes`, {
      headers: { authorization: `Bearer ${key.apiKey}` },
    });
    expect(refused.status).toBe(401);
  });

  it('refuses a key for a workspace that does not exist, and writes nothing', async () => {
    const run = await cli('admin', 'keys', 'create', '--workspace-id', 'ws_nope');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No workspace ws_nope');
    const keys = await stack.runtime.db.collection('apiKeys').where('workspaceId', '==', 'ws_nope').get();
    expect(keys.size).toBe(0);
  });
});
