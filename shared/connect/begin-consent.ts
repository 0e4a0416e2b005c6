import type { Clock } from '../core/clock.js';
import { randomSecret, s256 } from './pkce.js';
import type { ConnectRefusal, ConnectSessionStore, OAuthProvider } from './ports.js';

/**
 * `GET /oauth/gmail/:sessionId`: mints the OAuth state for a pending, unexpired session and returns the
 * provider's consent URL (PKCE S256, offline access). Opening the link again mints a new state and
 * invalidates the previous one.
 */
export async function beginConsent(
  deps: {
    sessions: ConnectSessionStore & { setStateHash(id: string, stateHash: string): Promise<boolean> };
    oauth: OAuthProvider;
    clock: Clock;
  },
  sessionId: string,
): Promise<{ redirectTo: string } | ConnectRefusal> {
  const session = await deps.sessions.get(sessionId);
  if (!session) return { refused: 'unknown_session' };
  if (session.status !== 'pending') return { refused: 'already_used' };
  if (session.expiresAt <= deps.clock.now()) return { refused: 'expired' };
  const secret = randomSecret();
  if (!(await deps.sessions.setStateHash(sessionId, s256(secret)))) return { refused: 'already_used' };
  return {
    redirectTo: deps.oauth.authorizeUrl({
      state: `${sessionId}.${secret}`,
      codeChallenge: s256(session.codeVerifier),
      ...(session.loginHint ? { loginHint: session.loginHint } : {}),
    }),
  };
}
