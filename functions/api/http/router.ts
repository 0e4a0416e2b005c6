import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import * as v from 'valibot';
import { mapErrorToHttp } from '../../../shared/runtime/error-mapping.js';
import { describeError, type Logger } from '../../../shared/runtime/logger.js';
import { problem, sendProblem } from '../../../shared/runtime/problem.js';
import type { Route, RouteResult } from './route.js';

/** Resolves `Authorization: Bearer <key>` to a workspace id, or undefined when the key is unknown or revoked. */
export type Authenticate = (apiKey: string) => Promise<string | undefined>;

interface CompiledRoute<D> {
  route: Route<D>;
  pattern: RegExp;
  names: string[];
}

function compile<D>(route: Route<D>): CompiledRoute<D> {
  const names: string[] = [];
  const source = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

function issuesOf(issues: v.BaseIssue<unknown>[], where: string) {
  return issues.map((issue) => ({ in: where, path: v.getDotPath(issue) ?? '', message: issue.message }));
}

function send(res: Response, result: RouteResult): void {
  if ('redirect' in result) {
    res.status(result.status).set('location', result.redirect).set('cache-control', 'no-store').send('');
    return;
  }
  if ('html' in result) {
    res
      .status(result.status)
      .set('content-type', 'text/html; charset=utf-8')
      .set('cache-control', 'no-store')
      .send(result.html);
    return;
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) res.set(name, value);
  if (result.body === undefined) {
    res.status(result.status).send('');
    return;
  }
  // handlers answer errors with problem documents (RFC 7807)
  const type = result.status >= 400 ? 'application/problem+json' : 'application/json';
  res.status(result.status).set('content-type', type).send(JSON.stringify(result.body));
}

function parseJsonBody(req: Request): { ok: true; value: unknown } | { ok: false } {
  // the Functions Framework has parsed a JSON body already; of any other type it only kept the bytes
  if (req.is('application/json')) return { ok: true, value: req.body };
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  if (!raw || raw.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/**
 * Builds one HTTP function from routes: matches method and path, authenticates API-key routes, validates
 * params, query and body with the route's valibot schemas (400 problem JSON, handler not called), and maps
 * thrown typed errors through the single error mapping. Unexpected errors are logged, never echoed.
 */
export function createRouter<D>(
  routes: Route<D>[],
  deps: () => Promise<D> | D,
  auth: (d: D) => Authenticate,
  logger: Logger,
): HttpFunction {
  const compiled = routes.map(compile);
  return async (req, res) => {
    const path = req.path;
    const matching = compiled.filter((c) => c.pattern.test(path));
    if (matching.length === 0) {
      sendProblem(res, problem(404, 'not_found', 'Not found', `No route for ${req.method} ${path}`));
      return;
    }
    const hit = matching.find((c) => c.route.method === req.method);
    if (!hit) {
      const allow = [...new Set(matching.map((c) => c.route.method))].join(', ');
      sendProblem(res, problem(405, 'method_not_allowed', 'Method not allowed', `Use ${allow}`), { allow });
      return;
    }
    const { route } = hit;
    try {
      const d = route.standalone ? (undefined as D) : await deps();
      let workspaceId = '';
      if (route.auth === 'apiKey') {
        const header = req.get('authorization') ?? '';
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        const found = match?.[1] ? await auth(d)(match[1]) : undefined;
        if (!found) {
          sendProblem(
            res,
            problem(
              401,
              'unauthorized',
              'Unauthorized',
              'Send a valid API key as `Authorization: Bearer mm_live_…`.',
            ),
            {
              'www-authenticate': 'Bearer',
            },
          );
          return;
        }
        workspaceId = found;
      }
      const values = hit.pattern.exec(path)?.slice(1) ?? [];
      const rawParams = Object.fromEntries(
        hit.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]),
      );
      const errors: ReturnType<typeof issuesOf> = [];
      const parsePart = (schema: Route<D>['params'], input: unknown, where: string) => {
        if (!schema) return where === 'body' ? undefined : {};
        const r = v.safeParse(schema, input, { abortEarly: false });
        if (!r.success) errors.push(...issuesOf(r.issues, where));
        return r.success ? r.output : undefined;
      };
      let bodyInput: unknown;
      if (route.body) {
        const parsed = parseJsonBody(req);
        if (!parsed.ok) {
          sendProblem(
            res,
            problem(400, 'invalid_json', 'Malformed JSON', 'The request body is not valid JSON.'),
          );
          return;
        }
        bodyInput = parsed.value;
      }
      const params = parsePart(route.params, rawParams, 'path');
      const rawQuery = { ...(req.query as Record<string, unknown>) };
      // an API route without query parameters refuses them, as routes with a query schema refuse unknown ones
      if (!route.query && route.auth === 'apiKey')
        for (const key of Object.keys(rawQuery))
          errors.push({ in: 'query', path: key, message: 'is not a parameter of this route' });
      const query = parsePart(route.query, rawQuery, 'query');
      const body = parsePart(route.body, bodyInput, 'body');
      if (errors.length > 0) {
        sendProblem(
          res,
          problem(400, 'invalid_request', 'Invalid request', 'The request does not match the schema.', {
            errors,
          }),
        );
        return;
      }
      const result = await route.handle({ params, query, body, workspaceId, deps: d, req } as never);
      send(res, result);
    } catch (error) {
      const mapped = mapErrorToHttp(error);
      if (mapped.problem.status >= 500) {
        logger.error('request failed', { route: route.operationId, ...describeError(error) });
      }
      sendProblem(res, mapped.problem, mapped.headers);
    }
  };
}
