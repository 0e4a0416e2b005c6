import { type Problem, problem } from '../../../shared/runtime/problem.js';
import type { Route } from './route.js';

/** Resolves `Authorization: Bearer <key>` to a workspace id, or undefined when the key is unknown or revoked. */
export type Authenticate = (apiKey: string) => Promise<string | undefined>;

/** The caller's workspace ('' on a route without auth), or the 401 problem to answer. */
export type Authenticated =
  | { ok: true; workspaceId: string }
  | { ok: false; problem: Problem; headers: Record<string, string> };

/**
 * The authentication step: a route with `auth: 'apiKey'` needs `Authorization: Bearer <key>` naming a
 * live key, else 401 `unauthorized` with `WWW-Authenticate: Bearer` (the same answer for a missing, unknown
 * or revoked key); other routes pass with no workspace. The key is looked up only when the header is well formed.
 */
export async function authenticate(
  route: Pick<Route<unknown>, 'auth'>,
  authorization: string | undefined,
  lookup: () => Authenticate,
): Promise<Authenticated> {
  if (route.auth !== 'apiKey') return { ok: true, workspaceId: '' };
  const key = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const workspaceId = key ? await lookup()(key) : undefined;
  if (workspaceId) return { ok: true, workspaceId };
  return {
    ok: false,
    problem: problem(
      401,
      'unauthorized',
      'Unauthorized',
      'Send a valid API key as `Authorization: Bearer mm_live_…`.',
    ),
    headers: { 'www-authenticate': 'Bearer' },
  };
}
