import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { oidcVerifier } from '../shared/auth/verify-oidc.js';
import type { Config } from '../shared/config/load-config.js';
import { LOG_EVENTS } from '../shared/runtime/log-events.js';
import { describeError, type Logger } from '../shared/runtime/logger.js';
import { problem, sendProblem } from '../shared/runtime/problem.js';

type Verify = ReturnType<typeof oidcVerifier>;
const verifiers = new WeakMap<Config, Verify>();

function verifierFor(config: Config & { mode: 'gcp' }): Verify {
  let verify = verifiers.get(config);
  if (!verify) {
    verify = oidcVerifier({
      audience: config.oidcAudiences,
      allowedEmails: config.invokerEmails,
      jwksUrl: config.oidcJwksUrl,
    });
    verifiers.set(config, verify);
  }
  return verify;
}

/**
 * Wraps a private function (called by Pub/Sub push, Cloud Tasks or Cloud Scheduler): `GET /healthz` answers
 * without configuration; in gcp mode every other request needs a Google-signed OIDC token for one of the
 * configured audiences from an allowed service account (401 without a valid token, 403 for a wrong caller).
 */
export function privateFunction<R extends { config: Config; logger: Logger }>(
  name: string,
  runtime: () => Promise<R>,
  handle: (req: Request, res: Response, r: R) => Promise<void>,
): HttpFunction {
  return async (req, res) => {
    if (req.method === 'GET' && req.path === '/healthz') {
      res.status(200).json({ status: 'ok', function: name });
      return;
    }
    let r: R;
    try {
      r = await runtime();
    } catch (error) {
      console.error(
        JSON.stringify({
          severity: 'ERROR',
          message: `${name}: configuration failed`,
          ...describeError(error),
        }),
      );
      sendProblem(
        res,
        problem(500, 'internal', 'Internal error', 'The function is misconfigured; see its logs.'),
      );
      return;
    }
    if (r.config.mode === 'gcp') {
      const verdict = await verifierFor(r.config)(req.get('authorization'));
      if (!verdict.ok) {
        r.logger.warn('refused caller', {
          event: LOG_EVENTS.callerRefused,
          function: name,
          status: verdict.status,
          detail: verdict.detail,
        });
        sendProblem(
          res,
          problem(
            verdict.status,
            verdict.code,
            verdict.status === 401 ? 'Unauthenticated' : 'Forbidden',
            verdict.detail,
          ),
        );
        return;
      }
    }
    await handle(req, res, r);
  };
}
