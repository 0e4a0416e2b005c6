import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';

/** A webhook receiver on a loopback port that answers 204 and keeps every request. */
export interface WebhookReceiver {
  /** Where to point an endpoint (`…/hooks`). */
  url: string;
  received: { headers: IncomingHttpHeaders & Record<string, string>; body: string }[];
  close(): Promise<void>;
}

/** Starts a {@link WebhookReceiver}. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers as WebhookReceiver['received'][number]['headers'], body });
      res.writeHead(204).end();
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // keep-alive sockets of the sender would otherwise hold the server open
        server.closeAllConnections();
      }),
  };
}
