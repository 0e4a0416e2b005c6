import type { KeyManagementServiceClient } from '@google-cloud/kms';
import type { KeyWrapper } from '../../secrets/ports.js';

/**
 * {@link KeyWrapper} on Cloud KMS: data keys are encrypted by the crypto key's primary version, with the
 * record's context as additional authenticated data. The key id is the version KMS reports, so audits see
 * which version protects what; decrypt needs only the crypto key (the version is inside the ciphertext).
 */
export class KmsKeyWrapper implements KeyWrapper {
  constructor(
    private readonly client: KeyManagementServiceClient,
    /** `projects/P/locations/L/keyRings/R/cryptoKeys/K`. */
    private readonly cryptoKey: string,
  ) {}

  async wrap(dataKey: Buffer, aad: string): Promise<{ keyId: string; wrappedKey: Buffer }> {
    const [response] = await this.client.encrypt({
      name: this.cryptoKey,
      plaintext: dataKey,
      additionalAuthenticatedData: Buffer.from(aad),
    });
    if (!response.ciphertext || !response.name) throw new Error('Cloud KMS returned no ciphertext');
    return { keyId: response.name, wrappedKey: Buffer.from(response.ciphertext as Uint8Array) };
  }

  async unwrap(wrappedKey: Buffer, _keyId: string, aad: string): Promise<Buffer> {
    const [response] = await this.client.decrypt({
      name: this.cryptoKey,
      ciphertext: wrappedKey,
      additionalAuthenticatedData: Buffer.from(aad),
    });
    if (!response.plaintext) throw new Error('Cloud KMS returned no plaintext');
    return Buffer.from(response.plaintext as Uint8Array);
  }
}
