// Regenerates terraform/check/google-provider-schema.json: the argument and block schema of every
// google_* resource and data source terraform/*.tf uses, read from the `.jsii` manifest of
// @cdktf/provider-google (which is generated from the provider's own schema). Run after adding a resource
// type or moving the provider version:
//   npx tsx scripts/trim-provider-schema.ts [path/to/unpacked/@cdktf/provider-google]
// Without a path it fetches the pinned package with `npm pack` (about 30 MB) into a temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTerraform } from '../terraform/check/read-terraform.js';
import type { BlockSchema, ProviderSchema } from '../terraform/check/schema.js';

/** @cdktf/provider-google 16.12.1 carries hashicorp/google 6.50.0. */
const PACKAGE = '@cdktf/provider-google@16.12.1';

interface JsiiType {
  kind: string;
  datatype?: boolean;
  docs?: { summary?: string };
  properties?: JsiiProperty[];
  initializer?: { parameters?: { type: JsiiTypeRef }[] };
}
interface JsiiProperty {
  name: string;
  optional?: boolean;
  type: JsiiTypeRef;
  docs?: { remarks?: string };
}
type JsiiTypeRef = {
  fqn?: string;
  primitive?: string;
  collection?: { kind: string; elementtype: JsiiTypeRef };
  union?: { types: JsiiTypeRef[] };
};

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function terraformName(p: JsiiProperty): string {
  return /#(\w+) /.exec(p.docs?.remarks ?? '')?.[1] ?? snake(p.name);
}

/** The struct a property's type is a block of, and whether it is a list of them. */
function blockOf(
  types: Record<string, JsiiType>,
  ref: JsiiTypeRef,
): { fqn: string; list: boolean } | undefined {
  const isStruct = (r: JsiiTypeRef) => r.fqn !== undefined && types[r.fqn]?.datatype === true;
  if (isStruct(ref)) return { fqn: ref.fqn!, list: false };
  for (const r of ref.union?.types ?? [ref]) {
    const element = r.collection?.kind === 'array' ? r.collection.elementtype : undefined;
    if (element && isStruct(element)) return { fqn: element.fqn!, list: true };
  }
  return undefined;
}

function describe(types: Record<string, JsiiType>, fqn: string, top: boolean): BlockSchema {
  const schema: BlockSchema = { attributes: {}, blocks: {} };
  for (const p of types[fqn]?.properties ?? []) {
    const name = terraformName(p);
    const block = blockOf(types, p.type);
    if (block) {
      schema.blocks[name] = {
        required: !p.optional,
        list: block.list,
        schema: describe(types, block.fqn, false),
      };
    } else {
      schema.attributes[name] = { required: !p.optional };
    }
  }
  if (top) delete schema.attributes.id;
  return schema;
}

function jsiiPath(argument: string | undefined): { path: string; cleanup: () => void } {
  if (argument) return { path: join(argument, '.jsii'), cleanup: () => {} };
  const work = mkdtempSync(join(tmpdir(), 'mailmon-provider-'));
  const file = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], {
    encoding: 'utf8',
  }).trim();
  execFileSync('tar', ['-xzf', join(work, file), '-C', work, 'package/.jsii']);
  return {
    path: join(work, 'package', '.jsii'),
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  };
}

const { path, cleanup } = jsiiPath(process.argv[2]);
try {
  const jsii = JSON.parse(readFileSync(path, 'utf8')) as { types: Record<string, JsiiType>; version: string };
  const tf = await readTerraform('terraform');
  const wanted = {
    resources: new Set(Object.keys(tf.json.resource ?? {})),
    dataSources: new Set(Object.keys(tf.json.data ?? {})),
  };
  const out: ProviderSchema = { source: PACKAGE, resources: {}, dataSources: {} };
  for (const type of Object.values(jsii.types)) {
    const match = /\/docs\/(resources|data-sources)\/\w+ (google_\w+)\}/.exec(type.docs?.summary ?? '');
    const config = type.initializer?.parameters?.[2]?.type.fqn;
    if (!match || !config) continue;
    const [, kind, name] = match as unknown as [string, string, string];
    const bucket = kind === 'resources' ? 'resources' : 'dataSources';
    if (wanted[bucket].has(name)) out[bucket][name] = describe(jsii.types, config, true);
  }
  for (const bucket of ['resources', 'dataSources'] as const) {
    const missing = [...wanted[bucket]].filter((n) => !out[bucket][n]);
    if (missing.length > 0) throw new Error(`${PACKAGE} has no ${bucket} named ${missing.join(', ')}`);
    out[bucket] = Object.fromEntries(Object.entries(out[bucket]).sort(([a], [b]) => a.localeCompare(b)));
  }
  writeFileSync('terraform/check/google-provider-schema.json', `${JSON.stringify(out, null, 1)}\n`);
  console.log(
    `wrote terraform/check/google-provider-schema.json: ${Object.keys(out.resources).length} resource types, ${Object.keys(out.dataSources).length} data sources, from ${PACKAGE} (jsii ${jsii.version})`,
  );
} finally {
  cleanup();
}
