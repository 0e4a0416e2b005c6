import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../shared/events/event.js';
import { apiRoutes } from '../app.js';
import { buildOpenApi } from '../http/openapi.js';
import type { Route } from '../http/route.js';
import { apiDocument } from './meta.js';

describe('the OpenAPI document', () => {
  const doc = apiDocument(apiRoutes(() => undefined) as Route<unknown>[]) as unknown as {
    paths: Record<string, Record<string, { operationId: string }>>;
    webhooks: Record<
      string,
      {
        post: {
          requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
        };
      }
    >;
  };

  it('describes every event type as a webhook, with its typed data', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    const ref = doc.webhooks['message.created']!.post.requestBody.content['application/json']!.schema;
    expect(ref).toEqual({ $ref: '#/components/schemas/MessageCreatedEvent' });
    const created = (doc as unknown as { components: { schemas: Record<string, typeof ref> } }).components
      .schemas.MessageCreatedEvent!;
    expect(created.properties.type).toEqual({ const: 'message.created' });
    expect(created.properties.data).toMatchObject({
      required: expect.arrayContaining(['messageId', 'subject']),
    });
  });

  it('names each titled schema once under components, and refuses two shapes under one title', () => {
    const components = (doc as unknown as { components: { schemas: Record<string, unknown> } }).components
      .schemas;
    expect(Object.keys(components)).toEqual(
      expect.arrayContaining(['Replay', 'Subscription', 'Mailbox', 'Problem']),
    );
    const titled = (shape: v.ObjectEntries) => v.pipe(v.object(shape), v.title('Clash'));
    const route = (path: string, schema: ReturnType<typeof titled>) =>
      ({
        method: 'GET',
        path,
        operationId: path,
        summary: '',
        tag: 't',
        auth: 'none',
        responses: { 200: { description: '', schema } },
      }) as unknown as Route<unknown>;
    expect(() =>
      buildOpenApi([route('/a', titled({ a: v.string() })), route('/b', titled({ b: v.string() }))], {
        title: 't',
        version: '1',
      }),
    ).toThrow('Two different schemas are titled Clash');
  });

  it('gives every operation a unique operationId', () => {
    const ids = Object.values(doc.paths).flatMap((verbs) => Object.values(verbs).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['createReplay', 'deleteMailbox', 'getMailboxHealth', 'createSubscription']),
    );
  });
});
