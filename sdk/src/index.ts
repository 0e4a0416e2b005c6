export * from './generated.js';
export { MailmonApiError, type MailmonClientOptions, type Problem } from './http.js';
export { verifyWebhook, type WebhookHeaders, WebhookVerificationError } from './verify-webhook.js';
