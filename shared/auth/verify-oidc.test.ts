import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcVerifier } from './verify-oidc.js';

let server: Server;
let jwksUrl: string;
let sign: (
  claims: Record<string, unknown>,
  options?: { expiresAt?: number; iat?: number },
) => Promise<string>;
let signWithOtherKey: (claims: Record<string, unknown>) => Promise<string>;

beforeAll(async () => {
  const google = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(google.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  jwksUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/certs`;
  const build = (claims: Record<string, unknown>, options: { expiresAt?: number; iat?: number } = {}) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://accounts.google.com');
    if (options.iat !== undefined) jwt.setIssuedAt(options.iat);
    else jwt.setIssuedAt();
    return jwt.setExpirationTime(options.expiresAt ?? '1h');
  };
  sign = (claims, options) => build(claims, options).sign(google.privateKey);
  signWithOtherKey = (claims) => build(claims).sign(stranger.privateKey);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const good = {
  aud: 'https://fn.example/sync',
  email: 'invoker@p.iam.gserviceaccount.com',
  email_verified: true,
};

function verifier() {
  return oidcVerifier({
    audience: 'https://fn.example/sync',
    allowedEmails: ['invoker@p.iam.gserviceaccount.com'],
    jwksUrl,
  });
}

describe('OIDC verification of private function calls', () => {
  it('accepts a Google-signed token for the audience from an allowed service account', async () => {
    expect(await verifier()(`Bearer ${await sign(good)}`)).toEqual({ ok: true, email: good.email });
  });

  it('answers 401 without a token, with a bad signature, or after expiry', async () => {
    expect(await verifier()(undefined)).toMatchObject({ ok: false, status: 401 });
    expect(await verifier()('Basic abc')).toMatchObject({ ok: false, status: 401 });
    expect(await verifier()(`Bearer ${await signWithOtherKey(good)}`)).toMatchObject({
      ok: false,
      status: 401,
    });
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const expired = await sign(good, { iat: hourAgo - 3600, expiresAt: hourAgo });
    expect(await verifier()(`Bearer ${expired}`)).toMatchObject({
      ok: false,
      status: 401,
      detail: 'the token has expired',
    });
  });

  it('answers 403 for another audience or another signer', async () => {
    expect(
      await verifier()(`Bearer ${await sign({ ...good, aud: 'https://fn.example/other' })}`),
    ).toMatchObject({ ok: false, status: 403 });
    expect(
      await verifier()(`Bearer ${await sign({ ...good, email: 'intruder@p.iam.gserviceaccount.com' })}`),
    ).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await verifier()(`Bearer ${await sign({ ...good, email_verified: false })}`)).toMatchObject({
      ok: false,
      status: 403,
    });
  });
});
