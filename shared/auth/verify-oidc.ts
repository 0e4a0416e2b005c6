import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';

/** Who may call a private function: Google-signed ID tokens for this audience from these service accounts. */
export interface OidcPolicy {
  audience: string | string[];
  allowedEmails: string[];
  /** Google's signing keys; a local JWKS URL in tests. */
  jwksUrl: string;
  issuers?: string[];
  clockToleranceSeconds?: number;
}

/** The verdict: 401 for a missing or invalid token, 403 for a valid token from the wrong caller. */
export type OidcVerdict =
  | { ok: true; email: string }
  | { ok: false; status: 401 | 403; code: string; detail: string };

const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

/**
 * Builds a verifier for `Authorization: Bearer <Google ID token>`: RS256 signature against the JWKS
 * (cached and refreshed by `jose`), issuer, expiry, then audience and verified service-account email.
 */
export function oidcVerifier(
  policy: OidcPolicy,
  keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(policy.jwksUrl)),
) {
  return async (authorization: string | undefined, now?: Date): Promise<OidcVerdict> => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token)
      return {
        ok: false,
        status: 401,
        code: 'unauthenticated',
        detail: 'A Google-signed OIDC token is required.',
      };
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: policy.issuers ?? GOOGLE_ISSUERS,
        algorithms: ['RS256'],
        clockTolerance: policy.clockToleranceSeconds ?? 30,
        ...(now ? { currentDate: now } : {}),
      }));
    } catch (error) {
      const reason =
        error instanceof errors.JWTExpired
          ? 'the token has expired'
          : 'the token is not a valid Google-signed ID token';
      return { ok: false, status: 401, code: 'unauthenticated', detail: reason };
    }
    const audiences = [policy.audience].flat();
    const tokenAudiences = [payload.aud].flat();
    if (!tokenAudiences.some((a) => typeof a === 'string' && audiences.includes(a))) {
      return {
        ok: false,
        status: 403,
        code: 'forbidden',
        detail: 'the token was issued for another audience',
      };
    }
    const email = typeof payload.email === 'string' ? payload.email : '';
    if (payload.email_verified !== true || !policy.allowedEmails.includes(email)) {
      return {
        ok: false,
        status: 403,
        code: 'forbidden',
        detail: 'the caller is not an allowed service account',
      };
    }
    return { ok: true, email };
  };
}
