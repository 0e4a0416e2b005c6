import * as v from 'valibot';
import type { FirestoreReadModel } from '../../../shared/adapters/firestore/firestore-read-model.js';
import { problem } from '../../../shared/runtime/problem.js';
import { defineRoute, type Route } from '../http/route.js';
import { Cursor, Id } from '../http/schemas.js';

/** What the message and thread routes need. */
export interface MirrorRouteDeps {
  reads: FirestoreReadModel;
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
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, 'must be 1-500'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(500),
    ),
    '50',
  ),
  cursor: v.optional(Cursor),
});
const GetQuery = v.strictObject({ mailboxId: Id });
const MessageFields = v.object({
  id: v.string(),
  mailboxId: v.string(),
  threadId: v.string(),
  labelIds: v.array(v.string()),
  subject: v.string(),
  from: v.string(),
  to: v.array(v.string()),
  cc: v.array(v.string()),
  snippet: v.string(),
  receivedAt: v.number(),
  sizeEstimate: v.number(),
  attachments: v.array(v.object({ filename: v.string(), mimeType: v.string(), size: v.number() })),
});
const Message = v.pipe(MessageFields, v.title('Message'));
const ThreadFields = v.object({
  id: v.string(),
  mailboxId: v.string(),
  messageIds: v.array(v.string()),
  labelIds: v.array(v.string()),
  messageCount: v.number(),
  subject: v.string(),
  snippet: v.string(),
  lastMessageAt: v.number(),
});
const Thread = v.pipe(ThreadFields, v.title('Thread'));
const Params = v.object({ id: Id });

function mirrorRoutes(
  kind: 'messages' | 'threads',
  tag: string,
  schema: typeof Message | typeof Thread,
): Route<MirrorRouteDeps>[] {
  const notFound = {
    status: 404,
    body: problem(
      404,
      'not_found',
      'Not found',
      `No such ${kind.slice(0, -1)} in that mailbox of this workspace.`,
    ),
  };
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
          schema: v.object({
            data: v.array(schema),
            nextCursor: v.nullable(v.string()),
          }),
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
        return page ? { status: 200, body: { data: page.data, nextCursor: page.next } } : notFound;
      },
    }),
    defineRoute<MirrorRouteDeps, typeof Params, typeof GetQuery>({
      method: 'GET',
      path: `/v1/${kind}/:id`,
      operationId: `get${tag}`,
      summary: `Get one mirrored ${kind.slice(0, -1)} (metadata only, no bodies)`,
      tag,
      auth: 'apiKey',
      params: Params,
      query: GetQuery,
      responses: { 200: { description: tag, schema } },
      async handle({ deps, workspaceId, params, query }) {
        const found = await deps.reads.getMirrored(workspaceId, kind, query.mailboxId, params.id);
        return found ? { status: 200, body: found } : notFound;
      },
    }),
  ];
}

export const messageAndThreadRoutes = [
  ...mirrorRoutes('messages', 'Message', Message),
  ...mirrorRoutes('threads', 'Thread', Thread),
];
