import { describe, expect, it } from 'vitest';
import { isServedBy, missingIndex, needsCompositeIndex, type QueryShape } from './firestore-indexes.js';

const byWorkspaceNewestFirst: QueryShape = {
  collectionGroup: 'mailboxes',
  equality: ['workspaceId'],
  orderBy: [{ fieldPath: 'createdAt', order: 'DESCENDING' }],
};

describe('composite index checks', () => {
  it('needs no composite index for a single-field order or equality-only filters', () => {
    expect(
      needsCompositeIndex({
        collectionGroup: 'x',
        equality: [],
        orderBy: [{ fieldPath: 'a', order: 'ASCENDING' }],
      }),
    ).toBe(false);
    expect(needsCompositeIndex({ collectionGroup: 'x', equality: ['a', 'b'], orderBy: [] })).toBe(false);
    expect(needsCompositeIndex(byWorkspaceNewestFirst)).toBe(true);
  });

  it('matches an index with the equality fields first and the same order direction', () => {
    const index = {
      collectionGroup: 'mailboxes',
      queryScope: 'COLLECTION' as const,
      fields: [
        { fieldPath: 'workspaceId', order: 'ASCENDING' as const },
        { fieldPath: 'createdAt', order: 'DESCENDING' as const },
      ],
    };
    expect(isServedBy(byWorkspaceNewestFirst, index)).toBe(true);
    expect(
      isServedBy(
        { ...byWorkspaceNewestFirst, orderBy: [{ fieldPath: 'createdAt', order: 'ASCENDING' }] },
        index,
      ),
    ).toBe(false);
    expect(isServedBy({ ...byWorkspaceNewestFirst, queryScope: 'COLLECTION_GROUP' }, index)).toBe(false);
  });

  it('names the index that is missing', () => {
    expect(missingIndex(byWorkspaceNewestFirst, [])).toBe(
      'mailboxes (COLLECTION): workspaceId ASC, createdAt DESCENDING',
    );
  });
});
