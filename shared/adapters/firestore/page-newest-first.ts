import { FieldPath, type Firestore, type Query, type QueryDocumentSnapshot } from '@google-cloud/firestore';
import { NonRetryableError } from '../../core/errors.js';

function encode(value: number, path: string): string {
  return Buffer.from(JSON.stringify([value, path])).toString('base64url');
}

function decode(cursor: string): { value: number; path: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [value, path] = parsed as unknown[];
    if (typeof value !== 'number' || !Number.isFinite(value) || typeof path !== 'string') return undefined;
    return { value, path };
  } catch {
    return undefined;
  }
}

/**
 * One page of `query`, newest first: ordered by the numeric `field` descending, then by document path. The
 * cursor is an opaque position (the last item's `field` value and document path), not a document to look up,
 * so a page whose last document was deleted meanwhile still goes on where it ended. A cursor that does not
 * decode, or names a document `belongs` refuses (another collection), throws `NonRetryableError`
 * (`invalid_cursor`).
 */
export async function pageNewestFirst(
  db: Firestore,
  query: Query,
  options: { field: string; limit: number; after?: string | undefined; belongs: (path: string) => boolean },
): Promise<{ docs: QueryDocumentSnapshot[]; next: string | null }> {
  let ordered = query.orderBy(options.field, 'desc').orderBy(FieldPath.documentId(), 'desc');
  if (options.after !== undefined) {
    const position = decode(options.after);
    // a cursor from elsewhere (or from before cursors were positions) must not look like the end of the list
    if (!position || !options.belongs(position.path))
      throw new NonRetryableError(
        'The cursor was not given out by this list; start again without it.',
        'invalid_cursor',
      );
    ordered = ordered.startAfter(position.value, db.doc(position.path));
  }
  const snap = await ordered.limit(options.limit + 1).get();
  const docs = snap.docs.slice(0, options.limit);
  const last = docs.at(-1);
  return {
    docs,
    next: snap.size > options.limit && last ? encode(last.get(options.field) as number, last.ref.path) : null,
  };
}

/** `belongs` for a list of the documents directly in `collectionPath`. */
export function inCollection(collectionPath: string): (path: string) => boolean {
  return (path) => {
    const id = path.startsWith(`${collectionPath}/`) ? path.slice(collectionPath.length + 1) : '';
    return id.length > 0 && !id.includes('/');
  };
}
