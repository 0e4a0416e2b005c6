import type { HttpFunction } from '@google-cloud/functions-framework';
import { completeConnect } from '../../shared/connect/complete-connect.js';
import type { Runtime } from '../../shared/runtime/composition-root.js';
import { describeError } from '../../shared/runtime/logger.js';
import { runtime } from '../../shared/runtime/process-runtime.js';
import { page, refusalPages } from '../api/routes/pages.js';
import { withinLimits } from '../edge.js';

function first(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v.length <= 4096 ? v : undefined;
}

/**
 * Builds `oauthCallback`, Google's redirect target: checks state and PKCE, exchanges the code, seals the
 * refresh token, creates or reconnects the mailbox, starts its watch and dispatches the initial sync.
 * The browser gets a clear page (or the customer's return URL) whatever happens; nothing secret is shown.
 */
export function createOAuthCallbackFunction(rt: () => Promise<Runtime>): HttpFunction {
  return withinLimits('oauthCallback', async (req, res) => {
    const send = (status: number, title: string, message: string) =>
      res
        .status(status)
        .set('content-type', 'text/html; charset=utf-8')
        .set('cache-control', 'no-store')
        .send(page(title, message));
    if (req.method === 'GET' && req.path === '/healthz') {
      res.status(200).json({ status: 'ok', function: 'oauthCallback' });
      return;
    }
    if (req.method !== 'GET') {
      send(405, 'Method not allowed', 'This address only receives the sign-in redirect.');
      return;
    }
    let r: Runtime | undefined;
    try {
      r = await rt();
      const state = first(req.query.state);
      const code = first(req.query.code);
      const error = first(req.query.error);
      const outcome = await completeConnect(
        {
          sessions: r.sessions,
          oauth: r.oauth,
          sealer: r.box,
          mailboxes: r.mailboxRegistry,
          watcher: r.watcher,
          dispatcher: r.dispatcher,
          clock: r.clock,
        },
        { ...(state ? { state } : {}), ...(code ? { code } : {}), ...(error ? { error } : {}) },
      );
      if ('connected' in outcome) {
        r.logger[outcome.deferred.length > 0 ? 'warn' : 'info']('mailbox connected', {
          mailboxId: outcome.mailboxId,
          reconnected: outcome.reconnected,
          deferred: outcome.deferred,
        });
        if (outcome.returnUrl) {
          const back = new URL(outcome.returnUrl);
          back.searchParams.set('mailboxId', outcome.mailboxId);
          back.searchParams.set('status', outcome.reconnected ? 'reconnected' : 'connected');
          res.status(303).set('location', back.toString()).set('cache-control', 'no-store').send('');
          return;
        }
        send(
          200,
          outcome.reconnected ? 'Mailbox reconnected' : 'Mailbox connected',
          `${outcome.emailAddress} is connected. You can close this window.`,
        );
        return;
      }
      const reason = 'refused' in outcome ? outcome.refused : outcome.failed;
      r.logger.warn('connect refused', { reason, ...('grant' in outcome ? { grant: outcome.grant } : {}) });
      const refusal = refusalPages[reason]!;
      send(refusal.status, refusal.title, refusal.message);
    } catch (error) {
      (r?.logger ?? console).error('oauth callback failed', describeError(error));
      send(500, 'Something went wrong', 'The mailbox could not be connected. Please try again from the app.');
    }
  });
}

/** The `oauthCallback` Cloud Function entry point. */
export const oauthCallback = createOAuthCallbackFunction(runtime);
