import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../cli/main.js';
import { apiRoutes } from '../functions/api/app.js';
import { readTerraform, type TerraformModule } from '../terraform/check/read-terraform.js';

const root = process.cwd();
const guide = readFileSync(join(root, 'docs', 'deploy.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Every command line of the guide's ```sh blocks, continuation lines joined, comments dropped. */
function commands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((b) => b.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

let module: TerraformModule;
beforeAll(async () => {
  module = await readTerraform(join(root, 'terraform'));
});

/** The leaf command `words` names, and every option it (or the program) accepts. */
function cliCommand(words: string[]): { path: string[]; options: string[] } {
  let command: Command = buildProgram({ stdout: () => {}, stderr: () => {}, env: {}, cwd: root });
  const options = command.options.map((o) => o.long!);
  const path: string[] = [];
  for (const word of words) {
    const next = command.commands.find((c) => c.name() === word);
    if (!next) break;
    command = next;
    path.push(word);
    options.push(...command.options.map((o) => o.long!));
  }
  return { path, options };
}

describe('docs/deploy.md', () => {
  const lines = commands(guide);

  it('has the commands from an empty project to a first webhook', () => {
    for (const expected of [
      'npm run package',
      'terraform -chdir=terraform init',
      'terraform -chdir=terraform apply',
    ])
      expect(
        lines.some((l) => l.startsWith(expected)),
        expected,
      ).toBe(true);
    expect(lines.some((l) => l.includes('/v1/webhook-endpoints'))).toBe(true);
  });

  it('runs only npm scripts, files, CLI commands, terraform outputs and API routes the repository has', () => {
    const outputs = Object.keys(module.json.output ?? {});
    const routes = apiRoutes(() => undefined).map((r) => `${r.method} ${r.path}`);
    const checked: string[] = [];
    for (const line of lines) {
      for (const [, script] of line.matchAll(/npm run ([\w:-]+)/g))
        expect(pkg.scripts[script!], `npm run ${script} in: ${line}`).toBeDefined();
      for (const [, args] of line.matchAll(/npx mailmon ([^|;&]+)/g)) {
        const words = args!.split(/\s+/).filter((w) => !w.startsWith('"') && !w.startsWith('$'));
        const flags = words.filter((w) => w.startsWith('--'));
        const { path, options } = cliCommand(words.filter((w) => !w.startsWith('--')));
        expect(path.length, `mailmon command in: ${line}`).toBeGreaterThanOrEqual(2);
        for (const flag of flags) expect(options, `${flag} in: ${line}`).toContain(flag);
      }
      for (const [, name] of line.matchAll(/terraform -chdir=terraform output (?:-raw |-json )?(\w+)/g))
        expect(outputs, `output ${name} in: ${line}`).toContain(name);
      for (const [, address] of line.matchAll(/terraform -chdir=terraform import (\w+\.\w+)/g)) {
        const [type, name] = address!.split('.');
        expect(module.json.resource?.[type!]?.[name!], `resource ${address}`).toBeDefined();
      }
      // the files a command reads (a `cp` creates its second one)
      const files = [...line.matchAll(/\b(terraform\/[\w.]+|docs\/[\w.]+)/g)].map((m) => m[1]!);
      for (const file of line.startsWith('cp ') ? files.slice(0, 1) : files)
        expect(existsSync(join(root, file)), `file ${file} in: ${line}`).toBe(true);
      for (const [, method, path] of line.matchAll(/curl [^"]*?(?:-X (\w+) )?[^"]*"\$API(\/[\w/-]+)"/g)) {
        const m = method ?? (line.includes(' -d ') ? 'POST' : 'GET');
        expect(routes, `${m} ${path} in: ${line}`).toContain(`${m} ${path}`);
        checked.push(`${m} ${path}`);
      }
    }
    expect(checked.sort()).toEqual([
      'GET /healthz',
      'POST /v1/mailboxes/connect-sessions',
      'POST /v1/webhook-endpoints',
    ]);
  });

  it('names the secret and the state backend the terraform module reads', () => {
    const secret = /gcloud secrets create ([\w-]+)/.exec(guide)?.[1];
    expect(module.json.variable?.oauth_client_secret_secret_id?.[0]?.default).toBe(secret);
    expect(JSON.stringify(module.json.terraform)).toContain('"gcs"');
    expect(guide).toContain('-backend-config="bucket=');
  });

  it('documents a runbook line for every alert', () => {
    const locals = Object.assign({}, ...(module.json.locals ?? [])) as {
      counters?: Record<string, { event: string }>;
    };
    for (const counter of Object.values(locals.counters ?? {}))
      expect(guide).toContain(`\`${counter.event}\``);
    expect(guide).toContain('`delivery_backlog`');
  });
});
