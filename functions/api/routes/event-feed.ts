import * as v from 'valibot';
import { EVENT_TYPES, type EventType } from '../../../shared/events/event.js';
import type { EventFeed } from '../../../shared/events/event-feed.js';
import { MailmonEventSchema } from '../../../shared/events/event-schemas.js';
import { defineRoute } from '../http/route.js';
import { Cursor, Id, notFound, PageLimit } from '../http/schemas.js';

/** What the event feed route needs. */
export interface EventFeedRouteDeps {
  reads: EventFeed;
}

const Types = v.pipe(
  v.string(),
  v.transform((s) => [
    ...new Set(
      s
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ]),
  v.check(
    (types) => types.length >= 1 && types.length <= EVENT_TYPES.length,
    'must name at least one event type',
  ),
  v.check(
    (types) => types.every((t) => (EVENT_TYPES as readonly string[]).includes(t)),
    `must be a comma-separated list of: ${EVENT_TYPES.join(', ')}`,
  ),
  v.transform((types) => types as EventType[]),
);

function feedQuery() {
  return v.strictObject({
    /** A cursor of a previous page, or `latest` to start after the newest event so far. */
    after: v.optional(Cursor),
    limit: PageLimit(100),
    types: v.optional(Types),
    mailboxId: v.optional(Id),
  });
}

export const eventFeedRoutes = [
  defineRoute<EventFeedRouteDeps, undefined, ReturnType<typeof feedQuery>>({
    method: 'GET',
    path: '/v1/events',
    operationId: 'listEvents',
    summary:
      'The workspace’s event feed: every event of every mailbox in feed order; resume from `nextCursor` to see each event at least once, with no gaps (`after=latest` starts after the newest event)',
    tag: 'Events',
    auth: 'apiKey',
    query: feedQuery(),
    responses: {
      200: {
        description: 'A page of events',
        schema: v.object({
          object: v.literal('list'),
          data: v.array(MailmonEventSchema),
          nextCursor: v.nullable(v.string()),
          hasMore: v.boolean(),
        }),
      },
    },
    async handle({ deps, workspaceId, query }) {
      if (query.after === 'latest') {
        const end = await deps.reads.feedEnd(workspaceId);
        return { status: 200, body: { object: 'list' as const, data: [], nextCursor: end, hasMore: false } };
      }
      const page = await deps.reads.eventFeed(
        workspaceId,
        {
          ...(query.mailboxId ? { mailboxId: query.mailboxId } : {}),
          ...(query.types ? { types: query.types } : {}),
        },
        query.limit,
        query.after,
      );
      if (!page) return notFound('mailbox');
      return {
        status: 200,
        body: { object: 'list' as const, data: page.data, nextCursor: page.position, hasMore: page.more },
      };
    },
  }),
];
