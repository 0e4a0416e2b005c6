import { type Problem, problem } from '../../../shared/runtime/problem.js';
import type { Route } from './route.js';

/** A route's path as a pattern, and the names of its `:params` in order. */
export interface CompiledRoute<D> {
  route: Route<D>;
  pattern: RegExp;
  names: string[];
}

/** Compiles each route's path (`/v1/things/:id`) once, for {@link matchRoute}. */
export function compileRoutes<D>(routes: Route<D>[]): CompiledRoute<D>[] {
  return routes.map((route) => {
    const names: string[] = [];
    const source = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, pattern: new RegExp(`^${source}/?$`), names };
  });
}

/** A matched route and its raw (decoded, unvalidated) path parameters, or the problem to answer. */
export type Matched<D> =
  | { ok: true; route: Route<D>; params: Record<string, string> }
  | { ok: false; problem: Problem; headers?: Record<string, string> };

/**
 * The routing step: finds the route for `method` and `path`. A path no route serves is 404 `not_found`; a
 * path served for other methods only is 405 `method_not_allowed` with `Allow`; a malformed percent-escape in
 * a parameter is 400 `invalid_path`. Never throws.
 */
export function matchRoute<D>(compiled: CompiledRoute<D>[], method: string, path: string): Matched<D> {
  const matching = compiled.filter((c) => c.pattern.test(path));
  if (matching.length === 0)
    return { ok: false, problem: problem(404, 'not_found', 'Not found', `No route for ${method} ${path}`) };
  const hit = matching.find((c) => c.route.method === method);
  if (!hit) {
    const allow = [...new Set(matching.map((c) => c.route.method))].join(', ');
    return {
      ok: false,
      problem: problem(405, 'method_not_allowed', 'Method not allowed', `Use ${allow}`),
      headers: { allow },
    };
  }
  const values = hit.pattern.exec(path)?.slice(1) ?? [];
  const params: Record<string, string> = {};
  for (const [i, name] of hit.names.entries()) {
    try {
      params[name] = decodeURIComponent(values[i] ?? '');
    } catch {
      return {
        ok: false,
        problem: problem(
          400,
          'invalid_path',
          'Malformed path',
          'The request path has a malformed percent-escape.',
        ),
      };
    }
  }
  return { ok: true, route: hit.route, params };
}
