/** An RFC 7807 problem document, as every Mailmon API error is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  /** Stable machine-readable code: branch on this, not on the text. */
  code: string;
  detail?: string;
  /** Whether the same request may succeed when sent again later. */
  retryable?: boolean;
  [extra: string]: unknown;
}

/** A non-2xx answer of the Mailmon API. */
export class MailmonApiError extends Error {
  override name = 'MailmonApiError';
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  /** Whether the same request may succeed when sent again later (429, 408, 5xx). */
  readonly retryable: boolean;
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${status} ${problem.code}: ${problem.detail ?? problem.title}`);
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.retryable = problem.retryable ?? (status === 408 || status === 429 || status >= 500);
  }
}

/** How to reach the API. */
export interface MailmonClientOptions {
  /** The API's base URL, e.g. `https://api.example.com` (no trailing `/v1`). */
  baseUrl: string;
  /** A workspace API key, `mm_live_…`. */
  apiKey: string;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | boolean | undefined>;

/** Sends one API request; answers the parsed JSON body (undefined for 204) or throws {@link MailmonApiError}. */
export async function send<T>(
  options: MailmonClientOptions,
  method: string,
  path: string,
  query?: Query,
  body?: unknown,
): Promise<T> {
  const url = new URL(path, options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  for (const [name, value] of Object.entries(query ?? {}))
    if (value !== undefined) url.searchParams.set(name, String(value));
  const response = await (options.fetch ?? fetch)(url, {
    method,
    headers: {
      authorization: `Bearer ${options.apiKey}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) {
    let problem: Problem;
    try {
      problem = JSON.parse(text) as Problem;
    } catch {
      problem = {
        type: 'about:blank',
        title: response.statusText,
        status: response.status,
        code: 'http_error',
        detail: text,
      };
    }
    throw new MailmonApiError(response.status, problem);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
