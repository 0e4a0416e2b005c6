import * as v from 'valibot';
import { type Problem, problem } from '../../../shared/runtime/problem.js';
import type { Route } from './route.js';

/** A request's parts as received: path parameters, query, and the body (`invalid` when it is not JSON). */
export interface RawRequest {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: { ok: true; value: unknown } | { ok: false };
}

/** The parts as the route's schemas output them, or the 400 problem to answer. */
export type Validated =
  | { ok: true; params: unknown; query: unknown; body: unknown }
  | { ok: false; problem: Problem };

interface Issue {
  in: 'path' | 'query' | 'body';
  path: string;
  message: string;
}

function parse(schema: Route<unknown>['params'], input: unknown, where: Issue['in'], issues: Issue[]) {
  if (!schema) return where === 'body' ? undefined : {};
  const r = v.safeParse(schema, input, { abortEarly: false });
  if (r.success) return r.output;
  for (const issue of r.issues)
    issues.push({ in: where, path: v.getDotPath(issue) ?? '', message: issue.message });
  return undefined;
}

/**
 * The validation step: parses path parameters, query and body with the route's valibot schemas. A body that
 * is not JSON is 400 `invalid_json`; anything else that does not match is one 400 `invalid_request` listing
 * every issue (`errors`: where, path, message). An API-key route without a query schema refuses any query
 * parameter, as routes with one refuse unknown ones. A route without a body schema ignores the body.
 */
export function validateRequest(
  route: Pick<Route<unknown>, 'params' | 'query' | 'body' | 'auth'>,
  raw: RawRequest,
): Validated {
  if (route.body && !raw.body.ok)
    return {
      ok: false,
      problem: problem(400, 'invalid_json', 'Malformed JSON', 'The request body is not valid JSON.'),
    };
  const issues: Issue[] = [];
  const params = parse(route.params, raw.params, 'path', issues);
  if (!route.query && route.auth === 'apiKey')
    for (const key of Object.keys(raw.query))
      issues.push({ in: 'query', path: key, message: 'is not a parameter of this route' });
  const query = parse(route.query, raw.query, 'query', issues);
  const body = parse(route.body, raw.body.ok ? raw.body.value : undefined, 'body', issues);
  if (issues.length > 0)
    return {
      ok: false,
      problem: problem(400, 'invalid_request', 'Invalid request', 'The request does not match the schema.', {
        errors: issues,
      }),
    };
  return { ok: true, params, query, body };
}
