/** An RFC 7807 problem document with Mailmon's stable machine-readable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  /** What happened and what to do; always present. */
  detail: string;
  /** Whether the same request may succeed if sent again later (429, 408 and 5xx), unchanged. */
  retryable: boolean;
  [extension: string]: unknown;
}

/** Whether a request answered with `status` may succeed when sent again unchanged. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Builds a problem document; `type` is a stable URI derived from `code`, `detail` defaults to the title and
 * `retryable` follows the status unless `extra` says otherwise.
 */
export function problem(
  status: number,
  code: string,
  title: string,
  detail?: string,
  extra?: Record<string, unknown>,
): Problem {
  return {
    type: `https://mailmon.dev/problems/${code}`,
    title,
    status,
    code,
    detail: detail ?? title,
    retryable: isRetryableStatus(status),
    ...extra,
  };
}

/** The minimal response surface shared by Express and node:http responses. */
export interface ProblemResponse {
  status(code: number): ProblemResponse;
  set(name: string, value: string): ProblemResponse;
  send(body: string): unknown;
}

/** Writes `p` as `application/problem+json` with its status. */
export function sendProblem(res: ProblemResponse, p: Problem, headers: Record<string, string> = {}): void {
  let r = res.status(p.status).set('content-type', 'application/problem+json');
  for (const [name, value] of Object.entries(headers)) r = r.set(name, value);
  r.send(JSON.stringify(p));
}
