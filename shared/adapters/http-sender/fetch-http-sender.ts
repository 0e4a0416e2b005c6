import type { HttpSender } from '../../webhooks/ports.js';

/** {@link HttpSender} on Node's fetch: no redirects followed, a hard timeout, at most 1 KiB of the answer kept. */
export class FetchHttpSender implements HttpSender {
  async post(url: string, headers: Record<string, string>, body: string, timeoutMs: number) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text().catch(() => '');
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        snippet: text.slice(0, 1024),
      };
    } catch (error) {
      const name = (error as Error).name;
      return {
        status:
          name === 'TimeoutError' || name === 'AbortError'
            ? ('timeout' as const)
            : ('network_error' as const),
        retryAfter: null,
        snippet: '',
      };
    }
  }
}
