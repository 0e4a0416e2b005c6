import * as v from 'valibot';
import { EVENT_TYPES } from '../../../shared/events/event.js';
import { eventSchema } from '../../../shared/events/event-schemas.js';
import { buildOpenApi } from '../http/openapi.js';
import { defineRoute, type Route } from '../http/route.js';

/** The API's OpenAPI 3.1 document: every route, and every event as a webhook. */
export function apiDocument(routes: Route<unknown>[], serverUrl?: string) {
  return buildOpenApi(routes, {
    title: 'Mailmon API',
    version: '1.0.0',
    ...(serverUrl ? { serverUrl } : {}),
    webhooks: Object.fromEntries(EVENT_TYPES.map((type) => [type, eventSchema(type)])),
  });
}

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
      cached ??= apiDocument(routes() as Route<unknown>[], serverUrl());
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
