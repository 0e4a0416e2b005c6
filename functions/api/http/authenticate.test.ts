import { describe, expect, it } from 'vitest';
import { authenticate } from './authenticate.js';

const keys: Record<string, string> = { mm_live_good: 'ws_1' };
const looked: string[] = [];
const lookup = () => async (key: string) => {
  looked.push(key);
  return keys[key];
};

describe('authenticate', () => {
  it('resolves a Bearer key of a live workspace key, in any case of the scheme', async () => {
    expect(await authenticate({ auth: 'apiKey' }, 'Bearer mm_live_good', lookup)).toEqual({
      ok: true,
      workspaceId: 'ws_1',
    });
    expect(await authenticate({ auth: 'apiKey' }, 'bearer   mm_live_good', lookup)).toMatchObject({
      ok: true,
    });
  });

  it('answers the same 401 with WWW-Authenticate for a missing, malformed, unknown or revoked key', async () => {
    looked.length = 0;
    for (const header of [undefined, '', 'Basic abc', 'Bearer', 'Bearer a b', 'Bearer mm_live_revoked']) {
      const answer = await authenticate({ auth: 'apiKey' }, header, lookup);
      expect(answer).toEqual({
        ok: false,
        problem: expect.objectContaining({ status: 401, code: 'unauthorized', retryable: false }),
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    // only a well-formed header costs a lookup
    expect(looked).toEqual(['mm_live_revoked']);
  });

  it('lets a route without auth through with no workspace, looking nothing up', async () => {
    looked.length = 0;
    expect(await authenticate({ auth: 'none' }, undefined, lookup)).toEqual({ ok: true, workspaceId: '' });
    expect(looked).toEqual([]);
  });
});
