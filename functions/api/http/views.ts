import * as v from 'valibot';

/** A point in time as the API writes it: ISO 8601 in UTC with milliseconds. */
export const IsoTime = v.pipe(v.string(), v.isoTimestamp(), v.description('ISO 8601 timestamp (UTC)'));

/** {@link IsoTime} or null. */
export const NullableIsoTime = v.nullable(IsoTime);

/** A count: a whole number. */
export const Count = v.pipe(v.number(), v.integer());

/** Epoch milliseconds (as stored) to the API's ISO 8601 form. */
export function iso(ms: number): string;
export function iso(ms: number | null | undefined): string | null;
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** A page of a list: `{object: 'list', data, nextCursor}`. */
export function listOf<S extends v.GenericSchema>(item: S) {
  return v.object({ object: v.literal('list'), data: v.array(item), nextCursor: v.nullable(v.string()) });
}

/** The body of a list page. */
export function listBody<T>(data: T[], nextCursor: string | null) {
  return { object: 'list' as const, data, nextCursor };
}

/** A failure recorded on a resource, as the API shows it. */
export const ErrorDetail = v.pipe(
  v.object({ code: v.string(), message: v.string(), occurredAt: IsoTime, retryable: v.boolean() }),
  v.title('ErrorDetail'),
);

/** A stored `{code, message, at}` failure as an {@link ErrorDetail}; `retryable` when the work is retried by itself. */
export function errorDetail(
  stored: { code?: unknown; message?: unknown; at?: unknown } | null | undefined,
  retryable: (code: string) => boolean,
): v.InferOutput<typeof ErrorDetail> | null {
  if (!stored || typeof stored.code !== 'string') return null;
  return {
    code: stored.code,
    message: typeof stored.message === 'string' && stored.message ? stored.message : stored.code,
    occurredAt: iso(typeof stored.at === 'number' ? stored.at : 0),
    retryable: retryable(stored.code),
  };
}

/** `"Ada Lovelace" <ada@example.com>`, `ada@example.com` or `Ada <ada@example.com>` as `{name, email}`. */
export function address(header: string): { name: string | null; email: string } {
  const match = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]+)>\s*$/.exec(header);
  if (!match) return { name: null, email: header.trim() };
  const name = (match[1] ?? '').trim();
  return { name: name || null, email: match[2]!.trim() };
}

/** The `{name, email}` shape of an address. */
export const Address = v.object({ name: v.nullable(v.string()), email: v.string() });
