import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { validateRequest } from './validate-request.js';

const route = {
  auth: 'apiKey' as const,
  params: v.object({ id: v.pipe(v.string(), v.startsWith('t_')) }),
  query: v.strictObject({ limit: v.optional(v.pipe(v.string(), v.transform(Number))) }),
  body: v.strictObject({ name: v.string() }),
};
const ok = (value: unknown) => ({ ok: true as const, value });

describe('validateRequest', () => {
  it('answers the schemas’ outputs for a valid request', () => {
    expect(
      validateRequest(route, { params: { id: 't_1' }, query: { limit: '5' }, body: ok({ name: 'n' }) }),
    ).toEqual({ ok: true, params: { id: 't_1' }, query: { limit: 5 }, body: { name: 'n' } });
  });

  it('lists every issue of path, query and body in one 400 invalid_request', () => {
    const answer = validateRequest(route, { params: { id: 'x' }, query: { extra: '1' }, body: ok({}) });
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.problem).toMatchObject({ status: 400, code: 'invalid_request' });
    const errors = (!answer.ok && (answer.problem.errors as { in: string; path: string }[])) || [];
    expect(errors.map((e) => `${e.in}:${e.path}`).sort()).toEqual(['body:name', 'path:id', 'query:extra']);
  });

  it('answers 400 invalid_json for a body that is not JSON, before anything else', () => {
    expect(validateRequest(route, { params: { id: 'x' }, query: {}, body: { ok: false } })).toMatchObject({
      ok: false,
      problem: { status: 400, code: 'invalid_json' },
    });
  });

  it('refuses query parameters on an API-key route without a query schema, and ignores a body it does not take', () => {
    const bare = { auth: 'apiKey' as const };
    expect(validateRequest(bare, { params: {}, query: { a: '1' }, body: { ok: false } })).toMatchObject({
      ok: false,
      problem: { errors: [{ in: 'query', path: 'a', message: 'is not a parameter of this route' }] },
    });
    expect(validateRequest(bare, { params: {}, query: {}, body: ok({ any: 1 }) })).toEqual({
      ok: true,
      params: {},
      query: {},
      body: undefined,
    });
    // pages and callbacks (no API key) keep their own query handling
    expect(
      validateRequest({ auth: 'none' }, { params: {}, query: { code: 'x' }, body: ok(undefined) }),
    ).toMatchObject({
      ok: true,
    });
  });
});
