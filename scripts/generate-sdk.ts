import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiRoutes } from '../functions/api/app.js';
import type { Route } from '../functions/api/http/route.js';
import { apiDocument } from '../functions/api/routes/meta.js';

/** Where the generated client lives. */
export const GENERATED_SDK = fileURLToPath(new URL('../sdk/src/generated.ts', import.meta.url));

export type JsonSchema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  additionalProperties?: boolean | JsonSchema;
  $ref?: string;
  pattern?: string;
  description?: string;
};

export interface Operation {
  operationId: string;
  summary?: string;
  security?: unknown[];
  parameters?: { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/** A JSON Schema as a TypeScript type (named schemas by name); the API reference prints types the same way. */
export function tsType(s: JsonSchema, depth = 0): string {
  if (s.$ref) return s.$ref.split('/').pop()!;
  if ('const' in s) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((e) => JSON.stringify(e)).join(' | ');
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map((u) => wrap(tsType(u, depth))).join(' | ');
  if (Array.isArray(s.type)) return s.type.map((t) => tsType({ ...s, type: t }, depth)).join(' | ');
  switch (s.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${s.items ? tsType(s.items, depth) : 'unknown'}>`;
    case 'object':
      return objectType(s, depth);
    default:
      return 'unknown';
  }
}

function wrap(t: string): string {
  return t.includes(' | ') && !t.startsWith('{') ? `(${t})` : t;
}

function objectType(s: JsonSchema, depth: number): string {
  const extra =
    typeof s.additionalProperties === 'object' ? tsType(s.additionalProperties, depth + 1) : undefined;
  if (!s.properties) return `Record<string, ${extra ?? 'unknown'}>`;
  const pad = '  '.repeat(depth + 1);
  const required = new Set(s.required ?? []);
  const lines = Object.entries(s.properties).map(([name, p]) => {
    const doc = p.description ? `${pad}/** ${p.description} */\n` : '';
    return `${doc}${pad}${key(name)}${required.has(name) ? '' : '?'}: ${tsType(p, depth + 1)};`;
  });
  if (extra) lines.push(`${pad}[key: string]: ${extra};`);
  return `{\n${lines.join('\n')}\n${'  '.repeat(depth)}}`;
}

/** Query values are strings on the wire; numeric ones may be given as numbers. */
function queryType(s: JsonSchema): string {
  const t = tsType(s, 1);
  return t === 'string' && s.pattern?.includes('\\d') ? 'string | number' : t;
}

function method(path: string, verb: string, op: Operation): string {
  const params = op.parameters ?? [];
  const body = op.requestBody?.content['application/json']?.schema;
  const results = Object.entries(op.responses)
    .filter(([status]) => status.startsWith('2'))
    .map(([, r]) => r.content?.['application/json']?.schema)
    .map((schema) => (schema ? tsType(schema, 1) : 'undefined'));
  const distinct = [...new Set(results)];
  const result = distinct.every((r) => r === 'undefined') ? 'void' : distinct.join(' | ');
  const args: string[] = [];
  if (params.length > 0) {
    const fields = params.map(
      (p) => `${key(p.name)}${p.required ? '' : '?'}: ${p.in === 'query' ? queryType(p.schema) : 'string'}`,
    );
    const optional = params.every((p) => !p.required);
    args.push(`input: { ${fields.join('; ')} }${optional ? ' = {}' : ''}`);
  }
  if (body) args.push(`body: ${tsType(body, 1)}`);
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => `\${encodeURIComponent(input.${name})}`);
  const query = params.filter((p) => p.in === 'query');
  const queryArg =
    query.length > 0 ? `{ ${query.map((p) => `${key(p.name)}: input.${p.name}`).join(', ')} }` : 'undefined';
  const call = `send<${result}>(this.options, '${verb.toUpperCase()}', \`${url.slice(1)}\`, ${queryArg}${body ? ', body' : ''})`;
  return [
    `  /** ${op.summary ?? op.operationId} (\`${verb.toUpperCase()} ${path}\`) */`,
    `  ${op.operationId}(${args.join(', ')}): Promise<${result}> {`,
    `    return ${call};`,
    '  }',
  ].join('\n');
}

/** Generates the SDK's TypeScript from an OpenAPI 3.1 document of the Mailmon API. */
export function generateSdk(doc: {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
  webhooks?: Record<string, { post: { requestBody: { content: Record<string, { schema: JsonSchema }> } } }>;
}): string {
  const out: string[] = [
    '// Written by `npm run sdk:generate` from the API’s OpenAPI document: change the routes, then regenerate.',
    "import { type MailmonClientOptions, send } from './http.js';",
    '',
  ];
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    // the problem document is written by hand in http.ts, with the error class that carries it
    if (name === 'Problem') continue;
    const doc = schema.description ? `/** ${schema.description} */\n` : '';
    out.push(`${doc}export type ${name} = ${tsType(schema)};`, '');
  }
  const events = Object.entries(doc.webhooks ?? {});
  // event schemas are named under components; a webhook refers to its event's type
  const eventTypes = events.map(([, hook]) =>
    tsType(hook.post.requestBody.content['application/json']!.schema),
  );
  if (events.length > 0) {
    out.push(
      '/** Any event Mailmon delivers, discriminated by `type`. */',
      `export type MailmonEvent =\n${eventTypes.map((t) => `  | ${t}`).join('\n')};`,
      '',
      '/** Every event type. */',
      "export type MailmonEventType = MailmonEvent['type'];",
      '',
      '/** The event of one type. */',
      'export type EventOf<T extends MailmonEventType> = Extract<MailmonEvent, { type: T }>;',
      '',
    );
  }
  out.push(
    '/** A typed client of the Mailmon REST API: one method per operation; errors throw `MailmonApiError`. */',
    'export class MailmonClient {',
    '  constructor(private readonly options: MailmonClientOptions) {}',
    '',
  );
  const methods: string[] = [];
  for (const [path, verbs] of Object.entries(doc.paths))
    for (const [verb, op] of Object.entries(verbs)) {
      // only API-key operations: health, the document itself and browser redirects are not client calls
      if (!op.security || op.security.length === 0) continue;
      methods.push(method(path, verb, op));
    }
  out.push(methods.join('\n\n'), '}', '');
  return out.join('\n');
}

/** The SDK source for the current routes. */
export function currentSdkSource(): string {
  return generateSdk(apiDocument(apiRoutes(() => undefined) as Route<unknown>[]) as never);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GENERATED_SDK, currentSdkSource());
  console.log(`wrote ${GENERATED_SDK}`);
}
