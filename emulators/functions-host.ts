import { createServer, type Server } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { FUNCTION_NAMES, type FunctionName } from '../functions/health.js';

/**
 * Serves every Mailmon function from one local process: `/<functionName>/<rest>` is routed to that
 * function's functions-framework server with the path `/<rest>`, as each would see it when deployed.
 * The function modules must already be registered (import `functions/index.js` first).
 */
export async function startFunctionsHost(
  port: number,
  host = '127.0.0.1',
): Promise<{ url: string; server: Server }> {
  const targets = new Map<string, Server>(
    FUNCTION_NAMES.map((name: FunctionName) => [name, getTestServer(name)]),
  );
  const server = createServer((req, res) => {
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
          detail: `Use one of /${FUNCTION_NAMES.join(', /')}`,
        }),
      );
      return;
    }
    req.url = `/${rest.join('/')}${url.search}`;
    target.emit('request', req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return { url: `http://${host}:${actual}`, server };
}
