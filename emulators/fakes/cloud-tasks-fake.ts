import { createServer, type Server } from 'node:http';

/** A task as the fake stores it (the v2 REST shape). */
export interface FakeTask {
  name: string;
  scheduleTime?: string;
  httpRequest?: {
    url: string;
    httpMethod?: string;
    headers?: Record<string, string>;
    body?: string;
    oidcToken?: { serviceAccountEmail: string; audience?: string };
  };
}

/** A local fake of the Cloud Tasks v2 REST surface: `tasks.create` with name dedupe, and a task list. */
export interface CloudTasksFake {
  host: string;
  port: number;
  tasks: FakeTask[];
  stop(): Promise<void>;
}

/** Starts the fake on 127.0.0.1; a duplicate task name answers 409 ALREADY_EXISTS as Cloud Tasks does. */
export async function startCloudTasksFake(): Promise<CloudTasksFake> {
  const tasks: FakeTask[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      const path = new URL(req.url ?? '/', 'http://tasks').pathname;
      const match = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/queues\/[^/]+)\/tasks$/.exec(path);
      if (req.method !== 'POST' || !match) {
        res.writeHead(404).end(
          JSON.stringify({
            error: { code: 404, status: 'NOT_FOUND', message: `no such method ${req.method} ${path}` },
          }),
        );
        return;
      }
      const { task } = JSON.parse(raw || '{}') as { task?: FakeTask };
      if (!task?.httpRequest?.url) {
        res.writeHead(400).end(
          JSON.stringify({
            error: { code: 400, status: 'INVALID_ARGUMENT', message: 'task.httpRequest.url is required' },
          }),
        );
        return;
      }
      const name = task.name ?? `${match[1]}/tasks/${tasks.length + 1}`;
      if (tasks.some((t) => t.name === name)) {
        res.writeHead(409).end(
          JSON.stringify({
            error: { code: 409, status: 'ALREADY_EXISTS', message: 'Requested entity already exists' },
          }),
        );
        return;
      }
      const stored = { ...task, name };
      tasks.push(stored);
      res.writeHead(200).end(JSON.stringify(stored));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    host: '127.0.0.1',
    port: typeof address === 'object' && address ? address.port : 0,
    tasks,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
