import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { HttpFunction, Request } from '@google-cloud/functions-framework';
import { type Problem, problem, sendProblem } from '../shared/runtime/problem.js';
import type { FunctionName } from './function-names.js';

const KIB = 1024;

/**
 * The largest body each function reads: the API's requests carry at most a few filters and URLs; the others
 * receive a Pub/Sub push, a Cloud Tasks task or a Scheduler call of a few hundred bytes.
 */
export const BODY_LIMITS: Record<FunctionName, number> = {
  api: 1024 * KIB,
  oauthCallback: 64 * KIB,
  gmailPush: 64 * KIB,
  syncMailbox: 64 * KIB,
  deliverWebhook: 64 * KIB,
  control: 64 * KIB,
};

/** The largest body any function reads. */
export const MAX_BODY_BYTES = Math.max(...Object.values(BODY_LIMITS));

const tooLarge = (limit: number) =>
  problem(413, 'payload_too_large', 'Payload too large', `The request body may be at most ${limit} bytes.`);

function pathDecodes(url: string): boolean {
  try {
    decodeURIComponent(url.split('?', 1)[0] ?? '');
    return true;
  } catch {
    return false;
  }
}

/**
 * What a request is refused for before its body is read, if anything: a path with a malformed
 * percent-escape (400 `invalid_path`), a compressed body, which could inflate past any limit while it is
 * parsed (415 `unsupported_content_encoding`), or a declared length over `maxBodyBytes` (413
 * `payload_too_large`). A body without a declared length is measured once read ({@link withinLimits}).
 */
export function screenRequest(req: IncomingMessage, maxBodyBytes: number): Problem | undefined {
  if (!pathDecodes(req.url ?? '/'))
    return problem(400, 'invalid_path', 'Malformed path', 'The request path has a malformed percent-escape.');
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity')
    return problem(
      415,
      'unsupported_content_encoding',
      'Unsupported content encoding',
      'Request bodies are accepted uncompressed only.',
    );
  if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) return tooLarge(maxBodyBytes);
  return undefined;
}

const refusals = new WeakMap<IncomingMessage, Problem>();

/**
 * Refuses `req` before the Functions Framework reads or routes it, when {@link screenRequest} says so: the
 * refusal is kept for {@link withinLimits} to answer, and the request goes on without its body headers (so
 * no parser reads the body) to a path that decodes (so the router does not fail on it). Answers whether it
 * refused.
 */
export function refuseEarly(req: IncomingMessage, maxBodyBytes: number): boolean {
  const refusal = screenRequest(req, maxBodyBytes);
  if (!refusal) return false;
  refusals.set(req, refusal);
  req.url = '/';
  for (const name of ['content-length', 'transfer-encoding', 'content-encoding'])
    req.headers[name] = undefined;
  return true;
}

let screening = false;

/**
 * Screens every request the HTTP servers of this process receive with {@link refuseEarly}, as the request
 * starts — before the Functions Framework, whose body parsers accept up to 1 GB and cannot be configured,
 * reads it. For a process that serves Mailmon functions only (a deployment, `functions-framework
 * --target`); the limit is that of `FUNCTION_TARGET` when the platform names it, else {@link MAX_BODY_BYTES}.
 */
export function screenRequestsOfThisProcess(target = process.env.FUNCTION_TARGET): void {
  if (screening) return;
  screening = true;
  const limit = BODY_LIMITS[target as FunctionName] ?? MAX_BODY_BYTES;
  subscribe('http.server.request.start', (message) => {
    refuseEarly((message as { request: IncomingMessage }).request, limit);
  });
}

/**
 * Wraps function `name` so that, before anything else runs (configuration, authentication, routing), it
 * answers a refusal of {@link refuseEarly} and refuses a body over its {@link BODY_LIMITS} entry: declared,
 * or measured once read. A refusal is problem JSON and closes the connection, so no unread body is waited for.
 */
export function withinLimits(name: FunctionName, handler: HttpFunction): HttpFunction {
  const limit = BODY_LIMITS[name];
  return async (req, res) => {
    const read = (req as Request & { rawBody?: Buffer }).rawBody?.length ?? 0;
    const refusal =
      refusals.get(req) ?? screenRequest(req, limit) ?? (read > limit ? tooLarge(limit) : undefined);
    if (refusal) {
      sendProblem(res, refusal, { connection: 'close' });
      return;
    }
    await handler(req, res);
  };
}
