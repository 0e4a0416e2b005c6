import type { HttpRequest, HttpResult, HttpSender } from '../../webhooks/ports.js';
import { utf8Prefix } from '../../webhooks/truncate-utf8.js';

/** Options of {@link FetchHttpSender}. */
export interface FetchHttpSenderOptions {
  /** Used when a request names no timeout; 15 s by default. */
  timeoutMs?: number;
  /** Bytes of a response body read at most; 1024 by default. */
  maxResponseBytes?: number;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

async function readPrefix(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // the rest of the body is never downloaded
    await reader.cancel().catch(() => undefined);
  }
  return utf8Prefix(Buffer.concat(chunks), maxBytes);
}

/**
 * {@link HttpSender} on Node's fetch (undici). Redirects are returned, not followed (`redirect:
 * 'manual'`); one `AbortSignal` timeout bounds connecting, sending and reading; at most
 * `maxResponseBytes` of the body are read, after which the stream is cancelled. Timeouts answer
 * `timeout`, every other failure to get an answer (refused, reset, DNS, TLS, invalid URL) `network_error`
 * with its error code; nothing is thrown.
 */
export class FetchHttpSender implements HttpSender {
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(options: FetchHttpSenderOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 1024;
  }

  async send(request: HttpRequest): Promise<HttpResult> {
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal,
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      // the status is the answer: a body that breaks off or outlasts the deadline only loses the snippet
      const body = await readPrefix(response, this.maxResponseBytes).catch(() => '');
      return { kind: 'response', status: response.status, headers, body };
    } catch (error) {
      if (signal.aborted) return { kind: 'timeout', error: `no answer within ${timeoutMs} ms` };
      return { kind: 'network_error', error: describe(error) };
    }
  }
}
