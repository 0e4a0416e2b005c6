import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhookTarget, isPublicAddress } from '../../webhooks/ssrf-guard.js';
import { NodeHttpSender } from './node-http-sender.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const received: { path: string; headers: IncomingMessage['headers']; body: string }[] = [];
const routes: Record<string, Handler> = {
  '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks'),
  '/redirect': (_req, res) => res.writeHead(302, { location: '/target' }).end(),
  '/redirect-307': (_req, res) => res.writeHead(307, { location: '/target' }).end(),
  '/target': (_req, res) => res.writeHead(200).end('followed'),
  // never answers: only the sender's timeout can end the request
  '/slow': () => {},
  // sends its status and a first chunk, then never finishes the body
  '/slow-body': (_req, res) => {
    res.writeHead(200).write('started');
  },
  '/gone': (_req, res) => res.writeHead(410).end('endpoint removed'),
  '/busy': (_req, res) => res.writeHead(503, { 'retry-after': '120' }).end('try later'),
  '/huge': (_req, res) => {
    res.writeHead(200);
    const chunk = 'x'.repeat(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < 64 && res.write(chunk)) sent += 1;
      if (sent >= 64) res.end();
      else res.once('drain', pump);
    };
    pump();
  },
  '/utf8': (_req, res) => res.writeHead(200).end(`${'a'.repeat(9)}é tail`),
  '/reset': (req) => req.socket.destroy(),
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body });
      (routes[path] ?? ((_q, r) => r.writeHead(404).end()))(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const post = (sender: NodeHttpSender, path: string, timeoutMs?: number) =>
  sender.send({
    url: `${base}${path}`,
    headers: {
      'content-type': 'application/json',
      'webhook-id': 'evt_1',
      'user-agent': 'Mailmon-Webhooks/1',
    },
    body: '{"id":"evt_1"}',
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });

describe('NodeHttpSender', () => {
  const sender = new NodeHttpSender();

  it('POSTs the body and headers as given and returns status, headers and body', async () => {
    const result = await post(sender, '/ok');
    expect(result).toEqual({
      kind: 'response',
      status: 200,
      headers: expect.objectContaining({ 'content-type': 'text/plain' }),
      body: 'thanks',
    });
    const seen = received.findLast((r) => r.path === '/ok')!;
    expect(seen.body).toBe('{"id":"evt_1"}');
    expect(seen.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'evt_1',
      'user-agent': 'Mailmon-Webhooks/1',
    });
  });

  it('returns a redirect as it is and never requests its target', async () => {
    for (const path of ['/redirect', '/redirect-307']) {
      const result = await post(sender, path);
      expect(result).toMatchObject({ kind: 'response', headers: { location: '/target' } });
      expect(result.kind === 'response' && result.status).toBe(path === '/redirect' ? 302 : 307);
    }
    expect(received.some((r) => r.path === '/target')).toBe(false);
  });

  it('times out an endpoint that never answers after the injected timeout', async () => {
    expect(await post(sender, '/slow', 200)).toEqual({ kind: 'timeout', error: 'no answer within 200 ms' });
  });

  it('uses its own default timeout when the request names none', async () => {
    const quick = new NodeHttpSender({ timeoutMs: 150 });
    expect(await post(quick, '/slow')).toMatchObject({ kind: 'timeout' });
  });

  it('answers with the status and the body read so far when only the body outlasts the timeout', async () => {
    expect(await post(sender, '/slow-body', 300)).toMatchObject({
      kind: 'response',
      status: 200,
      body: 'started',
    });
  });

  it('passes 410 and 503 with Retry-After through', async () => {
    expect(await post(sender, '/gone')).toMatchObject({
      kind: 'response',
      status: 410,
      body: 'endpoint removed',
    });
    expect(await post(sender, '/busy')).toMatchObject({
      kind: 'response',
      status: 503,
      headers: { 'retry-after': '120' },
      body: 'try later',
    });
  });

  it('reads at most the configured number of bytes of a large body', async () => {
    const result = await post(new NodeHttpSender({ maxResponseBytes: 1024 }), '/huge');
    expect(result).toMatchObject({ kind: 'response', status: 200 });
    expect(result.kind === 'response' && result.body).toBe('x'.repeat(1024));
  });

  it('cuts the body on a character boundary', async () => {
    const result = await post(new NodeHttpSender({ maxResponseBytes: 10 }), '/utf8');
    expect(result.kind === 'response' && result.body).toBe('a'.repeat(9));
  });

  it('reports refused connections, resets and bad URLs as network errors without throwing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await sender.send({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '{}' })).toEqual({
      kind: 'network_error',
      error: 'ECONNREFUSED',
    });
    expect(await post(sender, '/reset')).toMatchObject({ kind: 'network_error' });
    expect(await sender.send({ url: 'not a url', headers: {}, body: '{}' })).toMatchObject({
      kind: 'network_error',
    });
  });
});

describe('NodeHttpSender with a connect policy', () => {
  const port = () => new URL(base).port;
  const pinned = (resolve: (host: string) => Promise<string[]>) =>
    new NodeHttpSender({ connectTo: { resolve, allowed: isPublicAddress } });

  it('connects to the address the policy resolved, not to what the system resolver says', async () => {
    const asked: string[] = [];
    const sender = new NodeHttpSender({
      connectTo: {
        resolve: async (host) => {
          asked.push(host);
          return ['127.0.0.1'];
        },
        allowed: (address) => address === '127.0.0.1',
      },
    });
    const result = await sender.send({
      url: `http://receiver.invalid:${port()}/ok`,
      headers: {},
      body: '{}',
    });
    expect(result).toMatchObject({ kind: 'response', status: 200, body: 'thanks' });
    expect(asked).toEqual(['receiver.invalid']);
  });

  it('refuses a host with any non-public address and sends nothing, without naming the address', async () => {
    const before = received.length;
    const sender = pinned(async () => ['93.184.216.34', '127.0.0.1']);
    expect(await sender.send({ url: `http://mixed.example:${port()}/ok`, headers: {}, body: '{}' })).toEqual({
      kind: 'network_error',
      error: 'mixed.example resolves to a non-public address',
    });
    expect(received.length).toBe(before);
  });

  it('stops a name that rebinds to loopback between the guard and the connection', async () => {
    const answers = [['93.184.216.34'], ['127.0.0.1']];
    const rebinding = async () => answers.shift() ?? ['127.0.0.1'];
    const url = `http://rebind.example:${port()}/ok`;
    const before = received.length;

    expect(await checkWebhookTarget(url, { mode: 'gcp', resolve: rebinding })).toEqual({ allowed: true });
    const result = await pinned(rebinding).send({ url, headers: {}, body: '{}' });

    expect(result).toEqual({
      kind: 'network_error',
      error: 'rebind.example resolves to a non-public address',
    });
    expect(received.length).toBe(before);
  });

  it('reports a name that does not resolve as a network error', async () => {
    const sender = pinned(async () => {
      throw Object.assign(new Error('queryA ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' });
    });
    expect(await sender.send({ url: 'http://nowhere.example/', headers: {}, body: '{}' })).toEqual({
      kind: 'network_error',
      error: 'ENOTFOUND',
    });
  });
});
