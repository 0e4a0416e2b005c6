import { CloudTasksClient } from '@google-cloud/tasks';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CloudTasksFake, startCloudTasksFake } from '../../../emulators/fakes/cloud-tasks-fake.js';
import { describeTaskQueueContract } from '../../tasks/testing/task-queue-contract.js';
import { CloudTasksQueue } from './cloud-tasks-queue.js';

let fake: CloudTasksFake;
beforeAll(async () => {
  fake = await startCloudTasksFake();
});
afterAll(() => fake.stop());

let n = 0;
function queue() {
  n += 1;
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'local-test', expiry_date: Date.now() + 3_600_000 });
  const client = new CloudTasksClient({
    fallback: true,
    apiEndpoint: fake.host,
    port: fake.port,
    protocol: 'http',
    authClient: auth,
  } as never);
  const name = `projects/p/locations/l/queues/q${n}`;
  return {
    name,
    queue: new CloudTasksQueue(client, name, { serviceAccountEmail: 'invoker@p.iam.gserviceaccount.com' }),
  };
}

describeTaskQueueContract('CloudTasksQueue (real client, local Cloud Tasks REST fake)', async () => {
  const { name, queue: q } = queue();
  return {
    queue: q,
    tasks: async () =>
      fake.tasks
        .filter((t) => t.name.startsWith(`${name}/tasks/`))
        .map((t) => ({
          name: t.name.slice(`${name}/tasks/`.length),
          url: t.httpRequest!.url,
          body: JSON.parse(Buffer.from(t.httpRequest!.body ?? '', 'base64').toString('utf8')),
        })),
  };
});

it('signs each task with an OIDC token for its target and schedules it', async () => {
  const { name, queue: q } = queue();
  await q.enqueue({
    name: 'later',
    url: 'https://fn.example/deliver',
    body: {},
    scheduleAt: 1_800_000_000_500,
  });
  const task = fake.tasks.find((t) => t.name === `${name}/tasks/later`)!;
  expect(task.httpRequest?.oidcToken).toEqual({
    serviceAccountEmail: 'invoker@p.iam.gserviceaccount.com',
    audience: 'https://fn.example/deliver',
  });
  expect(task.scheduleTime).toBe('2027-01-15T08:00:00.500Z');
});
