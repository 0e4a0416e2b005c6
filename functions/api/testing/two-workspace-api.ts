import type { Server } from 'node:http';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { expect } from 'vitest';
import { systemClock } from '../../../shared/core/clock.js';
import { jsonLogger } from '../../../shared/runtime/logger.js';
import { issueApiKey } from '../../../shared/workspaces/api-keys.js';
import { type ApiDeps, apiRoutes, createApiFunction } from '../app.js';
import type { Route } from '../http/route.js';

/** A request that reached a route's handler: authenticated and valid. */
export interface HandledCall {
  /** `METHOD /path/:param`, as the route declares it. */
  route: string;
  workspaceId: string;
}

/** The `api` function behind the real functions-framework server, with an API key for workspaces `ws_a` and `ws_b`. */
export interface TwoWorkspaceApi {
  url: string;
  keys: Record<'a' | 'b', string>;
  /** Every request that reached a route's handler, in order. */
  handled: HandledCall[];
  /** Calls the API as workspace `a` or `b`, with a JSON body when given. */
  call(who: 'a' | 'b', method: string, path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the API over `deps` on a free loopback port. `name` must be unique per test file. */
export async function startTwoWorkspaceApi(name: string, deps: ApiDeps): Promise<TwoWorkspaceApi> {
  const keys = {
    a: (await issueApiKey({ workspaces: deps.workspaces, clock: systemClock }, 'ws_a', 'a')).apiKey,
    b: (await issueApiKey({ workspaces: deps.workspaces, clock: systemClock }, 'ws_b', 'b')).apiKey,
  };
  const handled: HandledCall[] = [];
  // each route records the calls its handler gets, so a test can tell a refusal from a request that never matched
  const routes = apiRoutes(() => undefined).map(
    (r): Route<ApiDeps> => ({
      ...r,
      handle: (ctx) => {
        handled.push({ route: `${r.method} ${r.path}`, workspaceId: ctx.workspaceId });
        return r.handle(ctx);
      },
    }),
  );
  http(
    name,
    createApiFunction(
      async () => deps,
      jsonLogger('error', () => {}),
      () => undefined,
      routes,
    ),
  );
  const server: Server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    keys,
    handled,
    call: (who, method, path, body) =>
      fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${keys[who]}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Sends `rawBody` (not JSON) as workspace `a`, first as `text/plain`, then as `application/json`, and expects
 * both refused with 400: the first by the router with the `invalid_json` problem, the second by the Functions
 * Framework's own JSON parser before the router runs (an HTML page: functions-framework-nodejs#686).
 */
export async function expectNotJsonRefused(
  api: TwoWorkspaceApi,
  method: string,
  path: string,
  rawBody: string,
): Promise<void> {
  const send = (contentType: string) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${api.keys.a}`, 'content-type': contentType },
      body: rawBody,
    });
  const asText = await send('text/plain');
  expect(asText.status).toBe(400);
  expect(asText.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await asText.json()).toMatchObject({ code: 'invalid_json' });
  const asJson = await send('application/json');
  expect(asJson.status).toBe(400);
  await asJson.body?.cancel();
}

/**
 * Expects a refusal that tells nothing: 404 problem JSON `not_found`, its body holding none of `marks` (strings
 * only the other workspace's data contains).
 */
export async function expectNotFound(response: Response, marks: string[]): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(404);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(text)).toMatchObject({ status: 404, code: 'not_found' });
  for (const mark of marks) expect(text).not.toContain(mark);
}
