import * as v from 'valibot';
import type { Clock } from '../../core/clock.js';
import { NonRetryableError } from '../../core/errors.js';
import type { Ids } from '../../core/ids.js';
import { assertWorkspaceMailboxes, type MailboxChecks } from '../check-mailboxes.js';
import { EventTypeList, MailboxIdList } from '../filter-schemas.js';
import type { WebhookStore } from '../ports.js';
import type { Subscription } from './model.js';
import type { SubscriptionStore } from './ports.js';

const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/));
const MailboxIds = v.union([
  v.literal('all'),
  v.pipe(MailboxIdList, v.minLength(1, 'list at least one mailbox, or say "all"')),
]);
const EventTypes = v.union([
  v.literal('all'),
  v.pipe(EventTypeList, v.minLength(1, 'list at least one event type, or say "all"')),
]);

/** Body of `POST /v1/subscriptions`. */
export const CreateSubscriptionInput = v.strictObject({
  endpointId: Id,
  mailboxIds: MailboxIds,
  eventTypes: v.optional(EventTypes, 'all'),
});

/** Body of `PATCH /v1/subscriptions/:id`. */
export const UpdateSubscriptionInput = v.pipe(
  v.strictObject({ mailboxIds: v.optional(MailboxIds), eventTypes: v.optional(EventTypes) }),
  v.check((b) => b.mailboxIds !== undefined || b.eventTypes !== undefined, 'change mailboxIds or eventTypes'),
);

/** What managing subscriptions checks against. */
export interface SubscriptionDeps {
  subscriptions: SubscriptionStore;
  webhooks: Pick<WebhookStore, 'getEndpoint'>;
  reads: MailboxChecks;
  clock: Clock;
  ids: Ids;
}

function unique<T>(list: 'all' | T[]): 'all' | T[] {
  return list === 'all' ? 'all' : [...new Set(list)];
}

/**
 * Creates a subscription routing the workspace's events (of the given mailboxes and types) to one of its
 * endpoints. Throws `NonRetryableError` (`unknown_endpoint`, `unknown_mailbox`) and writes nothing when an
 * id is not the workspace's.
 */
export async function createSubscription(
  deps: SubscriptionDeps,
  workspaceId: string,
  input: v.InferOutput<typeof CreateSubscriptionInput>,
): Promise<Subscription> {
  if (!(await deps.webhooks.getEndpoint(workspaceId, input.endpointId)))
    throw new NonRetryableError(
      `No such webhook endpoint in this workspace: ${input.endpointId}`,
      'unknown_endpoint',
    );
  await assertWorkspaceMailboxes(deps.reads, workspaceId, input.mailboxIds);
  const now = deps.clock.now();
  const subscription: Subscription = {
    id: deps.ids.random('sub'),
    workspaceId,
    endpointId: input.endpointId,
    mailboxIds: unique(input.mailboxIds),
    eventTypes: unique(input.eventTypes),
    createdAt: now,
    updatedAt: now,
  };
  await deps.subscriptions.create(subscription);
  return subscription;
}

/** Changes a subscription's mailboxes or event types; undefined when it is not the workspace's. */
export async function updateSubscription(
  deps: SubscriptionDeps,
  workspaceId: string,
  id: string,
  input: v.InferOutput<typeof UpdateSubscriptionInput>,
): Promise<Subscription | undefined> {
  if (!(await deps.subscriptions.get(workspaceId, id))) return undefined;
  if (input.mailboxIds !== undefined)
    await assertWorkspaceMailboxes(deps.reads, workspaceId, input.mailboxIds);
  const fields = {
    ...(input.mailboxIds !== undefined ? { mailboxIds: unique(input.mailboxIds) } : {}),
    ...(input.eventTypes !== undefined ? { eventTypes: unique(input.eventTypes) } : {}),
    updatedAt: deps.clock.now(),
  };
  if (!(await deps.subscriptions.update(workspaceId, id, fields))) return undefined;
  return deps.subscriptions.get(workspaceId, id);
}
