import * as v from 'valibot';
import { parseResourceId } from '../../../shared/events/resource-ids.js';
import type { MirrorReads } from '../../../shared/read-model/ports.js';
import { defineRoute, type Route } from '../http/route.js';
import { Cursor, Id, notFound, PageLimit } from '../http/schemas.js';
import { listBody, listOf } from '../http/views.js';
import { Message, messageView, Thread, threadView } from './mirror-views.js';

/** What the message and thread routes need. */
export interface MirrorRouteDeps {
  reads: MirrorReads;
}

const ListQuery = v.strictObject({
  mailboxId: v.optional(Id),
  labelId: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,100}$/))),
  since: v.optional(
    v.pipe(
      v.string(),
      v.isoTimestamp('must be an ISO 8601 timestamp'),
      v.transform((s) => Date.parse(s)),
    ),
  ),
  limit: PageLimit(500),
  cursor: v.optional(Cursor),
});
const GetQuery = v.strictObject({ mailboxId: v.optional(Id) });
const Params = v.object({ id: Id });

function mirrorRoutes(
  kind: 'messages' | 'threads',
  tag: string,
  schema: typeof Message | typeof Thread,
  view: (d: Record<string, unknown> & { mailboxId: string }) => unknown,
): Route<MirrorRouteDeps>[] {
  const prefix = kind === 'messages' ? 'msg' : 'thr';
  const missing = notFound(kind.slice(0, -1));
  return [
    defineRoute<MirrorRouteDeps, undefined, typeof ListQuery>({
      method: 'GET',
      path: `/v1/${kind}`,
      operationId: `list${tag}s`,
      summary: `List mirrored ${kind} of one mailbox, or of every mailbox of the workspace without \`mailboxId\`, newest first, by label and date`,
      tag,
      auth: 'apiKey',
      query: ListQuery,
      responses: {
        200: {
          description: 'A page',
          schema: listOf(schema),
        },
      },
      async handle({ deps, workspaceId, query }) {
        const page = await deps.reads.listMirror(
          workspaceId,
          kind,
          {
            ...(query.mailboxId ? { mailboxId: query.mailboxId } : {}),
            ...(query.labelId ? { labelId: query.labelId } : {}),
            ...(query.since !== undefined ? { since: query.since } : {}),
          },
          query.limit,
          query.cursor,
        );
        return page
          ? {
              status: 200,
              body: listBody(
                page.data.map((d) => view(d as Parameters<typeof view>[0])),
                page.next,
              ),
            }
          : missing;
      },
    }),
    defineRoute<MirrorRouteDeps, typeof Params, typeof GetQuery>({
      method: 'GET',
      path: `/v1/${kind}/:id`,
      operationId: `get${tag}`,
      summary: `Get one mirrored ${kind.slice(0, -1)} by its Mailmon id (metadata only, no bodies)`,
      tag,
      auth: 'apiKey',
      params: Params,
      query: GetQuery,
      responses: { 200: { description: tag, schema } },
      async handle({ deps, workspaceId, params, query }) {
        // the id names its mailbox; a mailboxId given as well must be that one
        const named = parseResourceId(prefix, params.id);
        if (!named || (query.mailboxId !== undefined && query.mailboxId !== named.mailboxId)) return missing;
        const found = await deps.reads.getMirrored(workspaceId, kind, named.mailboxId, named.providerId);
        return found ? { status: 200, body: view(found as Parameters<typeof view>[0]) } : missing;
      },
    }),
  ];
}

export const messageAndThreadRoutes = [
  ...mirrorRoutes('messages', 'Message', Message, messageView),
  ...mirrorRoutes('threads', 'Thread', Thread, threadView),
];
