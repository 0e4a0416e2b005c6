import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createControlFunction } from '../functions/control/index.js';
import { startFunctionsHost } from './functions-host.js';
import { rawRequest } from './testing/raw-request.js';

describe('the local functions host', () => {
  let host: Awaited<ReturnType<typeof startFunctionsHost>>;
  let port: number;
  let built = 0;
  beforeAll(async () => {
    const control = createControlFunction(async () => {
      built += 1;
      throw new Error('not configured');
    });
    host = await startFunctionsHost({ control }, 0);
    port = Number(new URL(host.url).port);
  });
  afterAll(() => host.close());

  it('screens requests as a deployment does, before the function’s framework server reads them', async () => {
    const malformed = await fetch(`${host.url}/control/jobs/%E0%A4%A`, { method: 'POST' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'invalid_path' });
    const declared = await rawRequest(
      { port },
      {
        path: '/control/jobs/prune',
        headers: { 'content-type': 'application/json', 'content-length': String(65 * 1024) },
        body: '{',
        partial: true,
      },
    );
    expect(declared).toMatchObject({ status: 413, json: { code: 'payload_too_large' } });
    expect(built).toBe(0);
  });
});
