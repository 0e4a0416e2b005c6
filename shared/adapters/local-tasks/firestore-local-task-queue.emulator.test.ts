import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearFirestore, newProjectId, testFirestore } from '../../../emulators/testing/index.js';
import { ManualClock } from '../../core/clock.js';
import { describeTaskQueueContract } from '../../tasks/testing/task-queue-contract.js';
import { FirestoreLocalTaskQueue, LocalTaskRunner } from './firestore-local-task-queue.js';

const projectId = newProjectId('local-tasks');
const db = testFirestore(projectId);
let server: Server;
let url: string;
const received: { body: unknown; attempt: string | undefined }[] = [];
let status = 204;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      received.push({
        body: JSON.parse(raw),
        attempt: req.headers['x-mailmon-task-attempt'] as string | undefined,
      });
      res.writeHead(status, status === 503 ? { 'retry-after': '30' } : {}).end();
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/deliverWebhook`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await db.terminate();
});

describeTaskQueueContract('FirestoreLocalTaskQueue', async () => {
  await clearFirestore(projectId);
  return {
    queue: new FirestoreLocalTaskQueue(db, new ManualClock()),
    tasks: async () =>
      (await db.collection('localTasks').get()).docs.map((d) => ({
        name: d.id,
        url: d.get('url'),
        body: JSON.parse(d.get('body')),
      })),
  };
});

describe('LocalTaskRunner', () => {
  it('delivers a task enqueued before a restart, retries failures with backoff, and sends each attempt once', async () => {
    await clearFirestore(projectId);
    received.length = 0;
    const clock = new ManualClock(1_000_000);
    await new FirestoreLocalTaskQueue(db, clock).enqueue({
      name: 'survivor',
      url,
      body: { deliveryId: 'd1' },
    });
    // the stack restarts: a new runner, with nothing in memory, finds the pending task
    status = 503;
    const [a, b] = [new LocalTaskRunner(db, clock), new LocalTaskRunner(db, clock)];
    const sent = (await Promise.all([a.runDue(), b.runDue()])).reduce((x, y) => x + y, 0);
    expect(sent).toBe(1);
    expect(received).toEqual([{ body: { deliveryId: 'd1' }, attempt: '1' }]);
    const afterFailure = (await db.collection('localTasks').doc('survivor').get()).data()!;
    expect(afterFailure).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastStatus: 503,
      scheduleAt: 1_000_000 + 30_000,
    });
    expect(await a.runDue()).toBe(0);
    clock.advance(30_000);
    status = 204;
    expect(await a.runDue()).toBe(1);
    expect(received.map((r) => r.attempt)).toEqual(['1', '2']);
    expect((await db.collection('localTasks').doc('survivor').get()).get('state')).toBe('done');
  });
});
