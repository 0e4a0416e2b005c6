/** Severity names understood by Cloud Logging. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Structured logger: one JSON object per line, the format Cloud Logging parses from stdout. `severity` and
 * `message` become the entry's severity and summary; the ids in {@link LABEL_FIELDS} are also set as entry
 * labels (`logging.googleapis.com/labels`), so logs can be filtered and metrics grouped by them.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Fields copied into the entry's labels when they are strings. */
export const LABEL_FIELDS = [
  'mailboxId',
  'deliveryId',
  'endpointId',
  'workspaceId',
  'function',
  'job',
] as const;

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const severity: Record<LogLevel, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };

/** A logger writing JSON lines to `write` (stdout by default), dropping entries below `level`. */
export function jsonLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  base: Record<string, unknown> = {},
): Logger {
  const log = (at: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (order[at] < order[level]) return;
    const entry: Record<string, unknown> = { severity: severity[at], message, ...base, ...fields };
    const labels: Record<string, string> = {};
    for (const key of LABEL_FIELDS) {
      const value = entry[key];
      if (typeof value === 'string') labels[key] = value;
    }
    if (Object.keys(labels).length > 0) entry['logging.googleapis.com/labels'] = labels;
    write(JSON.stringify(entry));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

// Google access tokens (ya29.…), refresh tokens (1//…), bearer headers and token form fields
const SECRET_PATTERNS = [
  /ya29\.[\w.-]+/g,
  /\b1\/\/[\w.-]+/g,
  /(bearer\s+)[\w.~+/-]+=*/gi,
  /((?:refresh_token|access_token|id_token|client_secret|code)["']?\s*[=:]\s*["']?)[^"'&\s,}]+/gi,
];

/** Masks anything shaped like an OAuth token or secret in `text`. */
export function redact(text: string): string {
  return SECRET_PATTERNS.reduce(
    (out, pattern) =>
      out.replace(pattern, (_m, prefix = '') => `${typeof prefix === 'string' ? prefix : ''}[redacted]`),
    text,
  );
}

/** Log fields for an error: its name and redacted message, never its request config or response body. */
export function describeError(error: unknown): { errorName: string; errorMessage: string } {
  if (error instanceof Error) return { errorName: error.name, errorMessage: redact(error.message) };
  return { errorName: typeof error, errorMessage: redact(String(error)) };
}
