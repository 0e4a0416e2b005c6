import * as v from 'valibot';
import { MailmonEventSchema } from '../../../shared/events/event-schemas.js';
import { type DeleteMailboxDeps, deleteMailbox } from '../../../shared/mailboxes/delete-mailbox.js';
import type { EventReads, MailboxReads } from '../../../shared/read-model/ports.js';
import { defineRoute } from '../http/route.js';
import { Cursor, Id, notFound, PageLimit } from '../http/schemas.js';
import { listBody, listOf } from '../http/views.js';
import { Mailbox, mailboxView } from './mailbox-views.js';

/** What the mailbox routes need. */
export interface MailboxRouteDeps extends DeleteMailboxDeps {
  reads: MailboxReads & Pick<EventReads, 'listEvents'>;
}

const Limit = PageLimit(500);

const mailboxNotFound = () => notFound('mailbox');

export const mailboxRoutes = [
  defineRoute<MailboxRouteDeps, undefined, ReturnType<typeof listQuery>>({
    method: 'GET',
    path: '/v1/mailboxes',
    operationId: 'listMailboxes',
    summary: 'List the workspace’s mailboxes, newest first',
    tag: 'Mailboxes',
    auth: 'apiKey',
    query: listQuery(),
    responses: {
      200: {
        description: 'A page of mailboxes',
        schema: listOf(Mailbox),
      },
    },
    async handle({ deps, workspaceId, query }) {
      const page = await deps.reads.listMailboxes(workspaceId, query.limit, query.cursor);
      const now = deps.clock.now();
      return {
        status: 200,
        body: listBody(
          page.data.map((m) => mailboxView(m, now)),
          page.next,
        ),
      };
    },
  }),
  defineRoute<MailboxRouteDeps, ReturnType<typeof idParams>>({
    method: 'GET',
    path: '/v1/mailboxes/:mailboxId',
    operationId: 'getMailbox',
    summary: 'Get a mailbox with its sync health (cursor, last sync, last error)',
    tag: 'Mailboxes',
    auth: 'apiKey',
    params: idParams(),
    responses: { 200: { description: 'Mailbox', schema: Mailbox } },
    async handle({ deps, workspaceId, params }) {
      const m = await deps.reads.getMailbox(workspaceId, params.mailboxId);
      return m ? { status: 200, body: mailboxView(m, deps.clock.now()) } : mailboxNotFound();
    },
  }),
  defineRoute<MailboxRouteDeps, ReturnType<typeof idParams>>({
    method: 'DELETE',
    path: '/v1/mailboxes/:mailboxId',
    operationId: 'deleteMailbox',
    summary:
      'Delete a mailbox: stop its Gmail watch, revoke its token and purge its mirror, events, sync runs and deliveries',
    tag: 'Mailboxes',
    auth: 'apiKey',
    params: idParams(),
    responses: {
      204: { description: 'Deleted, nothing of it is left' },
      202: {
        description: 'Deleting: syncs have stopped and the rest of the purge finishes in the background',
        schema: v.object({ id: v.string(), object: v.literal('mailbox'), status: v.literal('deleting') }),
      },
    },
    async handle({ deps, workspaceId, params }) {
      const result = await deleteMailbox(deps, { workspaceId, mailboxId: params.mailboxId });
      if (result.outcome === 'not_found') return mailboxNotFound();
      if (result.outcome === 'deleted') return { status: 204 };
      return {
        status: 202,
        body: { id: params.mailboxId, object: 'mailbox' as const, status: 'deleting' as const },
      };
    },
  }),
  defineRoute<MailboxRouteDeps, ReturnType<typeof idParams>, ReturnType<typeof eventsQuery>>({
    method: 'GET',
    path: '/v1/mailboxes/:mailboxId/events',
    operationId: 'listMailboxEvents',
    summary: 'List a mailbox’s events in seq order after `afterSeq`',
    tag: 'Events',
    auth: 'apiKey',
    params: idParams(),
    query: eventsQuery(),
    responses: {
      200: {
        description: 'Events',
        schema: v.object({
          object: v.literal('list'),
          data: v.array(MailmonEventSchema),
          nextAfterSeq: v.nullable(v.number()),
        }),
      },
    },
    async handle({ deps, workspaceId, params, query }) {
      const events = await deps.reads.listEvents(workspaceId, params.mailboxId, query.afterSeq, query.limit);
      if (!events) return mailboxNotFound();
      return {
        status: 200,
        body: {
          object: 'list' as const,
          data: events,
          nextAfterSeq: events.length === query.limit ? events[events.length - 1]!.seq : null,
        },
      };
    },
  }),
];

function listQuery() {
  return v.strictObject({ limit: Limit, cursor: v.optional(Cursor) });
}
function idParams() {
  return v.object({ mailboxId: Id });
}
function eventsQuery() {
  return v.strictObject({
    limit: Limit,
    afterSeq: v.optional(
      v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'must be a non-negative integer'), v.transform(Number)),
      '0',
    ),
  });
}
