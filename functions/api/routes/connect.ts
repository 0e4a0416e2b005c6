import * as v from 'valibot';
import { beginConsent } from '../../../shared/connect/begin-consent.js';
import {
  CreateConnectSessionInput,
  createConnectSession,
} from '../../../shared/connect/create-connect-session.js';
import type { ConnectSessionStore, OAuthProvider } from '../../../shared/connect/ports.js';
import type { Clock } from '../../../shared/core/clock.js';
import type { Ids } from '../../../shared/core/ids.js';
import { defineRoute } from '../http/route.js';
import { page, refusalPages } from './pages.js';

/** What the connect routes need. */
export interface ConnectRouteDeps {
  sessions: ConnectSessionStore & { setStateHash(id: string, stateHash: string): Promise<boolean> };
  oauth: OAuthProvider;
  clock: Clock;
  ids: Ids;
  apiBaseUrl: string;
  /** Only https return URLs are accepted (gcp mode). */
  httpsOnly?: boolean;
}

const ConnectSessionCreated = v.pipe(
  v.object({
    id: v.string(),
    object: v.literal('connect_session'),
    connectUrl: v.pipe(v.string(), v.url()),
    expiresAt: v.pipe(v.string(), v.isoTimestamp()),
  }),
  v.title('ConnectSession'),
);

export const createConnectSessionRoute = defineRoute<
  ConnectRouteDeps,
  undefined,
  undefined,
  typeof CreateConnectSessionInput
>({
  method: 'POST',
  path: '/v1/mailboxes/connect-sessions',
  operationId: 'createConnectSession',
  summary: 'Create a single-use, 15-minute link that connects a Gmail mailbox',
  tag: 'Mailboxes',
  auth: 'apiKey',
  body: CreateConnectSessionInput,
  responses: { 201: { description: 'Created', schema: ConnectSessionCreated } },
  async handle({ deps, workspaceId, body }) {
    return {
      status: 201,
      body: { object: 'connect_session' as const, ...(await createConnectSession(deps, workspaceId, body)) },
    };
  },
});

const SessionParams = v.object({ sessionId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,100}$/)) });

export const beginConsentRoute = defineRoute<ConnectRouteDeps, typeof SessionParams>({
  method: 'GET',
  path: '/oauth/gmail/:sessionId',
  operationId: 'beginGmailConsent',
  summary: 'Redirect the browser to Google consent for a connect session',
  tag: 'OAuth',
  auth: 'none',
  params: SessionParams,
  responses: {
    302: { description: 'Redirect to the consent page' },
    404: { description: 'Unknown link', contentType: 'text/html' },
  },
  async handle({ deps, params }) {
    const result = await beginConsent(deps, params.sessionId);
    if ('redirectTo' in result) return { status: 302, redirect: result.redirectTo };
    const refusal = refusalPages[result.refused]!;
    return { status: refusal.status, html: page(refusal.title, refusal.message) };
  },
});
