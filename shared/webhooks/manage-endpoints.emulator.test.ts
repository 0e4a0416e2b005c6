import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { newProjectId, testFirestore } from '../../emulators/testing/index.js';
import { FirestoreWebhookStore } from '../adapters/firestore/firestore-webhook-store.js';
import { LocalKeyWrapper } from '../adapters/local-key-wrapper/local-key-wrapper.js';
import { ManualClock } from '../core/clock.js';
import { randomIds } from '../core/ids.js';
import { CredentialBox } from '../secrets/credentials.js';
import { openActiveSecrets } from './endpoint-secrets.js';
import { createEndpoint, rotateEndpointSecret } from './manage-endpoints.js';

const db = testFirestore(newProjectId('endpoints'));
afterAll(() => db.terminate());

const HOUR = 3_600_000;

function world() {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  const webhooks = new FirestoreWebhookStore(db);
  const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));
  const deps = { webhooks, box, clock, ids: randomIds, reads: { unknownMailboxes: async () => [] } };
  const create = () =>
    createEndpoint(deps, 'ws_rot', {
      url: 'https://hooks.example/rot',
      description: '',
      eventTypes: [],
      mailboxIds: [],
    });
  const active = async (id: string, at: number) =>
    openActiveSecrets(box, (await webhooks.getEndpoint('ws_rot', id))!, at);
  return { clock, deps, create, active };
}

describe('rotating an endpoint’s signing secret', () => {
  it('signs with the new secret at once and keeps the previous one for 24 hours', async () => {
    const w = world();
    const { id, secret: first } = await w.create();
    const rotated = await rotateEndpointSecret(w.deps, 'ws_rot', id);
    expect(rotated).toMatchObject({ id, secretCount: 2 });
    expect(await w.active(id, w.clock.now())).toEqual([rotated!.secret, first]);
    expect(await w.active(id, w.clock.now() + 24 * HOUR - 1)).toEqual([rotated!.secret, first]);
    expect(await w.active(id, w.clock.now() + 24 * HOUR)).toEqual([rotated!.secret]);
    expect(await rotateEndpointSecret(w.deps, 'ws_other', id)).toBeUndefined();
  });

  it('stores every secret it hands out when two rotations race', async () => {
    const w = world();
    const { id, secret: first } = await w.create();
    const [a, b] = await Promise.all([
      rotateEndpointSecret(w.deps, 'ws_rot', id),
      rotateEndpointSecret(w.deps, 'ws_rot', id),
    ]);
    const active = await w.active(id, w.clock.now());
    // one rotation comes after the other: the later secret signs, the earlier one is kept for the overlap
    expect(active).toHaveLength(2);
    expect(new Set(active)).toEqual(new Set([a!.secret, b!.secret]));
    expect(active).not.toContain(first);
  });
});
