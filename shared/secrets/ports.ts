/** Wraps and unwraps data keys with a key-encryption key (Cloud KMS in gcp mode, a local key otherwise). */
export interface KeyWrapper {
  /** Wraps `dataKey` with the current key; returns the key id (version) needed to unwrap it. */
  wrap(dataKey: Buffer, aad: string): Promise<{ keyId: string; wrappedKey: Buffer }>;
  unwrap(wrappedKey: Buffer, keyId: string, aad: string): Promise<Buffer>;
}

/** An envelope-encrypted secret as stored in Firestore: nothing in it reveals the plaintext. */
export interface SealedSecret {
  v: 1;
  alg: 'AES-256-GCM';
  /** Which key-encryption key (version) wrapped the data key; kept for rotation and audits. */
  keyId: string;
  wrappedKey: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/** Raised when a sealed secret cannot be opened (wrong context, tampered, unknown key). Never carries plaintext. */
export class SecretOpenError extends Error {
  override name = 'SecretOpenError';
}
