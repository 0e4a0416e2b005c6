import * as v from 'valibot';
import { problem } from '../../../shared/runtime/problem.js';

/** A resource id in a path or filter: URL-safe, at most 128 characters. */
export const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be an id'));

/** The opaque `nextCursor` of a previous page, passed back as it was given. */
export const Cursor = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{1,512}$/, 'must be a cursor from a previous page'),
);

/** `limit` of a list: 1 to `max` items a page (`fallback` when absent). */
export function PageLimit(max = 100, fallback = 50) {
  return v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,4}$/, `must be 1-${max}`),
      v.transform(Number),
      v.minValue(1, `must be 1-${max}`),
      v.maxValue(max, `must be 1-${max}`),
    ),
    String(fallback),
  );
}

/**
 * The answer for a resource that is not the caller's workspace's, whether it exists elsewhere or not at
 * all: the same 404 problem either way, so nothing tells one workspace what another has.
 */
export function notFound(what: string) {
  return {
    status: 404,
    body: problem(404, 'not_found', 'Not found', `No such ${what} in this workspace.`),
  } as const;
}
