import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { FieldValue, type Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingIndex, readDeclaredIndexes } from '../harness/firestore-indexes.js';
import { freePort } from '../harness/free-port.js';
import { emulatorHosts, newProjectId, testFirestore, testPubSub } from './index.js';

const projectId = newProjectId('smoke');
let db: Firestore;

beforeAll(() => {
  db = testFirestore(projectId);
});
afterAll(async () => {
  await db.terminate();
});

describe('the Firestore emulator', () => {
  it('loses no update when two read-modify-write transactions race on one document', async () => {
    const ref = db.collection('counters').doc('race');
    await ref.set({ value: 0 });
    let attempts = 0;
    // both first attempts read before either writes: a barrier, not a wait, makes the race certain
    let bothRead!: () => void;
    const barrier = new Promise<void>((resolve) => {
      bothRead = resolve;
    });
    let firstReads = 0;
    const increment = () =>
      db.runTransaction(async (tx) => {
        attempts += 1;
        const first = attempts <= 2;
        const snap = await tx.get(ref);
        const value = snap.get('value') as number;
        if (first) {
          firstReads += 1;
          if (firstReads === 2) bothRead();
          await barrier;
        }
        tx.update(ref, { value: value + 1 });
      });
    await Promise.all([increment(), increment()]);
    expect((await ref.get()).get('value')).toBe(2);
    // the emulator serialised the pair: at least one transaction had to run again
    expect(attempts).toBeGreaterThanOrEqual(2);
  });

  it('answers a query that needs a composite index declared in firestore.indexes.json', async () => {
    const mailboxes = db.collection('mailboxes');
    await Promise.all([
      mailboxes.doc('m1').set({ workspaceId: 'ws_a', createdAt: 1 }),
      mailboxes.doc('m2').set({ workspaceId: 'ws_b', createdAt: 2 }),
      mailboxes.doc('m3').set({ workspaceId: 'ws_a', createdAt: 3 }),
      mailboxes.doc('m4').set({ workspaceId: 'ws_a', createdAt: 2 }),
    ]);
    const snap = await mailboxes.where('workspaceId', '==', 'ws_a').orderBy('createdAt', 'desc').get();
    expect(snap.docs.map((d) => d.id)).toEqual(['m3', 'm4', 'm1']);
    // the emulator serves any query, so the declaration is checked against the query's shape
    const shape = {
      collectionGroup: 'mailboxes',
      equality: ['workspaceId'],
      orderBy: [{ fieldPath: 'createdAt', order: 'DESCENDING' as const }],
    };
    expect(missingIndex(shape, readDeclaredIndexes())).toBeUndefined();
  });

  it('denies unauthenticated client reads and writes under firestore.rules', async () => {
    await db.collection('mailboxes').doc('secret').set({ emailAddress: 'a@example.com' });
    const base = `http://${emulatorHosts().firestoreHost}/v1/projects/${projectId}/databases/(default)/documents`;
    const read = await fetch(`${base}/mailboxes/secret`);
    expect(read.status).toBe(403);
    expect(await read.text()).toMatch(/PERMISSION_DENIED/);
    const write = await fetch(`${base}/mailboxes/secret?updateMask.fieldPaths=emailAddress`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { emailAddress: { stringValue: 'evil@example.com' } } }),
    });
    expect(write.status).toBe(403);
    // the same document is readable with service-account rights, so the denial came from the rules
    const admin = await fetch(`${base}/mailboxes/secret`, { headers: { authorization: 'Bearer owner' } });
    expect(admin.status).toBe(200);
    expect((await db.collection('mailboxes').doc('secret').get()).get('emailAddress')).toBe('a@example.com');
  });

  it('applies server-side transforms such as increments', async () => {
    const ref = db.collection('counters').doc('transform');
    await ref.set({ n: 1 });
    await ref.update({ n: FieldValue.increment(2) });
    expect((await ref.get()).get('n')).toBe(3);
  });
});

describe('the Pub/Sub emulator', () => {
  let server: Server;
  let port: number;
  const received: { path: string; body: unknown }[] = [];
  let notify: () => void = () => {};

  beforeAll(async () => {
    port = await freePort();
    server = createServer((req: IncomingMessage, res) => {
      let raw = '';
      req.on('data', (chunk) => {
        raw += chunk;
      });
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(raw) });
        res.writeHead(204).end();
        notify();
      });
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('delivers a published message through a push subscription to a local HTTP handler', async () => {
    const pubsub = testPubSub(projectId);
    const [topic] = await pubsub.createTopic('smoke-topic');
    const pushPath = `/projects/${projectId}/topics/smoke-topic`;
    await topic.createSubscription('smoke-push', {
      pushConfig: { pushEndpoint: `http://127.0.0.1:${port}${pushPath}` },
    });
    const arrived = new Promise<void>((resolve) => {
      notify = resolve;
    });
    const messageId = await topic.publishMessage({
      json: { hello: 'mailmon' },
      attributes: { kind: 'smoke' },
    });
    await arrived;
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery?.path).toBe(pushPath);
    const body = delivery?.body as {
      message: { data: string; attributes: Record<string, string>; messageId: string };
      subscription: string;
    };
    expect(body.subscription).toBe(`projects/${projectId}/subscriptions/smoke-push`);
    expect(body.message.messageId).toBe(messageId);
    expect(body.message.attributes).toEqual({ kind: 'smoke' });
    expect(JSON.parse(Buffer.from(body.message.data, 'base64').toString('utf8'))).toEqual({
      hello: 'mailmon',
    });
    await pubsub.close();
  });
});
