import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../emulators/stack.js';
import { emulatorHosts, newProjectId } from '../emulators/testing/index.js';
import { signWebhook } from '../shared/webhooks/sign.js';
import { issueApiKey } from '../shared/workspaces/api-keys.js';

const sdkDir = join(process.cwd(), 'sdk');

describe('the SDK as a package', () => {
  let stack: LocalStack;
  let work: string;
  let apiKey: string;

  beforeAll(async () => {
    stack = await startLocalStack({
      ...emulatorHosts(),
      projectId: newProjectId('sdk-pack'),
      logWrite: () => {},
    });
    await stack.runtime.workspaces.createWorkspace({ id: 'ws_pack', name: 'Pack', createdAt: Date.now() });
    ({ apiKey } = await issueApiKey(
      { workspaces: stack.runtime.workspaces, clock: stack.runtime.clock },
      'ws_pack',
      'pack',
    ));
    work = mkdtempSync(join(tmpdir(), 'mailmon-sdk-'));
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs with npm pack, installs into an empty folder and runs an example against the local stack', async () => {
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
      cwd: sdkDir,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1)!;
    const files = execFileSync('tar', ['-tzf', join(work, tarball)], { encoding: 'utf8' }).split('\n');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files.some((f) => f.startsWith('package/src/'))).toBe(false);

    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', join(work, tarball)], {
      cwd: app,
      stdio: 'pipe',
    });
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = JSON.stringify({ id: 'evt_1', type: 'message.created', data: { subject: 'hi' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(timestamp),
      ...signWebhook({ webhookId: 'evt_1', timestamp, body, secrets: [secret] }),
    };
    writeFileSync(
      join(app, 'example.mjs'),
      `import { MailmonApiError, MailmonClient, verifyWebhook } from '@mailmon.dev/sdk';
const mailmon = new MailmonClient({ baseUrl: process.env.API_URL, apiKey: process.env.API_KEY });
const session = await mailmon.createConnectSession({ tenantExternalId: 't', mailboxExternalId: 'm' });
const { data } = await mailmon.listMailboxes({ limit: 5 });
let code;
try { await mailmon.getMailbox({ mailboxId: 'mbx_missing' }); } catch (e) { code = e instanceof MailmonApiError ? e.code : String(e); }
const event = verifyWebhook(process.env.BODY, JSON.parse(process.env.HEADERS), process.env.SECRET);
console.log(JSON.stringify({ connect: session.connectUrl.startsWith('http'), mailboxes: data.length, code, event: event.type }));
`,
    );
    // asynchronously: the local stack answers from this very process
    const { stdout: out } = await promisify(execFile)('node', ['example.mjs'], {
      cwd: app,
      encoding: 'utf8',
      env: {
        ...process.env,
        API_URL: stack.apiUrl,
        API_KEY: apiKey,
        BODY: body,
        HEADERS: JSON.stringify(headers),
        SECRET: secret,
      },
    });
    expect(JSON.parse(out)).toEqual({
      connect: true,
      mailboxes: 0,
      code: 'not_found',
      event: 'message.created',
    });
  }, 120_000);
});
