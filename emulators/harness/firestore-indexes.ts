import { readFileSync } from 'node:fs';

/** The shape of a Firestore query that decides which composite index it needs. */
export interface QueryShape {
  collectionGroup: string;
  queryScope?: 'COLLECTION' | 'COLLECTION_GROUP';
  /** Fields compared with `==` (or `in`). */
  equality: string[];
  /** The order of results; a range filter's field must come first, as Firestore requires. */
  orderBy: { fieldPath: string; order: 'ASCENDING' | 'DESCENDING' }[];
}

interface IndexField {
  fieldPath: string;
  order?: 'ASCENDING' | 'DESCENDING';
  arrayConfig?: 'CONTAINS';
}

interface DeclaredIndex {
  collectionGroup: string;
  queryScope: 'COLLECTION' | 'COLLECTION_GROUP';
  fields: IndexField[];
}

/** Reads the `indexes` of a `firestore.indexes.json` file. */
export function readDeclaredIndexes(file = 'firestore.indexes.json'): DeclaredIndex[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { indexes?: DeclaredIndex[] };
  return parsed.indexes ?? [];
}

/**
 * Whether `query` needs a composite index at all: Firestore serves a query from single-field indexes
 * only when it filters on equality alone, or orders/ranges on a single field with no other filter.
 */
export function needsCompositeIndex(query: QueryShape): boolean {
  const fields = new Set([...query.equality, ...query.orderBy.map((o) => o.fieldPath)]);
  return query.orderBy.length > 0 && fields.size > 1;
}

/**
 * Whether a declared composite index serves `query`: same collection group and scope, the equality
 * fields first (in any order), then exactly the query's order-by fields and directions.
 */
export function isServedBy(query: QueryShape, index: DeclaredIndex): boolean {
  if (index.collectionGroup !== query.collectionGroup) return false;
  if (index.queryScope !== (query.queryScope ?? 'COLLECTION')) return false;
  const fields = index.fields.filter((f) => f.fieldPath !== '__name__');
  const ordered = query.orderBy.filter((o) => !query.equality.includes(o.fieldPath));
  if (fields.length !== query.equality.length + ordered.length) return false;
  const head = fields.slice(0, query.equality.length).map((f) => f.fieldPath);
  if ([...head].sort().join() !== [...query.equality].sort().join()) return false;
  return ordered.every((o, i) => {
    const f = fields[query.equality.length + i];
    return f?.fieldPath === o.fieldPath && f.order === o.order;
  });
}

/** Names the composite index `query` needs that is missing from `declared`, or `undefined` if covered. */
export function missingIndex(query: QueryShape, declared: DeclaredIndex[]): string | undefined {
  if (!needsCompositeIndex(query) || declared.some((index) => isServedBy(query, index))) return undefined;
  const fields = [
    ...query.equality.map((f) => `${f} ASC`),
    ...query.orderBy.map((o) => `${o.fieldPath} ${o.order}`),
  ];
  return `${query.collectionGroup} (${query.queryScope ?? 'COLLECTION'}): ${fields.join(', ')}`;
}
