import * as v from 'valibot';
import { buildOpenApi } from '../http/openapi.js';
import { defineRoute, type Route } from '../http/route.js';

/** The OpenAPI document of every API route, served from the routes themselves. */
export function openApiRoute<D>(routes: () => Route<D>[], serverUrl: () => string | undefined): Route<D> {
  let cached: unknown;
  return defineRoute<D>({
    method: 'GET',
    path: '/v1/openapi.json',
    operationId: 'getOpenApi',
    summary: 'The OpenAPI 3.1 document of this API',
    tag: 'Meta',
    auth: 'none',
    standalone: true,
    responses: {
      200: { description: 'OpenAPI document', schema: v.object({ openapi: v.literal('3.1.0') }) },
    },
    async handle() {
      cached ??= buildOpenApi(routes() as Route<unknown>[], {
        title: 'Mailmon API',
        version: '1.0.0',
        serverUrl: serverUrl(),
      });
      return { status: 200, body: cached };
    },
  });
}

/** `GET /healthz`: answers without configuration or storage. */
export function healthRoute<D>(name: string): Route<D> {
  return defineRoute<D>({
    method: 'GET',
    path: '/healthz',
    operationId: `${name}Health`,
    summary: 'Liveness check',
    tag: 'Meta',
    auth: 'none',
    standalone: true,
    responses: {
      200: { description: 'Alive', schema: v.object({ status: v.literal('ok'), function: v.string() }) },
    },
    async handle() {
      return { status: 200, body: { status: 'ok', function: name } };
    },
  });
}
