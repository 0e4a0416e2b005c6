import type { CredentialBox } from '../secrets/credentials.js';
import type { WebhookEndpoint } from './model.js';

/** The context endpoint secrets are sealed under: a sealed secret opens only for its own endpoint. */
export function endpointSecretContext(endpointId: string): string {
  return `webhook-endpoint:${endpointId}`;
}

/** The endpoint's secrets that still sign at `now` (not expired), opened, in stored order (newest first). */
export async function openActiveSecrets(
  box: Pick<CredentialBox, 'openSecret'>,
  endpoint: Pick<WebhookEndpoint, 'id' | 'secrets'>,
  now: number,
): Promise<string[]> {
  const active = endpoint.secrets.filter((s) => s.expiresAt === null || s.expiresAt > now);
  return Promise.all(active.map((s) => box.openSecret(endpointSecretContext(endpoint.id), s.sealed)));
}
