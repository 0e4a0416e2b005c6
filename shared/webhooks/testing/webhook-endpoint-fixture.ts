import type { WebhookEndpoint } from '../model.js';

/** A stored endpoint for tests: enabled, no filter, no secrets unless given. */
export function webhookEndpointFixture(
  id: string,
  workspaceId: string,
  over: Partial<WebhookEndpoint> = {},
): WebhookEndpoint {
  return {
    id,
    workspaceId,
    url: `https://hooks.example/${id}`,
    description: '',
    eventTypes: [],
    mailboxIds: [],
    status: 'enabled',
    disabledReason: null,
    secrets: [],
    failingSince: null,
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}
