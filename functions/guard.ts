import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { oidcVerifier } from '../shared/auth/verify-oidc.js';
import type { Config } from '../shared/config/load-config.js';
import { LOG_EVENTS } from '../shared/runtime/log-events.js';
import { describeError, type Logger } from '../shared/runtime/logger.js';
import { problem, sendProblem } from '../shared/runtime/problem.js';
import { withinLimits } from './edge.js';
import type { FunctionName } from './function-names.js';

type Verify = ReturnType<typeof oidcVerifier>;
const verifiers = new WeakMap<Config, Map<string, Verify>>();

/** The verifier of function `name`: tokens for its own audience only; undefined when none is configured. */
function verifierFor(config: Config & { mode: 'gcp' }, name: string): Verify | undefined {
  const audience = config.oidcAudiences[name];
  if (audience === undefined) return undefined;
  const byName = verifiers.get(config) ?? new Map<string, Verify>();
  verifiers.set(config, byName);
  let verify = byName.get(name);
  if (!verify) {
    verify = oidcVerifier({
      audience,
      allowedEmails: config.invokerEmails,
      jwksUrl: config.oidcJwksUrl,
    });
    byName.set(name, verify);
  }
  return verify;
}

const misconfigured = () =>
  problem(500, 'internal', 'Internal error', 'The function is misconfigured; see its logs.');

/**
 * Wraps a private function (called by Pub/Sub push, Cloud Tasks or Cloud Scheduler): its body limit is
 * enforced first ({@link withinLimits}); `GET /healthz` answers without configuration; in gcp mode every other request needs a Google-signed OIDC token for this
 * function's own audience (its entry `name` of `MAILMON_OIDC_AUDIENCES`; another function's audience is
 * refused) from an allowed service account (401 without a valid token, 403 for a wrong caller). Without an
 * audience for `name` every request answers 500 and logs the missing entry.
 */
export function privateFunction<R extends { config: Config; logger: Logger }>(
  name: FunctionName,
  runtime: () => Promise<R>,
  handle: (req: Request, res: Response, r: R) => Promise<void>,
): HttpFunction {
  return withinLimits(name, async (req, res) => {
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
      sendProblem(res, misconfigured());
      return;
    }
    if (r.config.mode === 'gcp') {
      const verify = verifierFor(r.config, name);
      if (!verify) {
        r.logger.error(`${name}: configuration failed`, {
          detail: `MAILMON_OIDC_AUDIENCES names no audience for ${name} (expected ${name}=<its URL>)`,
        });
        sendProblem(res, misconfigured());
        return;
      }
      const verdict = await verify(req.get('authorization'));
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
  });
}
