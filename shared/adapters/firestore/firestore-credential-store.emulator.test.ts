import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { newProjectId, testFirestore } from '../../../emulators/testing/index.js';
import { auditCredentials, CredentialBox, rewrapCredentials } from '../../secrets/credentials.js';
import { seal } from '../../secrets/envelope.js';
import { LocalKeyWrapper } from '../local-key-wrapper/local-key-wrapper.js';
import { FirestoreCredentialStore } from './firestore-credential-store.js';

const db = testFirestore(newProjectId('credentials'));
afterAll(() => db.terminate());

const keys = { old: randomBytes(32).toString('base64'), next: randomBytes(32).toString('base64') };
const oldWrapper = new LocalKeyWrapper({ old: keys.old }, 'old');

/** A record as stored before contexts named the mailbox id: sealed for its `workspace/tenant/mailbox` key. */
async function legacyRecord(mailboxId: string, credentialKey: string, token: string) {
  await db
    .collection('credentials')
    .doc(mailboxId)
    .set({
      credentialKey,
      sealedRefreshToken: await seal(oldWrapper, token, `mailmon:refresh-token:${credentialKey}`),
    });
}

describe('FirestoreCredentialStore with audit and rewrap', () => {
  it('moves every record to the new key and the mailbox-id context; legacy records open until then', async () => {
    const store = new FirestoreCredentialStore(db);
    const before = new CredentialBox(oldWrapper);
    for (let i = 0; i < 203; i += 1)
      await legacyRecord(`mbx_${String(i).padStart(3, '0')}`, `ws/t/m${i}`, `1//token-${i}`);
    // a record already under the mailbox-id context is only re-wrapped
    await db
      .collection('credentials')
      .doc('mbx_new')
      .set({ sealedRefreshToken: await before.sealRefreshToken('mbx_new', '1//token-new') });

    const after = new CredentialBox(new LocalKeyWrapper(keys, 'next'));
    expect(await after.openRefreshToken('mbx_202', (await store.get('mbx_202'))!)).toBe('1//token-202');
    expect(await auditCredentials({ box: after, credentials: store })).toEqual({
      total: 204,
      byKeyId: { old: 204 },
      unreadable: [],
    });
    expect(await rewrapCredentials({ box: after, credentials: store })).toEqual({
      rewrapped: 204,
      migrated: 203,
      failed: [],
    });
    expect(await auditCredentials({ box: after, credentials: store })).toEqual({
      total: 204,
      byKeyId: { next: 204 },
      unreadable: [],
    });
    const migrated = (await db.collection('credentials').doc('mbx_202').get()).data()!;
    expect(migrated).not.toHaveProperty('credentialKey');
    const onlyNew = new CredentialBox(new LocalKeyWrapper({ next: keys.next }, 'next'));
    expect(await onlyNew.openRefreshToken('mbx_202', (await store.get('mbx_202'))!)).toBe('1//token-202');
    expect(await onlyNew.openRefreshToken('mbx_new', (await store.get('mbx_new'))!)).toBe('1//token-new');

    // once migrated, a record copied under another mailbox id no longer opens there
    await db.collection('credentials').doc('mbx_copy').set(migrated);
    await expect(onlyNew.openRefreshToken('mbx_copy', (await store.get('mbx_copy'))!)).rejects.toMatchObject({
      name: 'SecretOpenError',
    });
    await db.collection('credentials').doc('mbx_copy').delete();

    // running it again is harmless
    expect(await rewrapCredentials({ box: after, credentials: store })).toEqual({
      rewrapped: 204,
      migrated: 0,
      failed: [],
    });
  });

  it('does not overwrite a credential that changed since it was read', async () => {
    const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));
    const store = new FirestoreCredentialStore(db);
    const first = await box.sealRefreshToken('mbx_cas', '1//first');
    const second = await box.sealRefreshToken('mbx_cas', '1//second');
    await db.collection('credentials').doc('mbx_cas').set({ sealedRefreshToken: second });
    expect(
      await store.replace('mbx_cas', first, await box.rewrapRefreshToken('mbx_cas', { sealed: first })),
    ).toBe(false);
    expect(await box.openRefreshToken('mbx_cas', (await store.get('mbx_cas'))!)).toBe('1//second');
  });
});
