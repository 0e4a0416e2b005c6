import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { GCM_TAG_BYTES } from '../../secrets/envelope.js';
import type { KeyWrapper } from '../../secrets/ports.js';

/**
 * {@link KeyWrapper} for local mode: AES-256-GCM with key-encryption keys from configuration. New wraps use
 * `currentKeyId`; every listed key still unwraps, so keys rotate without re-encrypting secrets.
 */
export class LocalKeyWrapper implements KeyWrapper {
  private readonly keys: Map<string, Buffer>;

  constructor(
    keys: Record<string, string>,
    private readonly currentKeyId: string,
  ) {
    this.keys = new Map(Object.entries(keys).map(([id, b64]) => [id, Buffer.from(b64, 'base64')]));
    for (const [id, key] of this.keys)
      if (key.length !== 32) throw new Error(`local key ${id} must be 32 bytes`);
    if (!this.keys.has(currentKeyId))
      throw new Error(`the current local key ${currentKeyId} is not configured`);
  }

  async wrap(dataKey: Buffer, aad: string): Promise<{ keyId: string; wrappedKey: Buffer }> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { keyId: this.currentKeyId, wrappedKey: Buffer.concat([iv, cipher.getAuthTag(), body]) };
  }

  async unwrap(wrappedKey: Buffer, keyId: string, aad: string): Promise<Buffer> {
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`unknown local key ${keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', key, wrappedKey.subarray(0, 12), {
      authTagLength: GCM_TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(wrappedKey.subarray(12, 12 + GCM_TAG_BYTES));
    return Buffer.concat([decipher.update(wrappedKey.subarray(12 + GCM_TAG_BYTES)), decipher.final()]);
  }
}
