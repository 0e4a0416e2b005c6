import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { GmailAdminClient } from './admin-client.js';
import { handleAdmin, type RuntimeSettings } from './admin-routes.js';
import { type Clock, systemClock, systemTimers, type Timers } from './clock.js';
import { type FaultConfigInput, FaultConfigSchema, Faults } from './faults.js';
import { handleGmail } from './gmail-routes.js';
import { sendJson } from './http.js';
import { WatchNotifier } from './notifier.js';
import { DEFAULT_CLIENT, type OAuthClientConfig, OAuthServer } from './oauth.js';
import { AUTHORIZE_PATHS, handleOAuth } from './oauth-routes.js';
import {
  type NotificationPublisher,
  nullPublisher,
  type PubSubTarget,
  pubSubPublisher,
} from './publisher.js';
import {
  ConcurrencyLimiter,
  DEFAULT_UNITS_PER_USER_PER_MINUTE,
  SlidingWindowQuota,
  UsageMeter,
} from './quota.js';
import { EmulatorStore } from './store.js';

/** How the emulator starts. Every field is optional. */
export interface GmailEmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Time source for token expiry, quotas, history retention, watch expiry and notification pacing. */
  clock?: Clock;
  /** Timer source for latency and notification pacing; defaults to `clock` when it has timers (ManualClock), else Node's. */
  timers?: Timers;
  /** Seed of every random choice (history id gaps, faults); the same seed gives the same run. Default 1. */
  seed?: number;
  /** Where watch notifications are published: a Pub/Sub emulator, or any publisher. Without it they are only logged. */
  pubsub?: PubSubTarget | NotificationPublisher;
  /** Per-user quota units per sliding minute; default 15,000. */
  quotaUnitsPerMinute?: number;
  /** Status when the per-user quota is spent: 429 `rateLimitExceeded` (default) or 403 `userRateLimitExceeded`. */
  quotaExceededStatus?: 429 | 403;
  /** Gmail API requests in flight per user before 429; default 10. */
  maxConcurrentPerUser?: number;
  /** How long history records stay readable (ms); default 7 days. */
  historyRetentionMs?: number;
  /** Minimum spacing of watch notifications per user (ms); default 1,000 as Gmail. */
  notificationIntervalMs?: number;
  /** Access token lifetime; default 3599 s. */
  accessTokenTtlSeconds?: number;
  /** Authorization code lifetime; default 10 minutes. */
  authCodeTtlMs?: number;
  /** Registered OAuth clients; default {@link DEFAULT_CLIENT} only. */
  clients?: OAuthClientConfig[];
  /** Approve valid authorization requests without showing the consent page. */
  autoApprove?: boolean;
  /** Faults active from the start. */
  faults?: FaultConfigInput;
  /** Mailboxes to create at start. */
  users?: string[];
}

/** URLs a Google client needs to talk to the emulator. */
export interface GmailEmulatorEndpoints {
  /** `rootUrl` for `google.gmail({version: 'v1', rootUrl})`. */
  rootUrl: string;
  /** `oauth2AuthBaseUrl` */
  authorizeUrl: string;
  /** `oauth2TokenUrl` */
  tokenUrl: string;
  /** `oauth2RevokeUrl` */
  revokeUrl: string;
  /** `tokenInfoUrl` */
  tokenInfoUrl: string;
  userinfoUrl: string;
}

/** A running emulator. */
export interface GmailEmulator {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:4123`. */
  url: string;
  port: number;
  endpoints: GmailEmulatorEndpoints;
  /** Typed client of the `/__admin` API. */
  admin: GmailAdminClient;
  /** Resolves when every notification publish started so far has finished. */
  flushNotifications(): Promise<void>;
  /** Closes the server, cancels timers and closes the Pub/Sub client. */
  stop(): Promise<void>;
}

function isPublisher(value: PubSubTarget | NotificationPublisher): value is NotificationPublisher {
  return typeof (value as NotificationPublisher).publish === 'function';
}

function hasTimers(clock: Clock): clock is Clock & Timers {
  const candidate = clock as Partial<Timers>;
  return typeof candidate.setTimeout === 'function' && typeof candidate.clearTimeout === 'function';
}

/** Starts a Gmail API v1 + Google OAuth 2.0 emulator and resolves once it listens. */
export async function startGmailEmulator(options: GmailEmulatorOptions = {}): Promise<GmailEmulator> {
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? (hasTimers(clock) ? clock : systemTimers);
  const seed = options.seed ?? 1;
  const initialSettings: RuntimeSettings = {
    unitsPerMinute: options.quotaUnitsPerMinute ?? DEFAULT_UNITS_PER_USER_PER_MINUTE,
    maxConcurrentPerUser: options.maxConcurrentPerUser ?? 10,
    quotaExceededStatus: options.quotaExceededStatus ?? 429,
  };
  const settings: RuntimeSettings = { ...initialSettings };
  const initialFaults = v.parse(FaultConfigSchema, options.faults ?? {});
  const faults = new Faults(seed);
  faults.set(initialFaults);
  const publisher = options.pubsub
    ? isPublisher(options.pubsub)
      ? options.pubsub
      : pubSubPublisher(options.pubsub)
    : nullPublisher;
  const store: EmulatorStore = new EmulatorStore({
    clock,
    seed,
    historyRetentionMs: options.historyRetentionMs ?? 7 * 24 * 60 * 60 * 1000,
    onChange: (mailbox, historyId, entry) => notifier.changed(mailbox.email, historyId, entry),
  });
  const notifier = new WatchNotifier({
    clock,
    timers,
    intervalMs: options.notificationIntervalMs ?? 1_000,
    faults,
    publisher,
    watchOf: (email) => store.user(email)?.watch,
  });
  let baseUrl = '';
  const oauth = new OAuthServer(
    clock,
    {
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3599,
      codeTtlMs: options.authCodeTtlMs ?? 10 * 60 * 1000,
      issuer: () => baseUrl,
    },
    options.clients ?? [DEFAULT_CLIENT],
  );
  const quota = new SlidingWindowQuota(clock, () => settings.unitsPerMinute);
  const concurrency = new ConcurrencyLimiter(() => settings.maxConcurrentPerUser);
  const usage = new UsageMeter();
  const createUsers = () => {
    for (const email of options.users ?? []) store.createUser(email);
  };
  createUsers();

  const gmailDeps = {
    store,
    oauth,
    clock,
    timers,
    faults,
    quota,
    concurrency,
    usage,
    quotaExceededStatus: () => settings.quotaExceededStatus,
    publisher,
    notifier,
  };
  const oauthDeps = { oauth, store, clock, autoApprove: () => options.autoApprove === true };
  const adminDeps = {
    store,
    oauth,
    faults,
    quota,
    usage,
    notifier,
    settings,
    resetSettings: () => {
      Object.assign(settings, initialSettings);
      faults.set(initialFaults);
      createUsers();
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', baseUrl);
    try {
      if (await handleGmail(req, res, url, gmailDeps)) return;
      if (await handleOAuth(req, res, url, oauthDeps)) return;
      if (await handleAdmin(req, res, url, adminDeps)) return;
      if (url.pathname === '/' && req.method === 'GET') {
        sendJson(res, 200, { name: 'gmail-emulator', endpoints: endpointsOf(baseUrl) });
        return;
      }
      sendJson(res, 404, { error: { code: 404, message: 'Not Found', errors: [], status: 'NOT_FOUND' } });
    } catch (error) {
      console.error('gmail-emulator: request failed', error);
      if (!res.headersSent)
        sendJson(res, 500, {
          error: { code: 500, message: 'Internal error encountered.', errors: [], status: 'INTERNAL' },
        });
      else res.destroy();
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host =
    options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: baseUrl,
    port,
    endpoints: endpointsOf(baseUrl),
    admin: new GmailAdminClient(baseUrl),
    flushNotifications: () => notifier.flush(),
    stop: async () => {
      notifier.reset();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await notifier.flush();
      await publisher.close();
    },
  };
}

function endpointsOf(baseUrl: string): GmailEmulatorEndpoints {
  return {
    rootUrl: `${baseUrl}/`,
    authorizeUrl: `${baseUrl}${AUTHORIZE_PATHS[0]}`,
    tokenUrl: `${baseUrl}/token`,
    revokeUrl: `${baseUrl}/revoke`,
    tokenInfoUrl: `${baseUrl}/tokeninfo`,
    userinfoUrl: `${baseUrl}/oauth2/v2/userinfo`,
  };
}
