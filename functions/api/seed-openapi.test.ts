import { toJsonSchema } from '@valibot/to-json-schema';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from './app.js';
import type { Route } from './http/route.js';
import { apiDocument } from './routes/meta.js';
import { seedOperations, seedSchemas } from './testing/seed-contract.js';

type Node = Record<string, unknown> & {
  $ref?: string;
  anyOf?: Node[];
  oneOf?: Node[];
  type?: string | string[];
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  enum?: unknown[];
  const?: unknown;
};
interface Operation {
  requestBody?: { content: { 'application/json': { schema: Node } } };
  responses: Record<string, { content?: Record<string, { schema: Node }> }>;
}

const doc = apiDocument(apiRoutes(() => undefined) as Route<unknown>[]) as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Node> };
};
const template = (path: string) => path.replace(/[:{]([A-Za-z]+)\}?/g, '{}');
const operationOf = (method: string, path: string): Operation | undefined =>
  Object.entries(doc.paths).find(([p]) => template(p) === template(path))?.[1][method.toLowerCase()];

const resolve = (node: Node): Node =>
  node.$ref ? resolve(doc.components.schemas[node.$ref.split('/').at(-1)!]!) : node;
/** The branches of a schema, `null` dropped: a nullable seed field may be nullable here too. */
const branches = (node: Node): Node[] => {
  const n = resolve(node);
  const alternatives = n.anyOf ?? n.oneOf;
  return alternatives ? alternatives.flatMap(branches) : n.type === 'null' ? [] : [n];
};
const typeOf = (n: Node) =>
  n.type ??
  (n.const !== undefined ? typeof n.const : n.enum ? typeof n.enum[0] : n.properties ? 'object' : 'any');
const values = (n: Node) => (n.const !== undefined ? [n.const] : n.enum);

/** Where `ours` fails to offer what `seed` promises: missing required fields, other types, enum values it lacks. */
function shortfalls(seed: Node, ours: Node, at: string): string[] {
  const nullableSeed = (resolve(seed).anyOf ?? []).some((b) => b.type === 'null');
  const nullableOurs = (resolve(ours).anyOf ?? resolve(ours).oneOf ?? []).some(
    (b) => resolve(b).type === 'null',
  );
  if (nullableOurs && !nullableSeed) return [`${at}: may be null, the seed's may not`];
  const problems: string[] = [];
  for (const s of branches(seed)) {
    const candidates = branches(ours).filter((o) => typeOf(o) === typeOf(s));
    if (candidates.length === 0) {
      if (typeOf(s) !== 'any') problems.push(`${at}: the seed's is ${String(typeOf(s))}, not here`);
      continue;
    }
    const found = candidates.map((o) => {
      const out: string[] = [];
      const sv = values(s);
      const ov = values(o);
      // a seed enumeration lists every value a client may see: ours may send no other
      if (sv && ov)
        for (const x of ov) if (!sv.includes(x)) out.push(`${at}: sends ${String(x)}, not a seed value`);
      if (sv && !ov && typeOf(s) === 'string' && sv.length > 0 && s.enum)
        out.push(`${at}: any string here, the seed's is one of ${sv.join('|')}`);
      for (const key of s.required ?? [])
        if (!(o.required ?? []).includes(key)) out.push(`${at}.${key}: required by the seed, not here`);
      for (const [key, child] of Object.entries(s.properties ?? {}))
        if (o.properties?.[key]) out.push(...shortfalls(child, o.properties[key], `${at}.${key}`));
      if (s.items && o.items) out.push(...shortfalls(s.items, o.items, `${at}[]`));
      return out;
    });
    if (!found.some((f) => f.length === 0)) problems.push(...found[0]!);
  }
  return problems;
}

/** Where this API knowingly goes beyond the seed's schemas (a finding ending so), and why; any other fails. */
const EXTENSIONS: Record<string, string> = {
  'status: sends deleting, not a seed value':
    'a mailbox being erased after DELETE /v1/mailboxes/:id; the seed allows values beyond its enumerations',
  "Replay.mailboxId: may be null, the seed's may not":
    'null only for replays of an event list or of every mailbox, which the seed cannot make',
  "Replay.startTime: may be null, the seed's may not": 'null only for a replay of an event list',
  "Replay.endTime: may be null, the seed's may not": 'null only for a replay of an event list',
};
const unexplained = (found: string[]) =>
  found.filter((f) => !Object.keys(EXTENSIONS).some((known) => f.endsWith(known)));

describe('the OpenAPI document, beside the seed’s', () => {
  it.each(seedOperations)(
    '$operationId: $method $path is here, taking the seed’s body and answering its schema',
    (op) => {
      const ours = operationOf(op.method, op.path);
      expect(ours, `${op.method} ${op.path} is not in the document`).toBeDefined();
      const response = ours!.responses[String(op.success.status)]?.content?.['application/json']?.schema;
      expect(response, `no ${op.success.status} JSON response`).toBeDefined();
      const seed = toJsonSchema(seedSchemas[op.success.schema], { errorMode: 'ignore' }) as Node;
      expect(unexplained(shortfalls(seed, response!, op.success.schema))).toEqual([]);
      for (const status of op.problems)
        expect(ours!.responses[String(status)] ?? ours!.responses.default, `${status}`).toBeDefined();
      if (op.body) {
        const body = ours!.requestBody?.content['application/json'].schema;
        expect(body).toBeDefined();
        const names = op.body.map((b) => b.replace('?', ''));
        // one shape of the body takes every seed property together
        const shapes = branches(body!).filter((b) => names.every((n) => b.properties?.[n]));
        expect(shapes, `no body shape takes ${names.join(', ')}`).not.toEqual([]);
      }
    },
  );

  it('finds what a shortfall is: a missing field, a nullable one, a foreign enum value', () => {
    const seed = toJsonSchema(seedSchemas.Mailbox, { errorMode: 'ignore' }) as Node;
    const ours = resolve(
      operationOf('GET', '/v1/mailboxes/:mailboxId')!.responses['200']!.content!['application/json']!.schema,
    );
    expect(shortfalls(seed, ours, 'Mailbox')).toEqual(['Mailbox.status: sends deleting, not a seed value']);
    expect(unexplained(shortfalls(seed, ours, 'Mailbox'))).toEqual([]);
    const withoutProvider = { ...ours, required: ours.required!.filter((k) => k !== 'provider') };
    expect(unexplained(shortfalls(seed, withoutProvider, 'Mailbox'))).toEqual([
      'Mailbox.provider: required by the seed, not here',
    ]);
    const nullableId = {
      ...ours,
      properties: { ...ours.properties, id: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
    };
    expect(unexplained(shortfalls(seed, nullableId, 'Mailbox'))).toEqual([
      "Mailbox.id: may be null, the seed's may not",
    ]);
    const otherStatus = {
      ...ours,
      properties: { ...ours.properties, status: { enum: ['active', 'paused'] } },
    };
    expect(shortfalls(seed, otherStatus, 'Mailbox')).toEqual([
      'Mailbox.status: sends paused, not a seed value',
    ]);
    const numberCount = { ...ours, properties: { ...ours.properties, emailAddress: { type: 'number' } } };
    expect(shortfalls(seed, numberCount, 'Mailbox')).toEqual([
      "Mailbox.emailAddress: the seed's is string, not here",
      'Mailbox.status: sends deleting, not a seed value',
    ]);
  });
});
