import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIPv6, type LookupFunction } from 'node:net';
import type { DnsResolver, HttpRequest, HttpResult, HttpSender } from '../../webhooks/ports.js';
import { nonPublicAddressReason } from '../../webhooks/ssrf-guard.js';
import { utf8Prefix } from '../../webhooks/truncate-utf8.js';

/** Which addresses a connection may be made to, judged on the addresses the connection itself uses. */
export interface ConnectPolicy {
  /** Resolves a host name to every address it has. */
  resolve: DnsResolver;
  /** Whether an address may be connected to; one refused address refuses the host. */
  allowed: (address: string) => boolean;
}

/** Options of {@link NodeHttpSender}. */
export interface NodeHttpSenderOptions {
  /** Used when a request names no timeout; 15 s by default. */
  timeoutMs?: number;
  /** Bytes of a response body read at most; 1024 by default. */
  maxResponseBytes?: number;
  /**
   * When given, a host name is resolved by `resolve` as the socket is opened and the host is not
   * connected to when any of its addresses is not `allowed`. A check made before sending cannot see the
   * answer the connection gets (a name may resolve to a public address for the check and to a private
   * one a moment later); this one judges exactly the addresses connected to. Literal IP hosts are not
   * resolved and are left to the caller's guard.
   */
  connectTo?: ConnectPolicy;
}

const IDLE_SOCKET_MS = 4_000;

/** Raised inside the socket's lookup when a host resolves to an address the policy refuses. */
class RefusedAddressError extends Error {
  readonly code = 'EADDRREFUSED';
}

function pinnedLookup(policy: ConnectPolicy): LookupFunction {
  return (hostname, options, callback) => {
    policy.resolve(hostname).then(
      (resolved) => {
        if (!resolved.every((address) => policy.allowed(address))) {
          callback(new RefusedAddressError(nonPublicAddressReason(hostname)), '', 0);
          return;
        }
        const entries = resolved
          .map((address) => ({ address, family: isIPv6(address) ? 6 : 4 }))
          .filter((entry) => !options.family || entry.family === options.family);
        const [first] = entries;
        if (!first) {
          callback(
            Object.assign(new Error(`${hostname} has no usable address`), { code: 'ENOTFOUND' }),
            '',
            0,
          );
          return;
        }
        if (options.all) callback(null, entries);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        callback(Object.assign(failure, { code: (failure as { code?: string }).code ?? 'ENOTFOUND' }), '', 0);
      },
    );
  };
}

function describe(error: unknown): string {
  if (error instanceof RefusedAddressError) return error.message;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

function headersOf(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * {@link HttpSender} on Node's `http` and `https` modules, with its own keep-alive agents. Redirects are
 * returned, not followed; one `AbortSignal` timeout bounds connecting, sending and reading; at most
 * `maxResponseBytes` of the body are read, after which the socket is closed. Timeouts answer `timeout`,
 * every other failure to get an answer (refused, reset, DNS, TLS, invalid URL, an address the
 * {@link ConnectPolicy} refuses) `network_error`; nothing is thrown.
 */
export class NodeHttpSender implements HttpSender {
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly lookup: LookupFunction | undefined;
  // own agents: a socket opened under this sender's connect policy is only ever reused by this sender; an idle
  // socket is closed after 4 s (as fetch does), before a receiver's own keep-alive timeout can reset it mid-reuse
  private readonly httpAgent = new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS });

  constructor(options: NodeHttpSenderOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 1024;
    this.lookup = options.connectTo ? pinnedLookup(options.connectTo) : undefined;
  }

  send(request: HttpRequest): Promise<HttpResult> {
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.resolve({ kind: 'network_error', error: 'not an absolute URL' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return Promise.resolve({ kind: 'network_error', error: `${url.protocol} URLs are not called` });

    const signal = AbortSignal.timeout(timeoutMs);
    const secure = url.protocol === 'https:';
    const body = Buffer.from(request.body, 'utf8');
    return new Promise<HttpResult>((resolve) => {
      let responded = false;
      const failed = (error: unknown) => {
        // once the status line is in, an abort or reset only ends the body (handled on the response)
        if (responded) return;
        resolve(
          signal.aborted
            ? { kind: 'timeout', error: `no answer within ${timeoutMs} ms` }
            : { kind: 'network_error', error: describe(error) },
        );
      };
      const outgoing = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          headers: {
            ...Object.fromEntries(
              Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'content-length'),
            ),
            'content-length': String(body.byteLength),
          },
          agent: secure ? this.httpsAgent : this.httpAgent,
          signal,
          ...(this.lookup ? { lookup: this.lookup } : {}),
        },
        (response) => {
          responded = true;
          const chunks: Buffer[] = [];
          let size = 0;
          // the status is the answer: a body that breaks off or outlasts the deadline only shortens the snippet
          const answer = () =>
            resolve({
              kind: 'response',
              status: response.statusCode ?? 0,
              headers: headersOf(response),
              body: utf8Prefix(Buffer.concat(chunks), this.maxResponseBytes),
            });
          response.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.byteLength;
            // the rest of the body is never downloaded
            if (size >= this.maxResponseBytes) response.destroy();
          });
          response.on('end', answer);
          response.on('close', answer);
          response.on('error', answer);
        },
      );
      outgoing.on('error', failed);
      outgoing.end(body);
    });
  }
}
