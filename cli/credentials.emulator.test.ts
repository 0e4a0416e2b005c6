import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDemoMailbox } from '../emulators/connect-demo-mailbox.js';
import { startLocalStack } from '../emulators/stack.js';
import { eventually } from '../emulators/testing/eventually.js';
import { emulatorHosts, newProjectId } from '../emulators/testing/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../emulators/testing/webhook-receiver.js';
import { MailmonClient, verifyWebhook } from '../sdk/src/index.js';
import { localKeyId } from '../shared/runtime/composition-root.js';
import { issueApiKey } from '../shared/workspaces/api-keys.js';
import type { DevState } from './target.js';
import { startCli } from './testing/run-cli.js';

describe('mailmon gmail-credentials on the local stack', () => {
  const hosts = emulatorHosts();
  const projectId = newProjectId('cli-rewrap');
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  let cwd: string;
  let receiver: WebhookReceiver;
  let apiKey: string;
  let endpoint: { id: string; secret: string };
  const cli = (env: Record<string, string>, ...argv: string[]) => startCli(cwd, argv, undefined, env).done;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // the stack under the old key: a connected mailbox, and an endpoint that receives its events
    const before = await startLocalStack({ ...hosts, projectId, localKek: oldKey, logWrite: () => {} });
    const { workspaces, clock } = before.runtime;
    await workspaces.createWorkspace({ id: 'ws_rewrap', name: 'Rewrap', createdAt: clock.now() });
    ({ apiKey } = await issueApiKey({ workspaces, clock }, 'ws_rewrap', 'rewrap'));
    const api = new MailmonClient({ baseUrl: before.apiUrl, apiKey });
    endpoint = await api.createWebhookEndpoint({ url: receiver.url, eventTypes: ['message.created'] });
    for (const user of ['one@example.com', 'two@example.com']) {
      await before.gmail.admin.createUser(user);
      await before.gmail.admin.seed(user, { count: 3 });
      await connectDemoMailbox({
        apiUrl: before.apiUrl,
        apiKey,
        account: user,
        tenantExternalId: 't',
        mailboxExternalId: user,
      });
    }
    await eventually(
      async () => (receiver.received.length >= 6 ? true : undefined),
      60_000,
      'the first deliveries',
    );
    for (const r of receiver.received) verifyWebhook(r.body, r.headers, endpoint.secret);
    await before.stop();
    cwd = mkdtempSync(join(tmpdir(), 'mailmon-rewrap-'));
    mkdirSync(join(cwd, '.mailmon'));
    const dev: DevState = {
      ...hosts,
      apiUrl: '',
      apiKey,
      workspaceId: 'ws_rewrap',
      functionsUrl: '',
      projectId,
    };
    writeFileSync(join(cwd, '.mailmon', 'dev.json'), JSON.stringify(dev));
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('rewrap moves every refresh token and webhook secret to a new local key, and deliveries keep verifying', async () => {
    const rotating = { MAILMON_LOCAL_KEK: newKey, MAILMON_LOCAL_PREVIOUS_KEKS: oldKey };
    const before = JSON.parse((await cli(rotating, 'gmail-credentials', 'audit', '--json')).stdout);
    expect(before.refreshTokens).toMatchObject({
      total: 2,
      byKeyId: { [localKeyId(oldKey)]: 2 },
      unreadable: [],
    });
    expect(before.webhookSecrets).toMatchObject({ total: 1, byKeyId: { [localKeyId(oldKey)]: 1 } });

    const rewrap = await cli(rotating, 'gmail-credentials', 'rewrap', '--json');
    expect(rewrap.code, rewrap.stderr).toBe(0);
    expect(JSON.parse(rewrap.stdout)).toMatchObject({
      refreshTokens: { rewrapped: 2, failed: [] },
      webhookSecrets: { rewrapped: 1, failed: [] },
    });
    // with the old key retired, everything still opens
    const after = await cli({ MAILMON_LOCAL_KEK: newKey }, 'gmail-credentials', 'audit', '--json');
    expect(JSON.parse(after.stdout)).toMatchObject({
      refreshTokens: { total: 2, byKeyId: { [localKeyId(newKey)]: 2 }, unreadable: [] },
      webhookSecrets: { total: 1, byKeyId: { [localKeyId(newKey)]: 1 }, unreadable: [] },
    });
    const lines = await cli({ MAILMON_LOCAL_KEK: newKey }, 'gmail-credentials', 'audit');
    expect(lines.stdout).toContain('refresh tokens: 2');
    expect(lines.stdout).not.toContain(endpoint.secret);

    // the stack on the new key alone signs a replay with the endpoint's same secret
    const stack = await startLocalStack({ ...hosts, projectId, localKek: newKey, logWrite: () => {} });
    try {
      receiver.received.length = 0;
      const api = new MailmonClient({ baseUrl: stack.apiUrl, apiKey });
      await api.createReplay({
        endpointId: endpoint.id,
        from: new Date(Date.now() - 3_600_000).toISOString(),
        to: new Date(Date.now() - 1).toISOString(),
      });
      const replayed = await eventually(
        async () => (receiver.received.length >= 6 ? receiver.received : undefined),
        60_000,
        'the replayed deliveries',
      );
      for (const r of replayed)
        expect(verifyWebhook(r.body, r.headers, endpoint.secret).type).toBe('message.created');
    } finally {
      await stack.stop();
    }
  }, 120_000);

  it('names the key it needs in gcp mode, and refuses to run without one locally', async () => {
    const gcp = await cli({}, '--project', 'acme-mailmon', 'gmail-credentials', 'rewrap');
    expect(gcp.code).toBe(1);
    expect(gcp.stderr).toContain('--kms-key');
    const local = await cli({}, 'gmail-credentials', 'audit');
    expect(local.code).toBe(1);
    expect(local.stderr).toContain('MAILMON_LOCAL_KEK');
  });
});
