import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type KeyWrapper, type SealedSecret, SecretOpenError } from './ports.js';

/** GCM tags are always 16 bytes: a shorter tag would be checked against its prefix only, easing forgery. */
export const GCM_TAG_BYTES = 16;

/**
 * Seals `plaintext` with a fresh random 256-bit data key (AES-256-GCM, random 96-bit IV); the data key is
 * wrapped by `wrapper`. `context` is bound as additional authenticated data to both layers, so a sealed
 * secret copied to another record does not open there.
 */
export async function seal(wrapper: KeyWrapper, plaintext: string, context: string): Promise<SealedSecret> {
  const dataKey = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const { keyId, wrappedKey } = await wrapper.wrap(dataKey, context);
  dataKey.fill(0);
  return {
    v: 1,
    alg: 'AES-256-GCM',
    keyId,
    wrappedKey: wrappedKey.toString('base64'),
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/**
 * Opens a sealed secret for `context`; throws {@link SecretOpenError} (without any secret in it) on failure,
 * including for an authentication tag that is not {@link GCM_TAG_BYTES} long.
 */
export async function open(wrapper: KeyWrapper, sealed: SealedSecret, context: string): Promise<string> {
  let dataKey: Buffer;
  try {
    dataKey = await wrapper.unwrap(Buffer.from(sealed.wrappedKey, 'base64'), sealed.keyId, context);
  } catch (error) {
    throw new SecretOpenError(`the data key could not be unwrapped with ${sealed.keyId}`, {
      cause: error instanceof Error ? error.name : 'unknown',
    });
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(sealed.iv, 'base64'), {
      authTagLength: GCM_TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new SecretOpenError('the secret failed authentication: wrong context or tampered');
  } finally {
    dataKey.fill(0);
  }
}

/** Re-wraps the data key with the wrapper's current key; the ciphertext is untouched. */
export async function rewrap(
  wrapper: KeyWrapper,
  sealed: SealedSecret,
  context: string,
): Promise<SealedSecret> {
  const dataKey = await wrapper.unwrap(Buffer.from(sealed.wrappedKey, 'base64'), sealed.keyId, context);
  try {
    const { keyId, wrappedKey } = await wrapper.wrap(dataKey, context);
    return { ...sealed, keyId, wrappedKey: wrappedKey.toString('base64') };
  } finally {
    dataKey.fill(0);
  }
}
