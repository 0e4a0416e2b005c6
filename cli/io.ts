/** Where a command writes, and what it reads from its surroundings; injected so tests run commands in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted when the user asks a long-running command (`listen`) to stop (Ctrl-C). */
  signal?: AbortSignal;
}

/** The process's own streams and environment. */
export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
};

/** A command's result: printed as one JSON object with `--json`, else as the lines of `text`. */
export interface CommandOutput {
  json: unknown;
  text: string[];
}

/** A failure the user can act on: printed without a stack trace, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}
