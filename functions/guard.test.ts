import type { Server } from 'node:http';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../shared/config/load-config.js';
import { jsonLogger } from '../shared/runtime/logger.js';
import { privateFunction } from './guard.js';

describe('a private function in gcp mode without an audience of its own', () => {
  const logs: string[] = [];
  let handled = 0;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const config = {
      mode: 'gcp',
      oidcAudiences: { deliverWebhook: 'https://fn.example/mailmon-deliverwebhook' },
      invokerEmails: ['invoker@p.iam.gserviceaccount.com'],
      oidcJwksUrl: 'http://127.0.0.1:9/certs',
    } as unknown as Config;
    const runtime = async () => ({ config, logger: jsonLogger('error', (l) => logs.push(l)) });
    http(
      'guardWithoutAudience',
      privateFunction('control', runtime, async (_req, res) => {
        handled += 1;
        res.status(204).send('');
      }),
    );
    server = getTestServer('guardWithoutAudience');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses every request as misconfigured and says in its log which entry is missing', async () => {
    const response = await fetch(`${url}/jobs/prune`, {
      method: 'POST',
      headers: { authorization: 'Bearer x' },
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: 'internal' });
    expect(handled).toBe(0);
    expect(logs.join('\n')).toContain('MAILMON_OIDC_AUDIENCES names no audience for control');
  });
});
