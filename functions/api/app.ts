import type { HttpFunction } from '@google-cloud/functions-framework';
import type { ObservabilityReads, ReadModel } from '../../shared/read-model/ports.js';
import type { Runtime } from '../../shared/runtime/composition-root.js';
import type { Logger } from '../../shared/runtime/logger.js';
import type { CredentialBox } from '../../shared/secrets/credentials.js';
import { authenticateApiKey } from '../../shared/workspaces/api-keys.js';
import type { WorkspaceStore } from '../../shared/workspaces/ports.js';
import { withinLimits } from '../edge.js';
import type { Route } from './http/route.js';
import { createRouter } from './http/router.js';
import { beginConsentRoute, type ConnectRouteDeps, createConnectSessionRoute } from './routes/connect.js';
import { type EventFeedRouteDeps, eventFeedRoutes } from './routes/event-feed.js';
import { keyAndDeliveryRoutes } from './routes/keys-and-deliveries.js';
import { type MailboxRouteDeps, mailboxRoutes } from './routes/mailboxes.js';
import { healthRoute, openApiRoute } from './routes/meta.js';
import { messageAndThreadRoutes } from './routes/mirror.js';
import { type ObservabilityRouteDeps, observabilityRoutes } from './routes/observability.js';
import { type ReplayRouteDeps, replayRoutes } from './routes/replays.js';
import { type SubscriptionRouteDeps, subscriptionRoutes } from './routes/subscriptions.js';
import { type WebhookRouteDeps, webhookRoutes } from './routes/webhooks.js';

/** Everything the `api` function's routes need; built by the composition root. */
export interface ApiDeps
  extends ConnectRouteDeps,
    WebhookRouteDeps,
    MailboxRouteDeps,
    ObservabilityRouteDeps,
    SubscriptionRouteDeps,
    ReplayRouteDeps,
    EventFeedRouteDeps {
  reads: ReadModel;
  observability: ObservabilityReads;
  workspaces: WorkspaceStore;
  box: CredentialBox;
}

/** Every route of the public API, in documentation order. */
export function apiRoutes(apiBaseUrl: () => string | undefined): Route<ApiDeps>[] {
  const routes: Route<ApiDeps>[] = [
    healthRoute<ApiDeps>('api'),
    createConnectSessionRoute,
    beginConsentRoute,
    ...(mailboxRoutes as Route<ApiDeps>[]),
    ...(messageAndThreadRoutes as Route<ApiDeps>[]),
    ...(eventFeedRoutes as Route<ApiDeps>[]),
    ...(observabilityRoutes as Route<ApiDeps>[]),
    ...(webhookRoutes as Route<ApiDeps>[]),
    ...(subscriptionRoutes as Route<ApiDeps>[]),
    ...(replayRoutes as Route<ApiDeps>[]),
    ...(keyAndDeliveryRoutes as Route<ApiDeps>[]),
  ];
  routes.push(openApiRoute(() => routes, apiBaseUrl));
  return routes;
}

/**
 * The routes' dependencies out of the process runtime (the composition root); in gcp mode only https URLs
 * are stored, since webhook bodies and return redirects must not travel in clear.
 */
export function apiDepsOf(r: Runtime): ApiDeps {
  return {
    ...r,
    apiBaseUrl: r.config.apiUrl,
    deliverUrl: r.config.deliverWebhookUrl,
    httpsOnly: r.config.mode === 'gcp',
  };
}

/**
 * Builds the `api` HTTP function over injected dependencies (the composition root in production, fakes in
 * tests), serving `routes` (every API route unless given); bodies over 1 MiB are refused before any route runs.
 */
export function createApiFunction(
  deps: () => Promise<ApiDeps>,
  logger: Logger,
  apiBaseUrl: () => string | undefined = () => undefined,
  routes: Route<ApiDeps>[] = apiRoutes(apiBaseUrl),
): HttpFunction {
  return withinLimits(
    'api',
    createRouter(routes, deps, (d) => (key) => authenticateApiKey(d, key), logger),
  );
}
