import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Command } from 'commander';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../cli/main.js';
import { generateWebhookSecret, signWebhook } from '../shared/webhooks/sign.js';
import { API_DOCS, currentApiDocs } from './generate-api-docs.js';

const root = process.cwd();
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('the documentation', () => {
  it.each(pages)('%s links only to files that exist, and never outside the repository', (page) => {
    const text = readFileSync(join(root, page), 'utf8');
    const dir = page.includes('/') ? join(root, page.slice(0, page.lastIndexOf('/'))) : root;
    for (const [, target] of text.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)[^)]*\)/g)) {
      const path = join(dir, target!);
      expect(path.startsWith(`${root}/`), `${page} links ${target}, outside the repository`).toBe(true);
      expect(existsSync(path), `${page} links ${target}`).toBe(true);
    }
  });

  it.each(pages)('%s names only test and source files that exist', (page) => {
    const text = readFileSync(join(root, page), 'utf8');
    for (const [, file] of text.matchAll(
      /`((?:shared|functions|emulators|scripts|cli|sdk|terraform|bench)\/[\w./-]+\.(?:ts|mjs|tf|json))`/g,
    ))
      expect(existsSync(join(root, file!)), `${page} names ${file}`).toBe(true);
  });
});

describe('docs/webhooks.md', () => {
  it('shows a hand-written x-mailmon-signature check that accepts real deliveries and refuses forged or stale ones', () => {
    const text = readFileSync(join(root, 'docs', 'webhooks.md'), 'utf8');
    const snippet = [...text.matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((b) => b.includes('function verifyMailmonSignature'));
    expect(snippet).toBeDefined();
    const js = ts.transpileModule(`${snippet}\nmodule.exports = verifyMailmonSignature;`, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const module = { exports: {} as unknown };
    new Function('require', 'module', 'exports', js)(createRequire(import.meta.url), module, module.exports);
    const check = module.exports as (body: string, header: string, secret: string, now?: number) => boolean;
    const secret = generateWebhookSecret();
    const other = generateWebhookSecret();
    const timestamp = 1_800_000_000;
    const body = '{"id":"evt_1","type":"message.created"}';
    const header = signWebhook({ webhookId: 'evt_1', timestamp, body, secrets: [other, secret] })[
      'x-mailmon-signature'
    ];
    expect(check(body, header, secret, timestamp * 1000 + 10_000)).toBe(true);
    expect(check(`${body} `, header, secret, timestamp * 1000)).toBe(false);
    expect(check(body, header, generateWebhookSecret(), timestamp * 1000)).toBe(false);
    expect(check(body, header, secret, (timestamp + 301) * 1000)).toBe(false);
  });
});

describe('docs/api.md', () => {
  it('is the reference of the current routes (run `npm run docs:api` after changing one)', () => {
    expect(readFileSync(API_DOCS, 'utf8')).toBe(currentApiDocs());
  });
});

describe('docs/cli.md', () => {
  it('documents every command of the CLI', () => {
    const text = readFileSync(join(root, 'docs', 'cli.md'), 'utf8');
    const leaves: string[] = [];
    const walk = (command: Command, path: string[]) => {
      const subcommands = command.commands.filter((c) => c.name() !== 'help');
      if (subcommands.length === 0) leaves.push(path.join(' '));
      for (const sub of subcommands) walk(sub, [...path, sub.name()]);
    };
    walk(buildProgram({ stdout: () => {}, stderr: () => {}, env: {}, cwd: root }), ['mailmon']);
    expect(leaves.length).toBeGreaterThan(3);
    for (const leaf of leaves) expect(text, leaf).toContain(`\`${leaf}`);
  });
});
