import type { Server } from 'node:http';
import { type HttpFunction, http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rawRequest } from '../emulators/testing/raw-request.js';
import { jsonLogger } from '../shared/runtime/logger.js';
import { createApiFunction } from './api/app.js';
import { defineRoute } from './api/http/route.js';
import { createRouter } from './api/http/router.js';
import { createControlFunction } from './control/index.js';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))));

/** Serves `handler` behind the real functions-framework server on a free loopback port. */
async function serve(name: string, handler: HttpFunction): Promise<{ host: string; port: number }> {
  http(name, handler);
  const server = getTestServer(name);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: '127.0.0.1', port: (server.address() as { port: number }).port };
}

const send = async (
  at: { host: string; port: number },
  path: string,
  body: Buffer,
  headers: Record<string, string> = {},
) => {
  const { status, json } = await rawRequest(at, {
    path,
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status, json };
};

const jsonOfSize = (bytes: number) => Buffer.from(JSON.stringify({ pad: 'x'.repeat(bytes - 10) }));

describe('body limits, before any configuration or authentication', () => {
  let api: { host: string; port: number };
  let control: { host: string; port: number };
  const built = { api: 0, control: 0 };
  beforeAll(async () => {
    api = await serve(
      'edgeApi',
      createApiFunction(
        async () => {
          built.api += 1;
          throw new Error('not configured');
        },
        jsonLogger('error', () => {}),
      ),
    );
    control = await serve(
      'edgeControl',
      createControlFunction(async () => {
        built.control += 1;
        throw new Error('not configured');
      }),
    );
  });

  it('refuses a body over 1 MiB to api, and over 64 KiB to a private function, with 413 problem JSON', async () => {
    const tooLarge = { status: 413, json: expect.objectContaining({ code: 'payload_too_large' }) };
    expect(await send(api, '/v1/webhook-endpoints', jsonOfSize(1024 * 1024 + 1))).toEqual(tooLarge);
    expect(await send(control, '/jobs/prune', jsonOfSize(64 * 1024 + 1))).toEqual(tooLarge);
    // a chunked body declares no length: it is measured once read
    const chunked = { 'transfer-encoding': 'chunked' };
    expect(await send(control, '/jobs/prune', jsonOfSize(64 * 1024 + 1), chunked)).toEqual(tooLarge);
    expect(built).toEqual({ api: 0, control: 0 });
    // within the limits the request goes on (and fails here for want of configuration)
    expect((await send(api, '/v1/webhook-endpoints', jsonOfSize(1024 * 1024))).status).toBe(500);
    expect((await send(control, '/jobs/prune', jsonOfSize(64 * 1024))).status).toBe(500);
  });
});

describe('the api router', () => {
  it('parses a JSON body once: the framework’s parse is used, not repeated', async () => {
    const received: unknown[] = [];
    const route = defineRoute<Record<string, never>, undefined, undefined, v.GenericSchema>({
      method: 'POST',
      path: '/echo',
      operationId: 'echo',
      summary: 'echo',
      tag: 'Test',
      auth: 'none',
      body: v.object({ pad: v.string() }),
      responses: { 204: { description: 'Echoed' } },
      async handle({ body }) {
        received.push(body);
        return { status: 204 };
      },
    });
    const at = await serve(
      'edgeRouter',
      createRouter(
        [route],
        () => ({}),
        () => async () => undefined,
        jsonLogger('error', () => {}),
      ),
    );
    const body = jsonOfSize(2048).toString();
    const parse = vi.spyOn(JSON, 'parse');
    await fetch(`http://${at.host}:${at.port}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(parse.mock.calls.filter(([text]) => text === body)).toHaveLength(1);
    expect(received).toEqual([JSON.parse(body)]);
  });
});
