import { afterAll, describe, expect, it } from 'vitest';
import { emulatorHosts, newProjectId } from '../emulators/testing/index.js';
import { countingFirestore, opsSince } from './counting-firestore.js';

const [host, port] = emulatorHosts().firestoreHost.split(':');
const { db, ops } = countingFirestore({
  projectId: newProjectId('counting'),
  host,
  port: Number(port),
  ssl: false,
  customHeaders: { Authorization: 'Bearer owner' },
});
afterAll(() => db.terminate());

/** The operations `work` cost, as counted at the client. */
async function cost(work: () => Promise<unknown>) {
  const before = { ...ops };
  await work();
  return opsSince(ops, before);
}

describe('countingFirestore', () => {
  it('counts the documents each kind of call reads and writes, as Firestore bills them', async () => {
    const docs = db.collection('docs');
    expect(await cost(() => docs.doc('a').set({ n: 1 }))).toEqual({ reads: 0, writes: 1, commits: 1 });
    const batch = db.batch();
    batch.set(docs.doc('b'), { n: 2 });
    batch.set(docs.doc('c'), { n: 3 });
    batch.delete(docs.doc('gone'));
    expect(await cost(() => batch.commit())).toEqual({ reads: 0, writes: 3, commits: 1 });
    expect(await cost(() => docs.doc('a').get())).toEqual({ reads: 1, writes: 0, commits: 0 });
    expect(await cost(() => docs.doc('missing').get())).toEqual({ reads: 1, writes: 0, commits: 0 });
    expect(await cost(() => db.getAll(docs.doc('a'), docs.doc('b'), docs.doc('x')))).toMatchObject({
      reads: 3,
    });
    expect(await cost(() => docs.get())).toMatchObject({ reads: 3 });
    // a query that finds nothing still costs one read
    expect(await cost(() => docs.where('n', '>', 10).get())).toMatchObject({ reads: 1 });
    expect(await cost(() => docs.where('n', '>', 1).get())).toMatchObject({ reads: 2 });
    expect(await cost(() => docs.count().get())).toMatchObject({ reads: 1 });
  });

  it('counts a transaction’s reads and its writes once it commits, and nothing written by a refused commit', async () => {
    const docs = db.collection('tx');
    await docs.doc('a').set({ n: 1 });
    await docs.doc('b').set({ n: 2 });
    const transaction = await cost(() =>
      db.runTransaction(async (tx) => {
        const [a, b] = await tx.getAll(docs.doc('a'), docs.doc('b'));
        tx.update(docs.doc('a'), { n: (a?.get('n') as number) + (b?.get('n') as number) });
        tx.set(docs.doc('c'), { n: 0 });
      }),
    );
    expect(transaction).toEqual({ reads: 2, writes: 2, commits: 1 });
    // creating a document that exists is refused: no write happened
    const refused = await cost(() =>
      docs
        .doc('a')
        .create({ n: 9 })
        .catch(() => undefined),
    );
    expect(refused).toEqual({ reads: 0, writes: 0, commits: 0 });
    expect((await docs.doc('a').get()).get('n')).toBe(3);
  });
});
