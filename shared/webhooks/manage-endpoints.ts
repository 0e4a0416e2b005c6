import * as v from 'valibot';
import type { Clock } from '../core/clock.js';
import { assertSecureUrl, HttpUrl } from '../core/http-url.js';
import type { Ids } from '../core/ids.js';
import type { CredentialBox } from '../secrets/credentials.js';
import { assertWorkspaceMailboxes, type MailboxChecks } from './check-mailboxes.js';
import { endpointSecretContext } from './endpoint-secrets.js';
import { EventTypeList, MailboxIdList } from './filter-schemas.js';
import type { WebhookEndpoint } from './model.js';
import type { WebhookStore } from './ports.js';
import { generateWebhookSecret } from './sign.js';

/** Body of `POST /v1/webhook-endpoints`. */
export const CreateEndpointInput = v.strictObject({
  url: HttpUrl,
  // null, as the seed API sends it, means none
  description: v.optional(
    v.pipe(
      v.nullable(v.pipe(v.string(), v.maxLength(500))),
      v.transform((d) => d ?? ''),
    ),
    '',
  ),
  eventTypes: v.optional(EventTypeList, []),
  mailboxIds: v.optional(MailboxIdList, []),
});

/** Body of `PATCH /v1/webhook-endpoints/:id`. */
export const UpdateEndpointInput = v.strictObject({
  url: v.optional(HttpUrl),
  description: v.optional(
    v.pipe(
      v.nullable(v.pipe(v.string(), v.maxLength(500))),
      v.transform((d) => d ?? ''),
    ),
  ),
  eventTypes: v.optional(EventTypeList),
  mailboxIds: v.optional(MailboxIdList),
  status: v.optional(v.picklist(['enabled', 'disabled'])),
});

/**
 * An endpoint as the API shows it: never its secrets; `failingSince` is always present (null while
 * healthy, also for endpoints stored before the field existed).
 */
export function publicEndpoint(e: WebhookEndpoint) {
  const { secrets, ...rest } = e;
  return { ...rest, failingSince: e.failingSince ?? null, secretCount: secrets.length };
}

type Deps = {
  webhooks: WebhookStore;
  box: Pick<CredentialBox, 'sealSecret'>;
  clock: Clock;
  ids: Ids;
  /** Only https endpoint URLs are accepted (gcp mode). */
  httpsOnly?: boolean;
};

/**
 * Creates an endpoint with a fresh signing secret, stored sealed; the secret is returned only here. Throws
 * `NonRetryableError` and writes nothing when a filtered mailbox is not the workspace's (`unknown_mailbox`)
 * or, with `httpsOnly`, the URL is plain http (`insecure_url`).
 */
export async function createEndpoint(
  deps: Deps & { reads: MailboxChecks },
  workspaceId: string,
  input: v.InferOutput<typeof CreateEndpointInput>,
) {
  assertSecureUrl(input.url, 'url', deps.httpsOnly);
  await assertWorkspaceMailboxes(deps.reads, workspaceId, input.mailboxIds);
  const id = deps.ids.random('we');
  const secret = generateWebhookSecret();
  const now = deps.clock.now();
  const endpoint: WebhookEndpoint = {
    id,
    workspaceId,
    url: input.url,
    description: input.description,
    eventTypes: input.eventTypes,
    mailboxIds: input.mailboxIds,
    status: 'enabled',
    disabledReason: null,
    secrets: [
      {
        sealed: await deps.box.sealSecret(endpointSecretContext(id), secret),
        createdAt: now,
        expiresAt: null,
      },
    ],
    failingSince: null,
    createdAt: now,
    updatedAt: now,
  };
  await deps.webhooks.createEndpoint(endpoint);
  return { ...publicEndpoint(endpoint), secret };
}

/**
 * Changes an endpoint's settings; re-enabling it clears its failure streak. Undefined when the endpoint is not
 * the workspace's; throws `NonRetryableError` and writes nothing for a filtered mailbox that is not the
 * workspace's (`unknown_mailbox`) or, with `httpsOnly`, a plain-http URL (`insecure_url`).
 */
export async function updateEndpointSettings(
  deps: Pick<Deps, 'webhooks' | 'clock' | 'httpsOnly'> & { reads: MailboxChecks },
  workspaceId: string,
  id: string,
  input: v.InferOutput<typeof UpdateEndpointInput>,
) {
  if (input.url !== undefined) assertSecureUrl(input.url, 'url', deps.httpsOnly);
  await assertWorkspaceMailboxes(deps.reads, workspaceId, input.mailboxIds ?? []);
  const fields = {
    ...input,
    ...(input.status === 'enabled' ? { disabledReason: null, failingSince: null } : {}),
    updatedAt: deps.clock.now(),
  };
  if (!(await deps.webhooks.updateEndpoint(workspaceId, id, fields))) return undefined;
  const updated = await deps.webhooks.getEndpoint(workspaceId, id);
  return updated && publicEndpoint(updated);
}

/**
 * Rotates the signing secret: the new one signs from now on; the previous one keeps signing alongside
 * for `overlapMs` (24 h by default) so receivers can switch without dropping deliveries.
 */
export async function rotateEndpointSecret(
  deps: Deps,
  workspaceId: string,
  id: string,
  overlapMs = 24 * 60 * 60 * 1000,
) {
  // compare-and-set on the secrets: of two racing rotations, the one that read the older secrets tries again,
  // so every secret handed out is the one stored (and the loser's secret never signs)
  for (let round = 1; ; round += 1) {
    const endpoint = await deps.webhooks.getEndpoint(workspaceId, id);
    if (!endpoint) return undefined;
    const now = deps.clock.now();
    const secret = generateWebhookSecret();
    const kept = endpoint.secrets
      .filter((s) => s.expiresAt === null || s.expiresAt > now)
      .slice(0, 1)
      .map((s) => ({ ...s, expiresAt: now + overlapMs }));
    const secrets = [
      {
        sealed: await deps.box.sealSecret(endpointSecretContext(id), secret),
        createdAt: now,
        expiresAt: null,
      },
      ...kept,
    ];
    const read = JSON.stringify(endpoint.secrets);
    const written = await deps.webhooks.updateEndpoint(
      workspaceId,
      id,
      { secrets, updatedAt: now },
      (current) => JSON.stringify(current.secrets) !== read,
    );
    if (written) return { ...publicEndpoint({ ...endpoint, secrets }), secret };
    if (round === 5) throw new Error(`endpoint ${id} kept changing while its secret was rotated`);
  }
}
