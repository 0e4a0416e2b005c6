import type { Server } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, type FunctionName } from './function-names.js';
import './index.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

/** A request each function serves when configured: what it must refuse to do without configuration. */
const servedRequest: Record<FunctionName, { method: string; path: string; body?: unknown }> = {
  api: {
    method: 'POST',
    path: '/v1/mailboxes/connect-sessions',
    body: { tenantExternalId: 't', mailboxExternalId: 'm' },
  },
  oauthCallback: { method: 'GET', path: '/?state=cs_1.secret&code=code' },
  gmailPush: {
    method: 'POST',
    path: '/',
    body: {
      message: {
        data: Buffer.from(JSON.stringify({ emailAddress: 'a@example.com', historyId: '1' })).toString(
          'base64',
        ),
        messageId: '1',
      },
      subscription: 'projects/p/subscriptions/s',
    },
  },
  syncMailbox: {
    method: 'POST',
    path: '/',
    body: { message: { data: Buffer.from('{"mailboxId":"mbx_1"}').toString('base64'), messageId: '1' } },
  },
  deliverWebhook: { method: 'POST', path: '/', body: { deliveryId: 'dlv_1', attempt: 1 } },
  control: { method: 'POST', path: '/jobs/prune' },
};

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

  it('does no work without valid configuration, and answers 500 saying so without the details', async () => {
    const { method, path, body } = servedRequest[name];
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: 'Bearer mm_live_x' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status).toBe(500);
    const text = await response.text();
    // the configuration problems are logged, never shown
    expect(text).not.toContain('MAILMON_');
    if (name === 'oauthCallback') {
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(text).toContain('Something went wrong');
    } else {
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(text)).toMatchObject({ status: 500, code: 'internal' });
    }
  });
});
