import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { MailmonClient } from '../sdk/src/index.js';
import { CliError, type CliIo, type CommandOutput } from './io.js';
import { type OperatorTarget, operatorTarget, readDevState } from './target.js';

/** What a command's action is given: where it prints, its options, and lazily, what it acts on. */
export interface CommandContext {
  io: CliIo;
  options: Record<string, string | boolean | undefined>;
  /** Firestore and Pub/Sub with the operator's rights: the local stack, or `--project` with ADC. */
  operator(): OperatorTarget;
  /** The public API with an API key: `--api-url`/`--api-key` (or MAILMON_API_URL/_KEY), else the local stack. */
  api(): MailmonClient;
  /** A progress bar on stderr (none with `--json`, so stdout stays one JSON object); call `stop` when done. */
  progress(label: string, total: number): SingleBar | undefined;
}

/** Registers an action on a command; supplied by the program, which adds `--json` and prints the output. */
export type Runner = (command: Command, action: (ctx: CommandContext) => Promise<CommandOutput>) => void;

/** The API target: flags or environment first, then the local stack's `.mailmon/dev.json`. */
export function apiClient(io: CliIo, options: CommandContext['options']): MailmonClient {
  const url = (options.apiUrl as string | undefined) ?? io.env.MAILMON_API_URL;
  const key = (options.apiKey as string | undefined) ?? io.env.MAILMON_API_KEY;
  if (url && key) return new MailmonClient({ baseUrl: url, apiKey: key });
  if (url || key)
    throw new CliError(
      'Give both the API URL and an API key (--api-url and --api-key, or MAILMON_API_URL and MAILMON_API_KEY).',
    );
  const dev = readDevState(io.cwd);
  if (!dev)
    throw new CliError(
      'No API to call: set MAILMON_API_URL and MAILMON_API_KEY (or --api-url, --api-key), or start the local stack with `npm run dev`.',
    );
  return new MailmonClient({ baseUrl: dev.apiUrl, apiKey: dev.apiKey });
}

/** The context of one command run. */
export function commandContext(io: CliIo, options: CommandContext['options']): CommandContext {
  let bars: MultiBar | undefined;
  return {
    io,
    options,
    operator: () =>
      operatorTarget(io, { ...(typeof options.project === 'string' ? { project: options.project } : {}) }),
    api: () => apiClient(io, options),
    progress(label, total) {
      if (options.json) return undefined;
      bars ??= new MultiBar(
        {
          format: `${label} [{bar}] {value}/{total} {detail}`,
          hideCursor: true,
          clearOnComplete: false,
          stream: process.stderr,
        },
        Presets.shades_classic,
      );
      const bar = bars.create(total, 0, { detail: '' });
      const stop = bar.stop.bind(bar);
      bar.stop = () => {
        stop();
        bars?.stop();
      };
      return bar;
    },
  };
}
