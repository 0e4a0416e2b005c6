import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';

/** A block body as HCL's JSON form gives it: arguments as values, nested blocks as arrays of bodies. */
export type Body = Record<string, unknown>;

/** Every `.tf` file of a module, parsed and merged (HCL's JSON form: blocks are arrays of bodies). */
export interface TerraformModule {
  files: Record<string, string>;
  json: {
    terraform?: Body[];
    variable?: Record<string, Body[]>;
    locals?: Body[];
    resource?: Record<string, Record<string, Body[]>>;
    data?: Record<string, Record<string, Body[]>>;
    output?: Record<string, Body[]>;
    moved?: Body[];
    [key: string]: unknown;
  };
}

function merge(into: Record<string, unknown>, from: Record<string, unknown>, where: string): void {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    if (existing === undefined) into[key] = value;
    else if (Array.isArray(existing) && Array.isArray(value)) existing.push(...value);
    else if (typeof existing === 'object' && typeof value === 'object' && existing && value)
      merge(existing as Record<string, unknown>, value as Record<string, unknown>, `${where}.${key}`);
    else throw new Error(`${where}.${key} is declared twice`);
  }
}

/** Parses `files` (name → HCL text); a file that does not parse fails with its name and HCL's message. */
export async function parseTerraform(files: Record<string, string>): Promise<TerraformModule> {
  const json: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    let parsed: Record<string, unknown>;
    try {
      parsed = (await parse(name, text)) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`${name} does not parse: ${error instanceof Error ? error.message : String(error)}`);
    }
    merge(json, parsed, name);
  }
  return { files, json: json as TerraformModule['json'] };
}

/** Reads and parses every `.tf` file directly in `dir`. */
export async function readTerraform(dir: string): Promise<TerraformModule> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.tf')))
    files[name] = readFileSync(join(dir, name), 'utf8');
  return parseTerraform(files);
}

/** Every body of a block type: `resource "type" "name" {}` → `[name, body]` pairs. */
export function blocksOf(
  group: Record<string, Record<string, Body[]>> | undefined,
  type: string,
): [string, Body][] {
  return Object.entries(group?.[type] ?? {}).flatMap(([name, bodies]) =>
    bodies.map((b) => [name, b] as [string, Body]),
  );
}

/** The merged `locals` of a module. */
export function localsOf(module: TerraformModule): Body {
  return Object.assign({}, ...(module.json.locals ?? []));
}
