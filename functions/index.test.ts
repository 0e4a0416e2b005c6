import type { Server } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from './function-names.js';
import './index.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

describe.each(FUNCTION_NAMES)('the %s function, served by the functions framework', (name) => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = getTestServer(name);
    url = await listen(server);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers its health check', async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', function: name });
  });

  it('does no work without valid configuration, and says so with an error response', async () => {
    const response = await fetch(`${url}/v1/mailboxes/connect-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer mm_live_x' },
      body: '{}',
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).not.toBe(404);
  });
});
