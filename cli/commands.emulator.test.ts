import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDemoMailbox } from '../emulators/connect-demo-mailbox.js';
import { type LocalStack, startLocalStack } from '../emulators/stack.js';
import { eventually } from '../emulators/testing/eventually.js';
import { emulatorHosts, newProjectId } from '../emulators/testing/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../emulators/testing/webhook-receiver.js';
import { verifyWebhook } from '../sdk/src/index.js';
import { issueApiKey } from '../shared/workspaces/api-keys.js';
import type { DevState } from './target.js';
import { runCli, startCli } from './testing/run-cli.js';

describe('the mailmon CLI against the local stack', () => {
  let stack: LocalStack;
  let receiver: WebhookReceiver;
  let cwd: string;
  let mailboxId: string;
  const user = 'cli@example.com';

  beforeAll(async () => {
    const hosts = emulatorHosts();
    const projectId = newProjectId('cli-commands');
    stack = await startLocalStack({ ...hosts, projectId, logWrite: () => {} });
    const { workspaces, clock } = stack.runtime;
    await workspaces.createWorkspace({ id: 'ws_cli', name: 'CLI', createdAt: clock.now() });
    const { apiKey } = await issueApiKey({ workspaces, clock }, 'ws_cli', 'cli');
    await stack.gmail.admin.createUser(user);
    await stack.gmail.admin.seed(user, { count: 12 });
    ({ mailboxId } = await connectDemoMailbox({
      apiUrl: stack.apiUrl,
      apiKey,
      account: user,
      tenantExternalId: 't',
      mailboxExternalId: 'cli',
    }));
    receiver = await startWebhookReceiver();
    cwd = mkdtempSync(join(tmpdir(), 'mailmon-cli-'));
    mkdirSync(join(cwd, '.mailmon'));
    const dev: DevState = {
      apiUrl: stack.apiUrl,
      apiKey,
      workspaceId: 'ws_cli',
      mailboxId,
      functionsUrl: stack.functionsUrl,
      firestoreHost: hosts.firestoreHost,
      pubsubHost: hosts.pubsubHost,
      projectId,
    };
    writeFileSync(join(cwd, '.mailmon', 'dev.json'), JSON.stringify(dev));
    await eventually(
      async () => ((await stack.runtime.syncStore.getMailbox(mailboxId))?.cursor ? true : undefined),
      30_000,
      'the first sync',
    );
    // and its events are in the feed: listen forwards what enters the feed after it starts
    await eventually(
      async () =>
        (await stack.runtime.db.collectionGroup('events').where('feed', '==', 'pending').limit(1).get()).empty
          ? true
          : undefined,
      30_000,
      'the first sync’s events in the feed',
    );
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
    await stack?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('lists mailboxes and shows a mailbox’s health, as JSON and as lines', async () => {
    const list = await runCli(cwd, 'mailboxes', 'list', '--json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).data.map((m: { id: string }) => m.id)).toEqual([mailboxId]);
    const health = await runCli(cwd, 'mailboxes', 'health', mailboxId);
    expect(health.code).toBe(0);
    expect(health.stdout).toContain(`${mailboxId}  active/healthy`);
    expect((await runCli(cwd, 'mailboxes', 'list', '--limit', '0')).code).toBe(2);
  });

  it('syncs a mailbox on demand and waits for the run to finish', async () => {
    await stack.gmail.admin.addMessage(user, {
      from: 'a@example.com',
      to: user,
      subject: 'on demand',
      text: '.',
    });
    const run = await runCli(cwd, 'sync-mailbox', mailboxId, '--json', '--timeout', '60s');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ mailboxId, outcome: 'succeeded' });
    const messages = await stack.runtime.db
      .collection('mailboxes')
      .doc(mailboxId)
      .collection('messages')
      .get();
    expect(messages.docs.some((d) => d.get('subject') === 'on demand')).toBe(true);
    expect((await runCli(cwd, 'sync-mailbox', 'mbx_nope')).stderr).toContain('No mailbox mbx_nope');
  });

  it('runs a control job as Cloud Scheduler calls it, and refuses an unknown job with usage', async () => {
    const run = await runCli(cwd, 'control-job', 'poll_mailboxes', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ job: 'poll_mailboxes', examined: expect.any(Number) });
    const bad = await runCli(cwd, 'control-job', 'make_coffee');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Allowed choices are renew_watches');
  });

  it('listen forwards a new message’s event, and it verifies with the secret listen printed', async () => {
    receiver.received.length = 0;
    const stop = new AbortController();
    const listening = startCli(
      cwd,
      ['listen', '--forward-to', receiver.url, '--poll', '1s', '--json'],
      stop.signal,
    );
    const secret = await eventually(
      async () => /whsec_[A-Za-z0-9+/=]+/.exec(listening.stderr())?.[0],
      20_000,
      'the secret',
    );
    await stack.gmail.admin.addMessage(user, {
      from: 'b@example.com',
      to: user,
      subject: 'heard by listen',
      text: '.',
    });
    const delivery = await eventually(
      async () =>
        receiver.received.find(
          (r) => r.body.includes('heard by listen') && r.body.includes('message.created'),
        ),
      60_000,
      'the forwarded event',
    );
    stop.abort();
    const result = await listening.done;
    expect(result.code).toBe(0);
    const event = verifyWebhook(delivery.body, delivery.headers, secret);
    expect(event.type).toBe('message.created');
    expect(delivery.headers['x-mailmon-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    // only new events: none of the dozen synced before listen started was forwarded
    expect(receiver.received.some((r) => r.body.includes('"reason":"initial"'))).toBe(false);
    expect(JSON.parse(result.stdout).secret).toBe(secret);
  }, 90_000);

  it('replay --last 1h forwards the mailbox’s past events, signed', async () => {
    receiver.received.length = 0;
    const run = await runCli(
      cwd,
      'replay',
      '--mailbox',
      mailboxId,
      '--last',
      '1h',
      '--forward-to',
      receiver.url,
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const { secret, forwarded } = JSON.parse(run.stdout) as {
      secret: string;
      forwarded: { id: string; status: number }[];
    };
    const stored = await stack.runtime.db.collection('mailboxes').doc(mailboxId).collection('events').get();
    expect(forwarded.map((f) => f.id).sort()).toEqual(stored.docs.map((d) => d.id).sort());
    expect(forwarded.every((f) => f.status === 204 || f.status === 200)).toBe(true);
    expect(receiver.received).toHaveLength(stored.size);
    for (const r of receiver.received) expect(() => verifyWebhook(r.body, r.headers, secret)).not.toThrow();
    const none = await runCli(
      cwd,
      'replay',
      '--mailbox',
      mailboxId,
      '--since',
      '2999-01-01T00:00:00Z',
      '--forward-to',
      receiver.url,
      '--json',
    );
    expect(JSON.parse(none.stdout).forwarded).toEqual([]);
    expect(
      (await runCli(cwd, 'replay', '--mailbox', mailboxId, '--last', 'soon', '--forward-to', receiver.url))
        .code,
    ).toBe(2);
  });
});
