import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { newProjectId, testFirestore } from '../../../emulators/testing/index.js';
import { auditCredentials, CredentialBox, rewrapCredentials } from '../../secrets/credentials.js';
import { LocalKeyWrapper } from '../local-key-wrapper/local-key-wrapper.js';
import { FirestoreCredentialStore } from './firestore-credential-store.js';

const db = testFirestore(newProjectId('credentials'));
afterAll(() => db.terminate());

describe('FirestoreCredentialStore with audit and rewrap', () => {
  it('rewraps every stored credential to the new key; the key id changes and every token still opens', async () => {
    const keys = { old: randomBytes(32).toString('base64'), next: randomBytes(32).toString('base64') };
    const before = new CredentialBox(new LocalKeyWrapper({ old: keys.old }, 'old'));
    const store = new FirestoreCredentialStore(db);
    for (let i = 0; i < 205; i += 1) {
      await db
        .collection('credentials')
        .doc(`mbx_${String(i).padStart(3, '0')}`)
        .set({
          credentialKey: `ws/t/m${i}`,
          sealedRefreshToken: await before.sealRefreshToken(`ws/t/m${i}`, `1//token-${i}`),
        });
    }
    const after = new CredentialBox(new LocalKeyWrapper(keys, 'next'));
    expect((await auditCredentials({ box: after, credentials: store })).byKeyId).toEqual({ old: 205 });
    expect(await rewrapCredentials({ box: after, credentials: store })).toEqual({
      rewrapped: 205,
      failed: [],
    });
    const audit = await auditCredentials({ box: after, credentials: store });
    expect(audit).toEqual({ total: 205, byKeyId: { next: 205 }, unreadable: [] });
    const onlyNew = new CredentialBox(new LocalKeyWrapper({ next: keys.next }, 'next'));
    const sample = await store.get('mbx_204');
    expect(await onlyNew.openRefreshToken(sample!.credentialKey, sample!.sealed)).toBe('1//token-204');
    // running it again is harmless
    expect(await rewrapCredentials({ box: after, credentials: store })).toEqual({
      rewrapped: 205,
      failed: [],
    });
  });

  it('does not overwrite a credential that changed since it was read', async () => {
    const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));
    const store = new FirestoreCredentialStore(db);
    const first = await box.sealRefreshToken('a', '1//first');
    const second = await box.sealRefreshToken('a', '1//second');
    await db.collection('credentials').doc('mbx_cas').set({ credentialKey: 'a', sealedRefreshToken: second });
    expect(await store.replace('mbx_cas', first, await box.rewrap('a', first))).toBe(false);
    expect(await box.openRefreshToken('a', (await store.get('mbx_cas'))!.sealed)).toBe('1//second');
  });
});
