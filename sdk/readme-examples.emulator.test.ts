import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveConsent } from '../emulators/gmail/approve-consent.js';
import { type LocalStack, startLocalStack } from '../emulators/stack.js';
import { eventually } from '../emulators/testing/eventually.js';
import { emulatorHosts, newProjectId } from '../emulators/testing/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../emulators/testing/webhook-receiver.js';
import { issueApiKey } from '../shared/workspaces/api-keys.js';
import { MailmonApiError, MailmonClient, verifyWebhook } from './src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Every ```ts sdk-example block of the README, in order. */
const examples = [
  ...readFileSync(`${root}README.md`, 'utf8').matchAll(/```ts sdk-example\n([\s\S]*?)```/g),
].map((m) => m[1]!);
const VARIABLES = ['mailmon', 'mailboxId', 'endpointId', 'endpointUrl', 'secret', 'body', 'headers'] as const;

let stack: LocalStack;
let receiver: WebhookReceiver;
const vars: Record<(typeof VARIABLES)[number], unknown> = {
  mailmon: undefined,
  mailboxId: '',
  endpointId: '',
  endpointUrl: '',
  secret: '',
  body: '',
  headers: {},
};
const email = 'readme@example.com';

beforeAll(async () => {
  stack = await startLocalStack({
    ...emulatorHosts(),
    projectId: newProjectId('readme'),
    logWrite: () => {},
  });
  await stack.runtime.workspaces.createWorkspace({ id: 'ws_readme', name: 'README', createdAt: Date.now() });
  const { apiKey } = await issueApiKey(
    { workspaces: stack.runtime.workspaces, clock: stack.runtime.clock },
    'ws_readme',
    'readme',
  );
  const mailmon = new MailmonClient({ baseUrl: stack.apiUrl, apiKey });
  receiver = await startWebhookReceiver();
  const endpointUrl = receiver.url;
  const endpoint = await mailmon.createWebhookEndpoint({ url: endpointUrl, eventTypes: ['message.created'] });

  await stack.gmail.admin.createUser(email);
  for (const subject of ['Welcome', 'Invoice 42'])
    await stack.gmail.admin.addMessage(email, { from: 'billing@example.com', to: email, subject, text: '.' });
  const session = await mailmon.createConnectSession({
    tenantExternalId: 'tenant-1',
    mailboxExternalId: 'inbox',
  });
  const consent = (await fetch(session.connectUrl, { redirect: 'manual' })).headers.get('location')!;
  expect((await fetch(await approveConsent(consent, email))).status).toBe(200);
  const mailboxId = await eventually(
    async () => {
      const { data } = await mailmon.listMailboxes();
      return data.find((m) => m.syncState === 'healthy')?.id;
    },
    30_000,
    'the first sync',
  );
  const delivery = await eventually(async () => receiver.received[0], 30_000, 'a webhook delivery');
  Object.assign(vars, {
    mailmon,
    mailboxId,
    endpointId: endpoint.id,
    endpointUrl,
    secret: endpoint.secret,
    body: delivery.body,
    headers: delivery.headers,
  });
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

describe('the README’s SDK examples', () => {
  it('are there, and type-check against the SDK', () => {
    // a block whose closing fence is lost would silently drop out of the regex's matches
    expect(examples.length).toBe(
      readFileSync(`${root}README.md`, 'utf8').split('```ts sdk-example').length - 1,
    );
    expect(examples.length).toBeGreaterThanOrEqual(8);
    mkdirSync(`${root}.mailmon`, { recursive: true });
    const file = `${root}.mailmon/readme-examples.ts`;
    writeFileSync(
      file,
      [
        `import { MailmonApiError, type MailmonClient, verifyWebhook } from '${root}sdk/src/index.js';`,
        'declare const mailmon: MailmonClient;',
        'declare const mailboxId: string, endpointId: string, endpointUrl: string, secret: string, body: string;',
        'declare const headers: Record<string, string>;',
        'void MailmonApiError, verifyWebhook;',
        ...examples.map((code, i) => `export async function example${i}() {\n${code}}`),
      ].join('\n'),
    );
    const { config } = ts.readConfigFile(`${root}tsconfig.json`, ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
    const program = ts.createProgram([file], { ...options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  }, 60_000);

  examples.forEach((code, i) => {
    it(`runs example ${i + 1} (${code.split('\n')[0]!.slice(0, 60)}) against the local stack`, async () => {
      const js = ts.transpileModule(code, {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      }).outputText;
      const lines: string[] = [];
      const log = { log: (...parts: unknown[]) => lines.push(parts.map(String).join(' ')) };
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
        ...args: string[]
      ) => (...values: unknown[]) => Promise<void>;
      const run = new AsyncFunction(...VARIABLES, 'MailmonApiError', 'verifyWebhook', 'console', js);
      await run(...VARIABLES.map((name) => vars[name]), MailmonApiError, verifyWebhook, log);
      expect(lines.length).toBeGreaterThan(0);
      if (code.includes('createConnectSession')) expect(lines.join('\n')).toMatch(/\/oauth\/gmail\//);
      if (code.includes('verifyWebhook')) expect(lines.join('\n')).toMatch(/new mail: (Welcome|Invoice 42)/);
      if (code.includes('createReplay')) expect(lines.at(-1)).toMatch(/^(running|completed) /);
      if (code.includes('mbx_does_not_exist')) expect(lines).toEqual(['404 not_found']);
      if (code.includes('listMessages')) expect(lines.join('\n')).toMatch(/billing@example.com/);
      if (code.includes('listMailboxes')) {
        expect(lines[0]).toMatch(new RegExp(`^${email} `));
        expect(lines.at(-1)).toMatch(/^cursor lag \d+ delivery backlog \d+$/);
      }
      if (code.includes('listMailboxEvents')) {
        expect(lines[0]).toBe('1 mailbox.connected');
        expect(lines).toContainEqual(expect.stringMatching(/^\d+ message\.created$/));
        expect(lines.at(-1)).toMatch(/^continue after [1-9]\d*$/);
      }
      if (code.includes('createWebhookEndpoint')) {
        expect(lines[0]).toMatch(/shown once: whsec_[A-Za-z0-9+/=]+$/);
        expect(lines.at(-1)).toBe(`routing message.created,message.deleted of ${vars.mailboxId}`);
      }
    }, 30_000);
  });
});
