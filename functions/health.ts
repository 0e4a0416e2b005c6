import type { HttpFunction } from '@google-cloud/functions-framework';
import { problem, sendProblem } from '../shared/runtime/problem.js';

/** The names of Mailmon's Cloud Functions, one per row of the design's function table. */
export const FUNCTION_NAMES = [
  'api',
  'oauthCallback',
  'gmailPush',
  'syncMailbox',
  'deliverWebhook',
  'control',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * A handler that answers `GET /healthz` with `{status: "ok", function}` and every other request with a
 * 501 problem document, so an entry point that has no behaviour yet never claims to work.
 */
export function healthOnly(name: FunctionName): HttpFunction {
  return (req, res) => {
    if (req.method === 'GET' && (req.path === '/healthz' || req.path === '/')) {
      res.status(200).json({ status: 'ok', function: name });
      return;
    }
    sendProblem(
      res,
      problem(
        501,
        'not_implemented',
        'Not implemented',
        `${name} does not handle ${req.method} ${req.path} yet.`,
      ),
    );
  };
}
