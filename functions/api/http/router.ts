import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { mapErrorToHttp } from '../../../shared/runtime/error-mapping.js';
import { describeError, type Logger } from '../../../shared/runtime/logger.js';
import { sendProblem } from '../../../shared/runtime/problem.js';
import { type Authenticate, authenticate } from './authenticate.js';
import { compileRoutes, matchRoute } from './match-route.js';
import type { Route, RouteResult } from './route.js';
import { type RawRequest, validateRequest } from './validate-request.js';

export type { Authenticate } from './authenticate.js';

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

function jsonBody(req: Request): RawRequest['body'] {
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
 * Builds one HTTP function from routes, in steps: {@link matchRoute} (404/405), {@link authenticate} (401
 * on API-key routes), {@link validateRequest} (400 problem JSON; the handler is not called), then the
 * handler. Thrown typed errors go through the single error mapping; unexpected ones are logged, never echoed.
 */
export function createRouter<D>(
  routes: Route<D>[],
  deps: () => Promise<D> | D,
  auth: (d: D) => Authenticate,
  logger: Logger,
): HttpFunction {
  const compiled = compileRoutes(routes);
  return async (req, res) => {
    const matched = matchRoute(compiled, req.method, req.path);
    if (!matched.ok) {
      sendProblem(res, matched.problem, matched.headers);
      return;
    }
    const { route } = matched;
    try {
      const d = route.standalone ? (undefined as D) : await deps();
      const caller = await authenticate(route, req.get('authorization'), () => auth(d));
      if (!caller.ok) {
        sendProblem(res, caller.problem, caller.headers);
        return;
      }
      const input = validateRequest(route, {
        params: matched.params,
        query: { ...(req.query as Record<string, unknown>) },
        body: route.body ? jsonBody(req) : { ok: true, value: undefined },
      });
      if (!input.ok) {
        sendProblem(res, input.problem);
        return;
      }
      const { params, query, body } = input;
      const result = await route.handle({
        params,
        query,
        body,
        workspaceId: caller.workspaceId,
        deps: d,
        req,
      } as never);
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
