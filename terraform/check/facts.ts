import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { DEAD_LETTERS_PATH, FUNCTION_NAMES } from '../../functions/function-names.js';
import { CONFIG_KEYS, requiredConfigKeys } from '../../shared/config/load-config.js';
import { CONTROL_JOBS } from '../../shared/control/run-control-job.js';
import { LOG_EVENTS } from '../../shared/runtime/log-events.js';
import type { ProviderSchema } from './schema.js';
import type { CodeFacts } from './wiring.js';

/** The facts the terraform checks hold the module to, read from the code and the repository's files. */
export async function codeFacts(root = process.cwd()): Promise<CodeFacts> {
  const example = (await parse(
    'terraform.tfvars.example',
    readFileSync(join(root, 'terraform', 'terraform.tfvars.example'), 'utf8'),
  )) as Record<string, unknown>;
  return {
    functionNames: FUNCTION_NAMES,
    requiredGcpKeys: requiredConfigKeys('gcp'),
    configKeys: CONFIG_KEYS,
    controlJobs: CONTROL_JOBS,
    deadLettersPath: DEAD_LETTERS_PATH,
    logEvents: Object.values(LOG_EVENTS),
    indexFile: JSON.parse(readFileSync(join(root, 'firestore.indexes.json'), 'utf8')),
    exampleVariables: Object.keys(example),
  };
}

/** The committed, trimmed google provider schema (scripts/trim-provider-schema.ts writes it). */
export function providerSchema(root = process.cwd()): ProviderSchema {
  return JSON.parse(readFileSync(join(root, 'terraform', 'check', 'google-provider-schema.json'), 'utf8'));
}
