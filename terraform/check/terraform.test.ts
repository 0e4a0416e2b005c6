import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeFacts, providerSchema } from './facts.js';
import { parseTerraform, readTerraform, type TerraformModule } from './read-terraform.js';
import { checkAgainstSchema } from './schema.js';
import { type CodeFacts, checkWiring } from './wiring.js';

const dir = join(process.cwd(), 'terraform');
const files = Object.fromEntries(
  readdirSync(dir)
    .filter((n) => n.endsWith('.tf'))
    .map((n) => [n, readFileSync(join(dir, n), 'utf8')]),
);
const schema = providerSchema();
let facts: CodeFacts;
let module: TerraformModule;

/** The module with one file's text changed: `from` must occur exactly once. */
async function planted(file: string, from: string, to: string): Promise<string[]> {
  const text = files[file]!;
  expect(text.split(from).length - 1, `${from} occurs once in ${file}`).toBe(1);
  const changed = await parseTerraform({ ...files, [file]: text.replace(from, to) });
  return [...checkAgainstSchema(changed, schema), ...checkWiring(changed, facts)];
}

beforeAll(async () => {
  facts = await codeFacts();
  module = await readTerraform(dir);
});

describe('terraform, checked offline', () => {
  it('parses every .tf file', () => {
    expect(Object.keys(module.files).sort()).toEqual(Object.keys(files).sort());
    expect(Object.keys(module.json.resource ?? {}).length).toBeGreaterThan(20);
  });

  it('uses only arguments and blocks the google provider schema has, with every required one', () => {
    expect(checkAgainstSchema(module, schema)).toEqual([]);
  });

  it('commits the schema of exactly the resource types it uses', () => {
    expect(Object.keys(schema.resources).sort()).toEqual(
      Object.keys(module.json.resource ?? {})
        .filter((t) => t.startsWith('google_'))
        .sort(),
    );
    expect(Object.keys(schema.dataSources).sort()).toEqual(Object.keys(module.json.data ?? {}).sort());
  });

  it('deploys what the code needs: functions, configuration, jobs, topics, audiences, indexes, metrics, variables', () => {
    expect(checkWiring(module, facts)).toEqual([]);
  });

  it('fails on a planted unknown argument', async () => {
    expect(await planted('functions.tf', 'timeout_seconds', 'timeout_secs')).toEqual(
      expect.arrayContaining([
        'google_cloudfunctions2_function.fn.service_config: unknown argument "timeout_secs"',
      ]),
    );
    expect(await planted('scheduler.tf', '    oidc_token {', '    oidc_tokens {')).toEqual([
      'google_cloud_scheduler_job.control.http_target: unknown argument "oidc_tokens"',
      'google_cloud_scheduler_job.control sends no OIDC token',
    ]);
  });

  it('fails on a planted missing scheduler job', async () => {
    expect(await planted('variables.tf', '    prune                      = "*/10 * * * *"\n', '')).toEqual([
      'control job prune has no scheduler job (variable control_schedules)',
    ]);
  });

  it('fails on a planted unset required variable', async () => {
    expect(
      await planted(
        'functions.tf',
        '      MAILMON_KMS_KEY             = google_kms_crypto_key.credentials.id\n',
        '',
      ),
    ).toEqual(['MAILMON_KMS_KEY is required by loadConfig in gcp mode but not set on the functions']);
  });

  it('fails on an audience that is not the URL called, a subscription that expires, and a dead letter nobody reads', async () => {
    expect(
      await planted(
        'pubsub.tf',
        '      audience              = local.function_urls["syncMailbox"]',
        '      audience              = local.function_urls["control"]',
      ),
    ).toEqual([
      'google_pubsub_subscription.sync_push: audience ${local.function_urls["control"]} is not the URL it calls (syncMailbox)',
    ]);
    const expiring = await planted(
      'pubsub.tf',
      '  retry_policy {\n    minimum_backoff = "10s"\n    maximum_backoff = "600s"\n  }\n  expiration_policy {\n    ttl = ""\n  }\n}\n\n# Pub/Sub',
      '}\n\n# Pub/Sub',
    );
    expect(expiring).toEqual([
      'subscription dead_letter_push expires after 31 idle days: set expiration_policy { ttl = "" }',
    ]);
    const unread = await planted(
      'pubsub.tf',
      'topic                      = google_pubsub_topic.dead_letter.id',
      'topic                      = google_pubsub_topic.sync_dispatch.id',
    );
    expect(unread).toEqual(
      expect.arrayContaining(['dead-letter topic dead_letter has no subscription: its messages are lost']),
    );
  });

  it('fails on a log metric for an event the code never logs, and a log event nobody counts', async () => {
    expect(
      await planted('monitoring.tf', 'event     = "caller_refused"', 'event     = "caller_refusd"'),
    ).toEqual([
      'a log metric counts event caller_refusd, which the code never logs',
      'log event caller_refused has no log-based metric',
    ]);
  });

  it('fails on a function the code does not register and an index keyed by position', async () => {
    expect(await planted('main.tf', '    control        = {', '    controller     = {')).toEqual(
      expect.arrayContaining([
        'function control is registered by the code but not deployed (local.functions)',
        'local.functions names controller, which the code does not register',
      ]),
    );
    expect(
      await planted(
        'firestore.tf',
        '    for index in local.index_file.indexes :',
        '    for i, index in local.index_file.indexes :',
      ),
    ).toEqual(['local.indexes must key every index of the file by its content, not its position']);
  });
});
