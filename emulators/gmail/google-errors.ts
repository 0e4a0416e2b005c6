/** One entry of the legacy `errors` array in a Google API error body. */
export interface GoogleErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

/** The JSON body Google APIs return on failure. */
export interface GoogleErrorBody {
  error: { code: number; message: string; errors: GoogleErrorItem[]; status: string };
}

const STATUS_BY_CODE: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** A Gmail API failure, rendered as Google's error JSON with its status code and headers. */
export class GoogleApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly domain: string;
  readonly headers: Record<string, string>;
  readonly item: Partial<GoogleErrorItem>;

  constructor(
    code: number,
    message: string,
    reason: string,
    options: { domain?: string; headers?: Record<string, string>; item?: Partial<GoogleErrorItem> } = {},
  ) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.domain = options.domain ?? 'global';
    this.headers = options.headers ?? {};
    this.item = options.item ?? {};
  }

  /** The response body, e.g. `{"error":{"code":404,"message":"...","errors":[...],"status":"NOT_FOUND"}}`. */
  body(): GoogleErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [
          {
            message: this.item.message ?? this.message,
            domain: this.domain,
            reason: this.reason,
            ...this.item,
          },
        ],
        status: STATUS_BY_CODE[this.code] ?? 'UNKNOWN',
      },
    };
  }
}

/** 404 `notFound`, as Gmail answers for unknown ids and expired history start ids. */
export function notFound(): GoogleApiError {
  return new GoogleApiError(404, 'Requested entity was not found.', 'notFound');
}

/** 400 `invalidArgument` for a malformed parameter. */
export function invalidArgument(message: string): GoogleApiError {
  return new GoogleApiError(400, message, 'invalidArgument');
}

/** 400 `failedPrecondition`, e.g. a watch topic that does not match `projects/P/topics/T`. */
export function failedPrecondition(message: string): GoogleApiError {
  return new GoogleApiError(400, message, 'failedPrecondition');
}

/** 401 for a missing bearer token (`required`) or an unknown, expired or revoked one (`authError`). */
export function unauthenticated(missing: boolean): GoogleApiError {
  const message = missing
    ? 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'
    : 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
  return new GoogleApiError(401, message, missing ? 'required' : 'authError', {
    headers: {
      'www-authenticate': missing
        ? 'Bearer realm="https://accounts.google.com/"'
        : 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
    },
    item: {
      message: missing ? 'Login Required.' : 'Invalid Credentials',
      location: 'Authorization',
      locationType: 'header',
    },
  });
}

/** 403 `insufficientPermissions` when the token lacks a Gmail scope the method needs. */
export function insufficientScopes(): GoogleApiError {
  return new GoogleApiError(
    403,
    'Request had insufficient authentication scopes.',
    'insufficientPermissions',
    {
      item: { message: 'Insufficient Permission' },
    },
  );
}

/** 403 `forbidden`, e.g. a token used for another mailbox or a metadata-only token asking for bodies. */
export function forbidden(message: string): GoogleApiError {
  return new GoogleApiError(403, message, 'forbidden');
}

/** A per-user rate limit answer: 429 `rateLimitExceeded` or 403 `userRateLimitExceeded`, with `Retry-After`. */
export function rateLimited(status: 429 | 403, retryAfterMs: number, now: number): GoogleApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const headers = { 'retry-after': String(seconds) };
  if (status === 403) {
    return new GoogleApiError(403, 'User Rate Limit Exceeded', 'userRateLimitExceeded', {
      domain: 'usageLimits',
      headers,
    });
  }
  const at = new Date(now + seconds * 1000).toISOString();
  return new GoogleApiError(429, `User-rate limit exceeded.  Retry after ${at}`, 'rateLimitExceeded', {
    domain: 'usageLimits',
    headers,
  });
}

/** 429 for too many requests in flight for one user at once. */
export function tooManyConcurrent(): GoogleApiError {
  return new GoogleApiError(429, 'Too many concurrent requests for user.', 'rateLimitExceeded', {
    domain: 'usageLimits',
    headers: { 'retry-after': '1' },
  });
}

/** An injected server-side failure: 500 `backendError`, 502/503 unavailable, 504 deadline exceeded. */
export function serverError(code: 500 | 502 | 503 | 504): GoogleApiError {
  const message = code === 500 ? 'Internal error encountered.' : 'The service is currently unavailable.';
  return new GoogleApiError(code, message, 'backendError');
}

/** 501 for Gmail methods this emulator does not implement. */
export function notImplemented(what: string): GoogleApiError {
  return new GoogleApiError(501, `${what} is not supported by the Gmail emulator.`, 'notImplemented');
}
