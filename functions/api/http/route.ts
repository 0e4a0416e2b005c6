import type { Request } from '@google-cloud/functions-framework';
import type * as v from 'valibot';

// biome-ignore lint/suspicious/noExplicitAny: schemas of any shape are accepted; handlers see inferred types
type AnySchema = v.GenericSchema<any, any>;

/** What a handler returns; `body` is JSON-encoded unless `redirect` or `html` is given. */
export type RouteResult =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { status: 302 | 303; redirect: string }
  | { status: number; html: string };

/** The inputs a handler sees, already validated. */
export interface RouteContext<P, Q, B, D> {
  params: P;
  query: Q;
  body: B;
  /** The authenticated workspace (routes with `auth: 'apiKey'`). */
  workspaceId: string;
  deps: D;
  req: Request;
}

/** One HTTP operation: its schemas document it in OpenAPI and validate every request before `handle`. */
export interface Route<D, P = unknown, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  auth: 'apiKey' | 'none';
  /** Answers without configuration or storage (health, OpenAPI): `deps` is not built for it. */
  standalone?: boolean;
  params?: AnySchema;
  query?: AnySchema;
  body?: AnySchema;
  responses: Record<number, { description: string; schema?: AnySchema; contentType?: string }>;
  handle(ctx: RouteContext<P, Q, B, D>): Promise<RouteResult>;
}

/** Declares a route with inferred handler types. */
export function defineRoute<
  D,
  PS extends AnySchema | undefined = undefined,
  QS extends AnySchema | undefined = undefined,
  BS extends AnySchema | undefined = undefined,
>(
  route: Omit<Route<D>, 'params' | 'query' | 'body' | 'handle'> & {
    params?: PS;
    query?: QS;
    body?: BS;
    handle(
      ctx: RouteContext<
        PS extends AnySchema ? v.InferOutput<PS> : Record<string, never>,
        QS extends AnySchema ? v.InferOutput<QS> : Record<string, never>,
        BS extends AnySchema ? v.InferOutput<BS> : undefined,
        D
      >,
    ): Promise<RouteResult>;
  },
): Route<D> {
  return route as unknown as Route<D>;
}
