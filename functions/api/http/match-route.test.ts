import { describe, expect, it } from 'vitest';
import { compileRoutes, matchRoute } from './match-route.js';
import type { Route } from './route.js';

const route = (method: Route<unknown>['method'], path: string) =>
  ({ method, path, operationId: `${method} ${path}` }) as Route<unknown>;
const compiled = compileRoutes([
  route('GET', '/v1/things'),
  route('POST', '/v1/things'),
  route('GET', '/v1/things/:thingId'),
  route('DELETE', '/v1/things/:thingId/parts/:partId'),
]);

describe('matchRoute', () => {
  it('finds the route for a method and path, with its parameters decoded', () => {
    const hit = matchRoute(compiled, 'DELETE', '/v1/things/a%20b/parts/p_1');
    expect(hit).toMatchObject({ ok: true, params: { thingId: 'a b', partId: 'p_1' } });
    expect(hit.ok && hit.route.operationId).toBe('DELETE /v1/things/:thingId/parts/:partId');
  });

  it('takes a trailing slash, and a parameter never spans a slash', () => {
    expect(matchRoute(compiled, 'GET', '/v1/things/')).toMatchObject({ ok: true, params: {} });
    expect(matchRoute(compiled, 'GET', '/v1/things/a/b')).toMatchObject({
      ok: false,
      problem: { status: 404, code: 'not_found' },
    });
  });

  it('answers 404 for a path no route serves, naming it', () => {
    expect(matchRoute(compiled, 'GET', '/v2/things')).toEqual({
      ok: false,
      problem: expect.objectContaining({
        status: 404,
        code: 'not_found',
        detail: 'No route for GET /v2/things',
      }),
    });
  });

  it('answers 405 with Allow for a path served only for other methods', () => {
    expect(matchRoute(compiled, 'PUT', '/v1/things')).toEqual({
      ok: false,
      problem: expect.objectContaining({ status: 405, code: 'method_not_allowed' }),
      headers: { allow: 'GET, POST' },
    });
  });

  it('answers 400 invalid_path for a malformed percent-escape in a parameter', () => {
    expect(matchRoute(compiled, 'GET', '/v1/things/%E0%A4%A')).toMatchObject({
      ok: false,
      problem: { status: 400, code: 'invalid_path' },
    });
  });
});
