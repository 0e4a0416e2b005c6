import type { Body, TerraformModule } from './read-terraform.js';

/** The arguments and nested blocks one block type accepts. */
export interface BlockSchema {
  attributes: Record<string, { required: boolean }>;
  blocks: Record<string, { required: boolean; list: boolean; schema: BlockSchema }>;
}

/** The trimmed schema of the google provider: the resource and data source types the module uses. */
export interface ProviderSchema {
  source: string;
  resources: Record<string, BlockSchema>;
  dataSources: Record<string, BlockSchema>;
}

const RESOURCE_META = new Set([
  'count',
  'for_each',
  'depends_on',
  'provider',
  'lifecycle',
  'provisioner',
  'connection',
]);
const DATA_META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle']);

const isBodyList = (value: unknown): value is Body[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));

function checkBody(
  body: Body,
  schema: BlockSchema,
  where: string,
  meta: Set<string>,
  problems: string[],
): void {
  const present = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    if (meta.has(key)) continue;
    if (key === 'dynamic') {
      for (const [label, generators] of Object.entries(value as Record<string, Body[]>)) {
        const block = schema.blocks[label];
        if (!block) {
          problems.push(`${where}: unknown block "${label}" (in a dynamic block)`);
          continue;
        }
        present.add(label);
        for (const generator of generators) {
          if (generator.for_each === undefined) problems.push(`${where}: dynamic "${label}" has no for_each`);
          for (const content of (generator.content as Body[] | undefined) ?? [])
            checkBody(content, block.schema, `${where}.${label}`, new Set(), problems);
        }
      }
      continue;
    }
    present.add(key);
    if (schema.attributes[key]) continue;
    const block = schema.blocks[key];
    if (!block) {
      problems.push(`${where}: unknown argument "${key}"`);
      continue;
    }
    if (!isBodyList(value)) {
      problems.push(`${where}: "${key}" is a block: write ${key} { … }`);
      continue;
    }
    if (!block.list && value.length > 1)
      problems.push(`${where}: "${key}" may appear once, not ${value.length} times`);
    for (const item of value) checkBody(item, block.schema, `${where}.${key}`, new Set(), problems);
  }
  for (const [name, attribute] of Object.entries(schema.attributes))
    if (attribute.required && !present.has(name))
      problems.push(`${where}: required argument "${name}" is missing`);
  for (const [name, block] of Object.entries(schema.blocks))
    if (block.required && !present.has(name)) problems.push(`${where}: required block "${name}" is missing`);
}

/**
 * Checks every `google_*` resource and data source of the module against the provider's schema: each
 * argument and nested block (dynamic ones included) must exist there, blocks that may appear once appear
 * once, and required arguments and blocks are present. Answers one line per problem.
 */
export function checkAgainstSchema(module: TerraformModule, schema: ProviderSchema): string[] {
  const problems: string[] = [];
  for (const [group, types, meta] of [
    ['resource', schema.resources, RESOURCE_META],
    ['data', schema.dataSources, DATA_META],
  ] as const) {
    for (const [type, named] of Object.entries(module.json[group] ?? {})) {
      if (!type.startsWith('google_')) continue;
      const blockSchema = types[type];
      for (const [name, bodies] of Object.entries(named)) {
        const where = `${group === 'data' ? 'data.' : ''}${type}.${name}`;
        if (!blockSchema) {
          problems.push(
            `${where}: ${type} is not in the provider schema (regenerate it: scripts/trim-provider-schema.ts)`,
          );
          continue;
        }
        for (const body of bodies) checkBody(body, blockSchema, where, meta, problems);
      }
    }
  }
  return problems;
}
