import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import {
  AddMessageSchema,
  CreateLabelSchema,
  CreateUserSchema,
  IssueTokensSchema,
  ModifySchema,
  QuotaSchema,
  RegisterClientSchema,
  SeedSchema,
} from './admin-schemas.js';
import { FaultConfigSchema, type Faults } from './faults.js';
import { BadBodyError, readJson, sendEmpty, sendJson } from './http.js';
import { type Mailbox, MailboxError } from './mailbox.js';
import type { WatchNotifier } from './notifier.js';
import { DEFAULT_ADMIN_SCOPE, DEFAULT_CLIENT, type OAuthServer } from './oauth.js';
import type { SlidingWindowQuota, UsageMeter } from './quota.js';
import type { EmulatorStore } from './store.js';

/** Settings that the admin API can change while the emulator runs. */
export interface RuntimeSettings {
  unitsPerMinute: number;
  maxConcurrentPerUser: number;
  quotaExceededStatus: 429 | 403;
}

/** What the admin routes need. */
export interface AdminRouteDeps {
  store: EmulatorStore;
  oauth: OAuthServer;
  faults: Faults;
  quota: SlidingWindowQuota;
  usage: UsageMeter;
  notifier: WatchNotifier;
  settings: RuntimeSettings;
  /** Restores the settings given at start. */
  resetSettings(): void;
}

/** An admin request refused with an RFC 7807 problem document. */
class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

function sendProblem(res: ServerResponse, problem: Problem): void {
  sendJson(
    res,
    problem.status,
    {
      type: `https://mailmon.dev/problems/${problem.code}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      code: problem.code,
    },
    {},
    'application/problem+json',
  );
}

async function parseBody<S extends v.GenericSchema>(
  req: IncomingMessage,
  schema: S,
): Promise<v.InferOutput<S>> {
  const body = await readJson(req);
  const result = v.safeParse(schema, body);
  if (!result.success)
    throw new Problem(400, 'invalid_request', 'Invalid request body', v.summarize(result.issues));
  return result.output;
}

function requireUser(store: EmulatorStore, email: string): Mailbox {
  const mailbox = store.user(email);
  if (!mailbox)
    throw new Problem(
      404,
      'user_not_found',
      'Unknown user',
      `No mailbox for ${email}; create it with POST /__admin/users.`,
    );
  return mailbox;
}

function mailboxProblem(error: MailboxError): Problem {
  switch (error.kind) {
    case 'messageNotFound':
      return new Problem(404, 'message_not_found', 'Unknown message', error.message);
    case 'threadNotFound':
      return new Problem(400, 'unknown_thread', 'Unknown thread', error.message);
    case 'labelNotFound':
      return new Problem(400, 'unknown_label', 'Unknown label', error.message);
    case 'labelExists':
      return new Problem(409, 'label_exists', 'Label exists', error.message);
    default:
      return new Problem(400, 'invalid_request', 'Invalid request', error.message);
  }
}

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: string[],
  deps: AdminRouteDeps,
) => Promise<void>;

const routes: { method: string; pattern: RegExp; handle: Handler }[] = [
  {
    method: 'GET',
    pattern: /^\/health$/,
    handle: async (_req, res) => sendJson(res, 200, { status: 'ok' }),
  },
  {
    method: 'POST',
    pattern: /^\/reset$/,
    handle: async (_req, res, _params, deps) => {
      deps.store.reset();
      deps.oauth.reset();
      deps.faults.reset();
      deps.quota.reset();
      deps.usage.reset();
      deps.notifier.reset();
      deps.resetSettings();
      sendEmpty(res, 204);
    },
  },
  {
    method: 'POST',
    pattern: /^\/clients$/,
    handle: async (req, res, _params, deps) => {
      const body = await parseBody(req, RegisterClientSchema);
      deps.oauth.registerClient(body);
      sendJson(res, 201, { clientId: body.clientId, redirectUris: body.redirectUris });
    },
  },
  {
    method: 'GET',
    pattern: /^\/faults$/,
    handle: async (_req, res, _params, deps) => sendJson(res, 200, deps.faults.config),
  },
  {
    method: 'PUT',
    pattern: /^\/faults$/,
    handle: async (req, res, _params, deps) => {
      deps.faults.set(await parseBody(req, FaultConfigSchema));
      sendJson(res, 200, deps.faults.config);
    },
  },
  {
    method: 'GET',
    pattern: /^\/quota$/,
    handle: async (_req, res, _params, deps) => sendJson(res, 200, deps.settings),
  },
  {
    method: 'PUT',
    pattern: /^\/quota$/,
    handle: async (req, res, _params, deps) => {
      const body = await parseBody(req, QuotaSchema);
      if (body.unitsPerMinute !== undefined) deps.settings.unitsPerMinute = body.unitsPerMinute;
      if (body.maxConcurrentPerUser !== undefined)
        deps.settings.maxConcurrentPerUser = body.maxConcurrentPerUser;
      if (body.exceededStatus !== undefined) deps.settings.quotaExceededStatus = body.exceededStatus;
      sendJson(res, 200, deps.settings);
    },
  },
  {
    method: 'POST',
    pattern: /^\/users$/,
    handle: async (req, res, _params, deps) => {
      const body = await parseBody(req, CreateUserSchema);
      const { mailbox, created } = deps.store.createUser(body.email);
      sendJson(res, created ? 201 : 200, { email: mailbox.email, historyId: String(mailbox.historyId) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/users\/([^/]+)$/,
    handle: async (_req, res, [email], deps) => {
      const mailbox = requireUser(deps.store, email ?? '');
      sendJson(res, 200, {
        email: mailbox.email,
        historyId: String(mailbox.historyId),
        oldestHistoryId: String(mailbox.history.floor),
        messagesTotal: mailbox.messagesTotal,
        threadsTotal: mailbox.threadsTotal,
        watch: mailbox.watch ? { ...mailbox.watch, expiration: String(mailbox.watch.expiration) } : null,
        quotaUnitsUsed: deps.quota.used(mailbox.email),
        usage: deps.usage.of(mailbox.email),
      });
    },
  },
  {
    method: 'POST',
    pattern: /^\/users\/([^/]+)\/tokens$/,
    handle: async (req, res, [email], deps) => {
      const mailbox = requireUser(deps.store, email ?? '');
      const body = await parseBody(req, IssueTokensSchema);
      const client = deps.oauth.client(body.clientId ?? DEFAULT_CLIENT.clientId);
      if (!client) {
        throw new Problem(
          400,
          'unknown_client',
          'Unknown OAuth client',
          `Client ${body.clientId} is not registered; use POST /__admin/clients.`,
        );
      }
      sendJson(res, 201, deps.oauth.issue(mailbox.email, client, body.scope ?? DEFAULT_ADMIN_SCOPE));
    },
  },
  {
    method: 'POST',
    pattern: /^\/users\/([^/]+)\/labels$/,
    handle: async (req, res, [email], deps) => {
      const mailbox = requireUser(deps.store, email ?? '');
      const body = await parseBody(req, CreateLabelSchema);
      sendJson(res, 201, mailbox.createLabel(body.name));
    },
  },
  {
    method: 'POST',
    pattern: /^\/users\/([^/]+)\/messages$/,
    handle: async (req, res, [email], deps) => {
      const mailbox = requireUser(deps.store, email ?? '');
      const body = await parseBody(req, AddMessageSchema);
      const message = mailbox.addMessage({ ...body, to: asList(body.to), cc: asList(body.cc) });
      sendJson(res, 201, {
        id: message.id,
        threadId: message.threadId,
        historyId: String(message.historyId),
      });
    },
  },
  {
    method: 'POST',
    pattern: /^\/users\/([^/]+)\/messages\/([^/]+)\/(modify|trash|untrash)$/,
    handle: async (req, res, [email, id, action], deps) => {
      const mailbox = requireUser(deps.store, email ?? '');
      let message: ReturnType<Mailbox['modify']>;
      if (action === 'modify') {
        const body = await parseBody(req, ModifySchema);
        message = mailbox.modify(id ?? '', body.addLabelIds, body.removeLabelIds);
      } else {
        message = action === 'trash' ? mailbox.trash(id ?? '') : mailbox.untrash(id ?? '');
      }
      sendJson(res, 200, {
        id: message.id,
        threadId: message.threadId,
        labelIds: [...message.labelIds],
        historyId: String(message.historyId),
      });
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/users\/([^/]+)\/messages\/([^/]+)$/,
    handle: async (_req, res, [email, id], deps) => {
      requireUser(deps.store, email ?? '').delete(id ?? '');
      sendEmpty(res, 204);
    },
  },
  {
    method: 'POST',
    pattern: /^\/users\/([^/]+)\/seed$/,
    handle: async (req, res, [email], deps) => {
      const mailbox = requireUser(deps.store, email ?? '');
      const body = await parseBody(req, SeedSchema);
      const started = performance.now();
      const result = mailbox.seed(body);
      sendJson(res, 201, {
        ...result,
        historyId: String(mailbox.historyId),
        oldestHistoryId: String(mailbox.history.floor),
        ms: Math.round(performance.now() - started),
      });
    },
  },
  {
    method: 'POST',
    pattern: /^\/users\/([^/]+)\/expire-history$/,
    handle: async (_req, res, [email], deps) => {
      const mailbox = requireUser(deps.store, email ?? '');
      mailbox.expireHistory();
      sendJson(res, 200, {
        historyId: String(mailbox.historyId),
        oldestHistoryId: String(mailbox.history.floor),
      });
    },
  },
  {
    method: 'POST',
    pattern: /^\/users\/([^/]+)\/revoke$/,
    handle: async (_req, res, [email], deps) => {
      const mailbox = requireUser(deps.store, email ?? '');
      sendJson(res, 200, { revokedGrants: deps.oauth.revokeUser(mailbox.email) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/users\/([^/]+)\/notifications$/,
    handle: async (_req, res, [email], deps) => {
      const mailbox = requireUser(deps.store, email ?? '');
      sendJson(res, 200, { notifications: deps.notifier.log(mailbox.email) });
    },
  },
];

/** Handles `/__admin/...`; returns false for other paths. */
export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: AdminRouteDeps,
): Promise<boolean> {
  if (!url.pathname.startsWith('/__admin/')) return false;
  const rest = url.pathname.slice('/__admin'.length);
  try {
    let pathMatched = false;
    for (const route of routes) {
      const match = route.pattern.exec(rest);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      await route.handle(req, res, match.slice(1).map(decodeURIComponent), deps);
      return true;
    }
    throw pathMatched
      ? new Problem(
          405,
          'method_not_allowed',
          'Method not allowed',
          `${req.method} is not allowed on ${url.pathname}`,
        )
      : new Problem(404, 'not_found', 'Not found', `No admin endpoint at ${url.pathname}`);
  } catch (error) {
    if (error instanceof Problem) sendProblem(res, error);
    else if (error instanceof MailboxError) sendProblem(res, mailboxProblem(error));
    else if (error instanceof BadBodyError || error instanceof URIError) {
      sendProblem(res, new Problem(400, 'invalid_request', 'Invalid request', error.message));
    } else {
      console.error('gmail-emulator: unexpected admin error', error);
      sendProblem(res, new Problem(500, 'internal', 'Internal error', String(error)));
    }
  }
  return true;
}
