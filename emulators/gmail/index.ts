/** The Gmail API v1 + Google OAuth 2.0 emulator: start it in-process or run `npm run emulator:gmail`. */
export { AdminApiError, type AdminMessageInput, type AdminTokens, GmailAdminClient } from './admin-client.js';
export { type Clock, ManualClock, systemClock, systemTimers, type Timers } from './clock.js';
export type { FaultConfig, FaultConfigInput } from './faults.js';
export type { GmailNotification, NotificationLogEntry } from './notifier.js';
export { DEFAULT_ADMIN_SCOPE, DEFAULT_CLIENT, type OAuthClientConfig } from './oauth.js';
export type { NotificationPublisher, PubSubTarget } from './publisher.js';
export { METHOD_COSTS, type UserUsage } from './quota.js';
export {
  type GmailEmulator,
  type GmailEmulatorEndpoints,
  type GmailEmulatorOptions,
  startGmailEmulator,
} from './server.js';
