import { main } from '../main.js';

/** A CLI run in progress: what it has printed so far, and its result once it ends. */
export interface CliRun {
  stdout(): string;
  stderr(): string;
  done: Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Starts the CLI in-process in `cwd` with `env` (empty by default); `signal` stands in for Ctrl-C. */
export function startCli(
  cwd: string,
  argv: string[],
  signal?: AbortSignal,
  env: Record<string, string> = {},
): CliRun {
  let stdout = '';
  let stderr = '';
  const done = main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
    cwd,
    ...(signal ? { signal } : {}),
  }).then((code) => ({ code, stdout, stderr }));
  return { stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs the CLI in-process in `cwd` with an empty environment; answers its exit code and what it printed. */
export function runCli(
  cwd: string,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return startCli(cwd, argv).done;
}
