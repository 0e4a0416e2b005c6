import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Clock, sleep, type Timers } from './clock.js';
import type { Faults, InjectedStatus } from './faults.js';
import {
  MESSAGE_FORMATS,
  type MessageFormat,
  messageResource,
  threadResource,
  threadSummary,
} from './gmail-resources.js';
import {
  forbidden,
  GoogleApiError,
  insufficientScopes,
  invalidArgument,
  notFound,
  notImplemented,
  rateLimited,
  serverError,
  tooManyConcurrent,
  unauthenticated,
} from './google-errors.js';
import { HISTORY_TYPES, HistoryExpiredError, type HistoryType } from './history-log.js';
import { BadBodyError, readJson, sendEmpty, sendJson } from './http.js';
import { type Mailbox, MailboxError } from './mailbox.js';
import type { WatchNotifier } from './notifier.js';
import { GMAIL_FULL_SCOPES, GMAIL_METADATA_SCOPE, type OAuthServer } from './oauth.js';
import type { NotificationPublisher } from './publisher.js';
import {
  type ConcurrencyLimiter,
  type GmailMethod,
  METHOD_COSTS,
  type SlidingWindowQuota,
  type UsageMeter,
} from './quota.js';
import type { EmulatorStore } from './store.js';

/** Prefix of every Gmail API v1 path. */
export const GMAIL_PREFIX = '/gmail/v1/users/';

/** How long a watch lasts (Gmail: 7 days). */
export const WATCH_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** What the Gmail routes need. */
export interface GmailRouteDeps {
  store: EmulatorStore;
  oauth: OAuthServer;
  clock: Clock;
  timers: Timers;
  faults: Faults;
  quota: SlidingWindowQuota;
  concurrency: ConcurrencyLimiter;
  /** What each user's calls cost: the counters a caller reads its real quota use from. */
  usage: UsageMeter;
  /** Status used when the per-user quota is spent: 429 `rateLimitExceeded` or 403 `userRateLimitExceeded`. */
  quotaExceededStatus: () => 429 | 403;
  publisher: NotificationPublisher;
  notifier: WatchNotifier;
}

interface Call {
  mailbox: Mailbox;
  url: URL;
  req: IncomingMessage;
  params: string[];
  metadataOnly: boolean;
}

type Result = { status: 200; body: unknown } | { status: 204 };

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  name: GmailMethod;
  handle(call: Call, deps: GmailRouteDeps): Promise<Result> | Result;
}

const ok = (body: unknown): Result => ({ status: 200, body });

function intParam(url: URL, name: string, fallback: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw invalidArgument(`Invalid value at '${name}' (TYPE_UINT32), "${raw}"`);
  return Math.min(Math.max(Number(raw), 1), max);
}

function boolParam(url: URL, name: string): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw invalidArgument(`Invalid value at '${name}' (TYPE_BOOL), "${raw}"`);
}

function formatParam(call: Call, allowed: readonly MessageFormat[] = MESSAGE_FORMATS): MessageFormat {
  const raw = call.url.searchParams.get('format') ?? 'full';
  const format = allowed.find((f) => f === raw);
  if (!format)
    throw invalidArgument(
      `Invalid value at 'format' (type.googleapis.com/google.apps.gmail.v1.Format), "${raw}"`,
    );
  if (call.metadataOnly && (format === 'full' || format === 'raw')) {
    throw forbidden(`Metadata scope doesn't allow format ${format.toUpperCase()}`);
  }
  return format;
}

function listQuery(call: Call) {
  if (call.url.searchParams.has('q')) {
    if (call.metadataOnly) throw forbidden("Metadata scope does not support 'q' parameter");
    throw invalidArgument('The q parameter is not supported by the Gmail emulator; filter with labelIds.');
  }
  return {
    labelIds: call.url.searchParams.getAll('labelIds'),
    includeSpamTrash: boolParam(call.url, 'includeSpamTrash'),
    maxResults: intParam(call.url, 'maxResults', 100, 500),
    pageToken: call.url.searchParams.get('pageToken') ?? undefined,
  };
}

const routes: Route[] = [
  {
    method: 'GET',
    pattern: /^([^/]+)\/profile$/,
    name: 'users.getProfile',
    handle: ({ mailbox }) =>
      ok({
        emailAddress: mailbox.email,
        messagesTotal: mailbox.messagesTotal,
        threadsTotal: mailbox.threadsTotal,
        historyId: String(mailbox.historyId),
      }),
  },
  {
    method: 'GET',
    pattern: /^([^/]+)\/labels$/,
    name: 'users.labels.list',
    handle: ({ mailbox }) => ok({ labels: mailbox.labels() }),
  },
  {
    method: 'GET',
    pattern: /^([^/]+)\/labels\/([^/]+)$/,
    name: 'users.labels.get',
    handle: ({ mailbox, params }) => {
      const label = mailbox.label(params[1] ?? '');
      if (!label) throw notFound();
      return ok({ ...label, ...mailbox.labelCountsOf(label.id) });
    },
  },
  {
    method: 'GET',
    pattern: /^([^/]+)\/messages$/,
    name: 'users.messages.list',
    handle: (call) => {
      const page = call.mailbox.listMessages(listQuery(call));
      return ok({
        ...(page.messages.length > 0 ? { messages: page.messages } : {}),
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
        resultSizeEstimate: page.resultSizeEstimate,
      });
    },
  },
  {
    method: 'GET',
    pattern: /^([^/]+)\/messages\/([^/]+)$/,
    name: 'users.messages.get',
    handle: (call) => {
      const message = call.mailbox.message(call.params[1] ?? '');
      if (!message) throw notFound();
      const format = formatParam(call);
      return ok(
        messageResource(call.mailbox, message, format, call.url.searchParams.getAll('metadataHeaders')),
      );
    },
  },
  {
    method: 'GET',
    pattern: /^([^/]+)\/messages\/([^/]+)\/attachments\/([^/]+)$/,
    name: 'users.messages.attachments.get',
    handle: (call) => {
      if (call.metadataOnly) throw forbidden("Metadata scope doesn't allow attachment access");
      const message = call.mailbox.message(call.params[1] ?? '');
      const attachment = message ? call.mailbox.render(message).attachment(call.params[2] ?? '') : undefined;
      if (!attachment) throw notFound();
      return ok({ attachmentId: call.params[2], ...attachment });
    },
  },
  {
    method: 'GET',
    pattern: /^([^/]+)\/threads$/,
    name: 'users.threads.list',
    handle: (call) => {
      const page = call.mailbox.listThreads(listQuery(call));
      return ok({
        ...(page.threads.length > 0
          ? { threads: page.threads.map((t) => threadSummary(call.mailbox, t)) }
          : {}),
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
        resultSizeEstimate: page.resultSizeEstimate,
      });
    },
  },
  {
    method: 'GET',
    pattern: /^([^/]+)\/threads\/([^/]+)$/,
    name: 'users.threads.get',
    handle: (call) => {
      const thread = call.mailbox.thread(call.params[1] ?? '');
      if (!thread) throw notFound();
      const format = formatParam(call, ['minimal', 'metadata', 'full']);
      return ok(
        threadResource(call.mailbox, thread, format, call.url.searchParams.getAll('metadataHeaders')),
      );
    },
  },
  {
    method: 'GET',
    pattern: /^([^/]+)\/history$/,
    name: 'users.history.list',
    handle: (call) => {
      const { url, mailbox } = call;
      const start = url.searchParams.get('startHistoryId');
      if (start === null || start === '')
        throw new GoogleApiError(400, 'Required parameter: startHistoryId', 'required');
      if (!/^\d+$/.test(start))
        throw invalidArgument(`Invalid value at 'start_history_id' (TYPE_UINT64), "${start}"`);
      const types = url.searchParams.getAll('historyTypes');
      for (const type of types) {
        if (!HISTORY_TYPES.includes(type as HistoryType)) {
          throw invalidArgument(
            `Invalid value at 'history_types' (type.googleapis.com/google.apps.gmail.v1.HistoryType), "${type}"`,
          );
        }
      }
      try {
        const page = mailbox.readHistory(
          Number(start),
          url.searchParams.get('pageToken') ?? undefined,
          intParam(url, 'maxResults', 100, 500),
          {
            types: new Set(types.length > 0 ? (types as HistoryType[]) : HISTORY_TYPES),
            labelId: url.searchParams.get('labelId') ?? undefined,
          },
        );
        return ok({
          ...(page.history.length > 0 ? { history: page.history } : {}),
          ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
          historyId: String(page.historyId),
        });
      } catch (error) {
        if (error instanceof HistoryExpiredError) throw notFound();
        throw error;
      }
    },
  },
  {
    method: 'POST',
    pattern: /^([^/]+)\/watch$/,
    name: 'users.watch',
    handle: async (call, deps) => {
      const body = (await readJson(call.req)) as Record<string, unknown>;
      const topicName = typeof body.topicName === 'string' ? body.topicName : '';
      if (!/^projects\/[^/]+\/topics\/[^/]+$/.test(topicName)) {
        throw invalidArgument('Invalid topicName does not match projects/SOME-PROJECT/topics/*');
      }
      const labelIds = Array.isArray(body.labelIds)
        ? body.labelIds.filter((l): l is string => typeof l === 'string')
        : [];
      for (const id of labelIds) if (!call.mailbox.label(id)) throw invalidArgument(`Invalid label: ${id}`);
      const behavior = body.labelFilterBehavior ?? body.labelFilterAction ?? 'include';
      if (behavior !== 'include' && behavior !== 'exclude') {
        throw invalidArgument(`Invalid value at 'label_filter_behavior', "${String(behavior)}"`);
      }
      if (deps.publisher.topicExists && !(await deps.publisher.topicExists(topicName))) {
        const short = topicName.split('/').pop() ?? topicName;
        throw new GoogleApiError(404, `Resource not found (resource=${short}).`, 'notFound');
      }
      const expiration = deps.clock.now() + WATCH_TTL_MS;
      call.mailbox.watch = { topicName, labelIds, labelFilterBehavior: behavior, expiration };
      return ok({ historyId: String(call.mailbox.historyId), expiration: String(expiration) });
    },
  },
  {
    method: 'POST',
    pattern: /^([^/]+)\/stop$/,
    name: 'users.stop',
    handle: ({ mailbox }) => {
      mailbox.watch = undefined;
      return { status: 204 };
    },
  },
];

function injected(status: InjectedStatus, now: number): GoogleApiError {
  if (status === 429 || status === 403) return rateLimited(status, 1_000, now);
  return serverError(status);
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match ? (match[1] ?? '').trim() : '';
}

function sendError(res: ServerResponse, error: GoogleApiError): void {
  sendJson(res, error.code, error.body(), error.headers);
}

/** Authenticates, checks scopes, user, concurrency, faults and quota, then runs the method. */
async function run(
  route: Route,
  params: string[],
  req: IncomingMessage,
  url: URL,
  deps: GmailRouteDeps,
): Promise<Result> {
  const token = bearer(req);
  if (token === undefined) throw unauthenticated(true);
  const grant = deps.oauth.authenticate(token);
  if (!grant) throw unauthenticated(false);
  const fullAccess = [...grant.scopes].some((s) => GMAIL_FULL_SCOPES.has(s));
  if (!fullAccess && !grant.scopes.has(GMAIL_METADATA_SCOPE)) throw insufficientScopes();
  const userId = decodeURIComponent(params[0] ?? '');
  if (userId !== 'me' && userId.toLowerCase() !== grant.email) {
    throw forbidden(`Delegation denied for ${grant.email}`);
  }
  const mailbox = deps.store.user(grant.email);
  if (!mailbox) throw unauthenticated(false);
  const release = deps.concurrency.tryAcquire(mailbox.email);
  if (!release) {
    deps.usage.refused(mailbox.email, 'concurrency');
    throw tooManyConcurrent();
  }
  try {
    await sleep(deps.timers, deps.faults.latencyMs);
    const failure = deps.faults.nextApiFailure();
    if (failure !== undefined) {
      deps.usage.refused(mailbox.email, 'injected');
      throw injected(failure, deps.clock.now());
    }
    const cost = METHOD_COSTS[route.name];
    const spent = deps.quota.tryConsume(mailbox.email, cost);
    if (!spent.ok) {
      deps.usage.refused(mailbox.email, 'quota');
      throw rateLimited(deps.quotaExceededStatus(), spent.retryAfterMs, deps.clock.now());
    }
    deps.usage.charged(mailbox.email, route.name, cost, deps.quota.used(mailbox.email));
    const call: Call = {
      mailbox,
      url,
      req,
      params: params.map((p) => decodeURIComponent(p)),
      metadataOnly: !fullAccess,
    };
    return await route.handle(call, deps);
  } finally {
    release();
  }
}

/** Handles `/gmail/v1/...` and `/batch/gmail/v1`; returns false for other paths. */
export async function handleGmail(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: GmailRouteDeps,
): Promise<boolean> {
  const path = url.pathname;
  if (path.startsWith('/batch/')) {
    sendError(res, notImplemented('The batch endpoint'));
    return true;
  }
  if (!path.startsWith('/gmail/v1/')) return false;
  const rest = path.startsWith(GMAIL_PREFIX) ? path.slice(GMAIL_PREFIX.length) : undefined;
  let route: Route | undefined;
  let params: string[] = [];
  for (const candidate of routes) {
    const match = rest === undefined ? null : candidate.pattern.exec(rest);
    if (match && candidate.method === req.method) {
      route = candidate;
      params = match.slice(1);
      break;
    }
  }
  try {
    if (!route) throw rest === undefined ? notFound() : notImplemented(`${req.method ?? 'GET'} ${path}`);
    const result = await run(route, params, req, url, deps);
    if (result.status === 204) sendEmpty(res, 204);
    else sendJson(res, 200, result.body);
  } catch (error) {
    if (error instanceof GoogleApiError) sendError(res, error);
    else if (error instanceof MailboxError) {
      const missing = error.kind === 'messageNotFound' || error.kind === 'threadNotFound';
      sendError(res, missing ? notFound() : invalidArgument(error.message));
    } else if (error instanceof BadBodyError || error instanceof URIError)
      sendError(res, invalidArgument(error.message));
    else {
      console.error('gmail-emulator: unexpected error', error);
      sendError(res, serverError(500));
    }
  }
  return true;
}
