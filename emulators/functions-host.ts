import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type HttpFunction, http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { BODY_LIMITS, MAX_BODY_BYTES, refuseEarly } from '../functions/edge.js';
import type { FunctionName } from '../functions/function-names.js';

/**
 * Serves several functions from one local process: `/<functionName>/<rest>` is routed to that function's
 * own functions-framework server with the path `/<rest>`, as each sees it when deployed on its own, and
 * screened before that server reads it, as a deployment screens it (see `refuseEarly`).
 */
export async function startFunctionsHost(
  handlers: Record<string, HttpFunction>,
  port: number,
  host = '127.0.0.1',
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const suffix = randomBytes(4).toString('hex');
  const targets = new Map<string, Server>();
  for (const [name, handler] of Object.entries(handlers)) {
    // unique registrations let several stacks share one process (tests) without clobbering each other
    http(`${name}_${suffix}`, handler);
    targets.set(name, getTestServer(`${name}_${suffix}`));
  }
  let active = 0;
  let drained: (() => void) | undefined;
  const server = createServer((req, res) => {
    active += 1;
    res.once('close', () => {
      active -= 1;
      if (active === 0) drained?.();
    });
    const url = new URL(req.url ?? '/', 'http://local');
    const [, name, ...rest] = url.pathname.split('/');
    const target = name ? targets.get(name) : undefined;
    if (!target) {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          type: 'https://mailmon.dev/problems/unknown_function',
          title: 'Unknown function',
          status: 404,
          code: 'unknown_function',
          detail: `Use one of /${[...targets.keys()].join(', /')}`,
        }),
      );
      return;
    }
    req.url = `/${rest.join('/')}${url.search}`;
    // screened as a deployment's process screens it, before the function's framework server reads it
    refuseEarly(req, BODY_LIMITS[name as FunctionName] ?? MAX_BODY_BYTES);
    target.emit('request', req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${actual}`,
    server,
    // stops accepting, lets requests in flight finish (at most 10 s), then drops idle connections
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (active > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            drained = resolve;
          }),
          new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
