import {
  FieldPath,
  type Firestore,
  type Query,
  type QueryDocumentSnapshot,
  Timestamp,
} from '@google-cloud/firestore';
import { NonRetryableError } from '../../core/errors.js';

type Position = number | Timestamp;

function encode(values: Position[], path: string): string {
  const stored = values.map((v) => (v instanceof Timestamp ? { s: v.seconds, n: v.nanoseconds } : v));
  return Buffer.from(JSON.stringify([...stored, path])).toString('base64url');
}

function decodeValue(value: unknown): Position | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const t = value as { s?: unknown; n?: unknown } | null;
  if (t && Number.isInteger(t.s) && Number.isInteger(t.n) && (t.n as number) >= 0 && (t.n as number) < 1e9)
    return new Timestamp(t.s as number, t.n as number);
  return undefined;
}

function decode(cursor: string, fields: number): { values: Position[]; path: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== fields + 1) return undefined;
    const path = parsed[fields];
    const values = parsed.slice(0, fields).map(decodeValue);
    if (typeof path !== 'string' || values.some((v) => v === undefined)) return undefined;
    return { values: values as Position[], path };
  } catch {
    return undefined;
  }
}

/**
 * One page of `query` in the order of `fields` (numbers or timestamps), then of document path. The cursor is
 * an opaque position (the last item's values and document path), not a document to look up, so a page whose
 * last document was deleted meanwhile still goes on where it ended. A cursor that does not decode, or names a
 * document `belongs` refuses (another collection), throws `NonRetryableError` (`invalid_cursor`). `next` is
 * the position after the page's last item when more follow, `last` that position either way.
 */
export async function pageByPosition(
  db: Firestore,
  query: Query,
  options: {
    fields: string[];
    direction: 'asc' | 'desc';
    limit: number;
    after?: string | undefined;
    belongs: (path: string) => boolean;
  },
): Promise<{ docs: QueryDocumentSnapshot[]; next: string | null; last: string | null }> {
  let ordered = query;
  for (const field of options.fields) ordered = ordered.orderBy(field, options.direction);
  ordered = ordered.orderBy(FieldPath.documentId(), options.direction);
  if (options.after !== undefined) {
    const position = decode(options.after, options.fields.length);
    // a cursor from elsewhere (or from before cursors were positions) must not look like the end of the list
    if (!position || !options.belongs(position.path))
      throw new NonRetryableError(
        'The cursor was not given out by this list; start again without it.',
        'invalid_cursor',
      );
    ordered = ordered.startAfter(...position.values, db.doc(position.path));
  }
  const snap = await ordered.limit(options.limit + 1).get();
  const docs = snap.docs.slice(0, options.limit);
  const lastDoc = docs.at(-1);
  const last = lastDoc
    ? encode(
        options.fields.map((f) => lastDoc.get(f) as Position),
        lastDoc.ref.path,
      )
    : null;
  return { docs, next: snap.size > options.limit ? last : null, last };
}

/** One page of `query`, newest first by the numeric `field` (see {@link pageByPosition}). */
export async function pageNewestFirst(
  db: Firestore,
  query: Query,
  options: { field: string; limit: number; after?: string | undefined; belongs: (path: string) => boolean },
): Promise<{ docs: QueryDocumentSnapshot[]; next: string | null }> {
  const { field, ...rest } = options;
  const { docs, next } = await pageByPosition(db, query, { ...rest, fields: [field], direction: 'desc' });
  return { docs, next };
}

/** `belongs` for a list of the documents directly in `collectionPath`. */
export function inCollection(collectionPath: string): (path: string) => boolean {
  return (path) => {
    const id = path.startsWith(`${collectionPath}/`) ? path.slice(collectionPath.length + 1) : '';
    return id.length > 0 && !id.includes('/');
  };
}
