import { request } from 'node:http';

/** What {@link rawRequest} answers: the status, content type and JSON body of the response. */
export interface RawAnswer {
  status: number;
  type: string | undefined;
  json: { code?: string; [field: string]: unknown };
}

/**
 * Sends one POST over plain `node:http`, headers exactly as given (a declared length, an encoding, chunked
 * transfer). With `partial`, `body` is written but the request is never finished, as by a client that declared
 * more than it sends: an answer then has to come without the rest, and none within 4 s fails the call.
 */
export function rawRequest(
  at: { host?: string; port: number },
  options: { path: string; headers?: Record<string, string>; body: string | Buffer; partial?: boolean },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: at.host ?? '127.0.0.1',
        port: at.port,
        method: 'POST',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], json: JSON.parse(text) }),
        );
      },
    );
    req.setTimeout(4_000, () => req.destroy(new Error('no answer within 4 s')));
    req.on('error', reject);
    if (options.partial) req.write(options.body);
    else req.end(options.body);
  });
}
