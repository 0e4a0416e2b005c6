import { createHash, randomBytes } from 'node:crypto';

/** A fresh PKCE verifier (43 url-safe characters, 256 bits) and its S256 challenge (RFC 7636). */
export function createPkcePair(): { codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomBytes(32).toString('base64url');
  return { codeVerifier, codeChallenge: s256(codeVerifier) };
}

/** Base64url SHA-256 of `value`: the S256 code challenge, and how state secrets are stored. */
export function s256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** A random url-safe secret of `bytes` bytes. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
