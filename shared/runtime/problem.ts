/** An RFC 7807 problem document with Mailmon's stable machine-readable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  [extension: string]: unknown;
}

/** Builds a problem document; `type` is a stable URI derived from `code`. */
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
    ...(detail === undefined ? {} : { detail }),
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
