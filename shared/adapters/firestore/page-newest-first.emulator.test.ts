import { afterAll, describe, expect, it } from 'vitest';
import { newProjectId, testFirestore } from '../../../emulators/testing/index.js';
import { inCollection, pageNewestFirst } from './page-newest-first.js';

const db = testFirestore(newProjectId('paging'));
afterAll(() => db.terminate());

const items = db.collection('pagingItems');
const page = (after?: string, limit = 2) =>
  pageNewestFirst(db, items.where('owner', '==', 'o1'), {
    field: 'createdAt',
    limit,
    after,
    belongs: inCollection('pagingItems'),
  });
const ids = (docs: { id: string }[]) => docs.map((d) => d.id);

describe('pageNewestFirst', () => {
  it('pages newest first with ties broken by document, and goes on past a boundary document deleted meanwhile', async () => {
    for (const [id, createdAt] of [
      ['a', 1],
      ['b', 2],
      ['c', 2],
      ['d', 3],
      ['e', 4],
    ] as const)
      await items.doc(id).set({ owner: 'o1', createdAt });
    await items.doc('z').set({ owner: 'o2', createdAt: 9 });

    const first = await page();
    expect(ids(first.docs)).toEqual(['e', 'd']);
    // the last item of the page disappears before the next page is asked for
    await items.doc('d').delete();
    const second = await page(first.next!);
    expect(ids(second.docs)).toEqual(['c', 'b']);
    const third = await page(second.next!);
    expect(ids(third.docs)).toEqual(['a']);
    expect(third.next).toBeNull();
  });

  it('refuses a cursor that does not decode or points into another collection, rather than end the list', async () => {
    const foreign = Buffer.from(JSON.stringify([3, 'mailboxes/mbx_1'])).toString('base64url');
    const nested = Buffer.from(JSON.stringify([3, 'pagingItems/a/sub/x'])).toString('base64url');
    for (const cursor of ['not-a-cursor', 'dlv_0123456789', foreign, nested])
      await expect(page(cursor)).rejects.toMatchObject({ code: 'invalid_cursor' });
  });
});
