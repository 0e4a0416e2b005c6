import { randomBytes } from 'node:crypto';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KmsFake, startKmsFake } from '../../emulators/fakes/kms-fake.js';
import { KmsKeyWrapper } from '../adapters/kms/kms-key-wrapper.js';
import { LocalKeyWrapper } from '../adapters/local-key-wrapper/local-key-wrapper.js';
import {
  auditCredentials,
  CredentialBox,
  type CredentialStore,
  rewrapCredentials,
  type StoredCredential,
} from './credentials.js';
import { describeKeyWrapperContract } from './testing/key-wrapper-contract.js';

let kms: KmsFake;
beforeAll(async () => {
  kms = await startKmsFake();
});
afterAll(() => kms.stop());

/** The real Cloud KMS client in REST fallback mode, pointed at the local fake. */
function kmsClient(): KeyManagementServiceClient {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'local-test', expiry_date: Date.now() + 3_600_000 });
  return new KeyManagementServiceClient({
    fallback: true,
    apiEndpoint: kms.host,
    port: kms.port,
    protocol: 'http',
    authClient: auth,
  } as never);
}

describeKeyWrapperContract('LocalKeyWrapper', async () => {
  const keys: Record<string, string> = { k1: randomBytes(32).toString('base64') };
  let wrapper = new LocalKeyWrapper(keys, 'k1');
  return {
    get wrapper() {
      return wrapper;
    },
    rotate() {
      keys.k2 = randomBytes(32).toString('base64');
      wrapper = new LocalKeyWrapper(keys, 'k2');
    },
  };
});

let keyCounter = 0;
describeKeyWrapperContract('KmsKeyWrapper (real client, local KMS REST fake)', async () => {
  keyCounter += 1;
  const name = `projects/p/locations/global/keyRings/r/cryptoKeys/k${keyCounter}`;
  return { wrapper: new KmsKeyWrapper(kmsClient(), name), rotate: () => void kms.rotate(name) };
});

describe('credential audit and rewrap', () => {
  function memoryCredentials(items: StoredCredential[]): CredentialStore {
    return {
      async *list() {
        yield* items.map((i) => ({ ...i }));
      },
      async replace(id, expected, next) {
        const item = items.find((i) => i.id === id);
        if (!item || item.sealed.wrappedKey !== expected.wrappedKey) return false;
        item.sealed = next;
        return true;
      },
    };
  }

  it('moves every credential to the new key version, and every token still opens', async () => {
    const name = 'projects/p/locations/global/keyRings/r/cryptoKeys/credentials';
    const box = new CredentialBox(new KmsKeyWrapper(kmsClient(), name));
    const items: StoredCredential[] = [];
    for (let i = 0; i < 3; i += 1)
      items.push({ id: `mbx_${i}`, sealed: await box.sealRefreshToken(`mbx_${i}`, `1//token-${i}`) });
    const credentials = memoryCredentials(items);
    const before = await auditCredentials({ box, credentials });
    expect(before).toEqual({ total: 3, byKeyId: { [`${name}/cryptoKeyVersions/1`]: 3 }, unreadable: [] });
    kms.rotate(name);
    expect(await rewrapCredentials({ box, credentials })).toEqual({ rewrapped: 3, migrated: 0, failed: [] });
    const after = await auditCredentials({ box, credentials });
    expect(after.byKeyId).toEqual({ [`${name}/cryptoKeyVersions/2`]: 3 });
    for (const [i, item] of items.entries())
      expect(await box.openRefreshToken(item.id, item)).toBe(`1//token-${i}`);
  });

  it('reports a credential that no longer opens without revealing anything', async () => {
    const box = new CredentialBox(new LocalKeyWrapper({ k: randomBytes(32).toString('base64') }, 'k'));
    // sealed for another mailbox and copied under mbx_x: it does not open there
    const sealed = await box.sealRefreshToken('mbx_a', '1//secret-token');
    const audit = await auditCredentials({ box, credentials: memoryCredentials([{ id: 'mbx_x', sealed }]) });
    expect(audit.unreadable).toEqual([{ id: 'mbx_x', keyId: 'k', reason: 'SecretOpenError' }]);
    expect(JSON.stringify(audit)).not.toContain('secret-token');
  });
});
