import * as v from 'valibot';
import type { Clock } from '../core/clock.js';
import { NonRetryableError } from '../core/errors.js';
import { assertSecureUrl, HttpUrl } from '../core/http-url.js';
import type { Ids } from '../core/ids.js';
import { createPkcePair, randomSecret, s256 } from './pkce.js';
import type { ConnectSessionStore } from './ports.js';

/** How long a connect session can be used. */
export const CONNECT_SESSION_TTL_MS = 15 * 60 * 1000;

const externalId = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200));

/** Request body of `POST /v1/mailboxes/connect-sessions`. */
export const CreateConnectSessionInput = v.pipe(
  v.strictObject({
    /** The mail provider; only `gmail` (another is refused with `unsupported_provider`). */
    provider: v.optional(v.pipe(v.string(), v.maxLength(100)), 'gmail'),
    tenantExternalId: externalId,
    mailboxExternalId: externalId,
    returnUrl: v.optional(HttpUrl),
    /** The seed API's name for `returnUrl`. */
    redirectUrl: v.optional(HttpUrl),
    // no address is longer (RFC 5321 limits the local part to 64 and the domain to 255 characters)
    loginHint: v.optional(v.pipe(v.string(), v.maxLength(320, 'must be at most 320 characters'), v.email())),
  }),
  v.check(
    (b) => b.returnUrl === undefined || b.redirectUrl === undefined,
    'give `returnUrl` or `redirectUrl`, not both',
  ),
  v.transform(({ redirectUrl, ...b }) => ({
    ...b,
    ...((b.returnUrl ?? redirectUrl) ? { returnUrl: (b.returnUrl ?? redirectUrl)! } : {}),
  })),
);
/** A connect session request; `provider` defaults to `gmail`. */
export type CreateConnectSessionInput = Omit<v.InferOutput<typeof CreateConnectSessionInput>, 'provider'> & {
  provider?: string;
};

/** What the customer gets back: a URL to send their user to. */
export interface CreatedConnectSession {
  id: string;
  connectUrl: string;
  expiresAt: string;
}

/**
 * Creates a single-use connect session valid for 15 minutes. The OAuth `state` is `<sessionId>.<secret>`;
 * only the secret's hash is stored, so a leaked database row cannot complete a consent. With `httpsOnly`
 * (gcp mode) a plain-http `returnUrl` is refused (`NonRetryableError` `insecure_url`) and nothing is written.
 */
export async function createConnectSession(
  deps: { sessions: ConnectSessionStore; clock: Clock; ids: Ids; apiBaseUrl: string; httpsOnly?: boolean },
  workspaceId: string,
  input: CreateConnectSessionInput,
): Promise<CreatedConnectSession> {
  if ((input.provider ?? 'gmail') !== 'gmail')
    throw new NonRetryableError(
      `Mailmon connects Gmail mailboxes only: provider must be "gmail", not "${input.provider}"`,
      'unsupported_provider',
    );
  if (input.returnUrl !== undefined) assertSecureUrl(input.returnUrl, 'returnUrl', deps.httpsOnly);
  const now = deps.clock.now();
  const id = deps.ids.random('cs');
  const { codeVerifier } = createPkcePair();
  const expiresAt = now + CONNECT_SESSION_TTL_MS;
  await deps.sessions.create({
    id,
    workspaceId,
    tenantExternalId: input.tenantExternalId,
    mailboxExternalId: input.mailboxExternalId,
    ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
    ...(input.loginHint ? { loginHint: input.loginHint } : {}),
    // the state secret is minted when the user opens the connect URL; until then nothing can redeem it
    stateHash: s256(randomSecret()),
    codeVerifier,
    status: 'pending',
    createdAt: now,
    expiresAt,
  });
  return {
    id,
    connectUrl: `${deps.apiBaseUrl.replace(/\/$/, '')}/oauth/gmail/${id}`,
    expiresAt: new Date(expiresAt).toISOString(),
  };
}
