import { toJsonSchema } from '@valibot/to-json-schema';
import type { Route } from './route.js';

type Schema = NonNullable<Route<unknown>['body']>;

function json(schema: Schema): Record<string, unknown> {
  const { $schema: _draft, ...rest } = toJsonSchema(schema, {
    target: 'draft-2020-12',
    errorMode: 'ignore',
  }) as Record<string, unknown>;
  return rest;
}

/**
 * Moves every titled schema (`v.title(...)`) into `components.schemas` and points to it with `$ref`, so a
 * shape used by several operations is named once. Two different shapes under one title are a bug.
 */
function hoistTitled(node: unknown, components: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => hoistTitled(n, components));
  if (!node || typeof node !== 'object') return node;
  const { title, ...rest } = node as Record<string, unknown>;
  const inner = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, hoistTitled(v, components)]));
  if (typeof title !== 'string') return title === undefined ? inner : { title, ...inner };
  const existing = components[title];
  if (existing && JSON.stringify(existing) !== JSON.stringify(inner))
    throw new Error(`Two different schemas are titled ${title}`);
  components[title] = inner;
  return { $ref: `#/components/schemas/${title}` };
}

function parameters(schema: Schema | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const converted = json(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(converted.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (converted.required ?? []).includes(name),
    schema: s,
  }));
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'detail', 'retryable'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', description: 'Stable machine-readable error code.' },
    detail: { type: 'string' },
    retryable: {
      type: 'boolean',
      description: 'Whether the same request may succeed when sent again later.',
    },
    resource: { type: 'object', additionalProperties: { type: 'string' } },
    errors: { type: 'array', items: { type: 'object' } },
  },
};

/**
 * An OpenAPI 3.1 document generated from the routes' own valibot schemas, so the document, request
 * validation and response types cannot disagree. Every operation also documents the problem responses.
 */
export function buildOpenApi(
  routes: Route<unknown>[],
  info: { title: string; version: string; serverUrl?: string; webhooks?: Record<string, Schema> },
) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { [response.contentType ?? 'application/json']: { schema: json(response.schema) } } }
          : {}),
      };
    }
    const problemResponse = (description: string) => ({
      description,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    responses['400'] ??= problemResponse('Invalid request');
    if (route.params) responses['404'] ??= problemResponse('No such resource in this workspace');
    if (route.auth === 'apiKey') responses['401'] ??= problemResponse('Missing, unknown or revoked API key');
    responses.default = problemResponse('Error');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth === 'apiKey' ? { security: [{ apiKey: [] }] } : { security: [] }),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: json(route.body) } } } }
        : {}),
      responses,
    };
  }
  const schemas: Record<string, unknown> = { Problem: problemSchema };
  const document = {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    ...(info.webhooks
      ? {
          webhooks: Object.fromEntries(
            Object.entries(info.webhooks).map(([name, schema]) => [
              name,
              {
                post: {
                  operationId: `${name.replace(/[._]([a-z])/g, (_, c: string) => c.toUpperCase())}Webhook`,
                  summary: `The \`${name}\` event, signed per Standard Webhooks`,
                  requestBody: { required: true, content: { 'application/json': { schema: json(schema) } } },
                  responses: { '2XX': { description: 'Received; any other answer is retried' } },
                },
              },
            ]),
          ),
        }
      : {}),
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'Workspace API key `mm_live_…`' },
      },
      schemas,
    },
  };
  document.paths = hoistTitled(document.paths, schemas) as typeof paths;
  if ('webhooks' in document)
    document.webhooks = hoistTitled(document.webhooks, schemas) as typeof document.webhooks;
  return document;
}
