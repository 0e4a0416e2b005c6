import { Command, CommanderError } from 'commander';
import { NonRetryableError } from '../shared/core/errors.js';
import { adminCommands } from './commands/admin.js';
import { apiCommands } from './commands/api-commands.js';
import { credentialCommands } from './commands/credentials.js';
import { forwardCommands } from './commands/forward.js';
import { operateCommands } from './commands/operate.js';
import { commandContext, type Runner } from './context.js';
import { CliError, type CliIo, processIo } from './io.js';

/** One line for a failure, with what to do where the cause is known. */
export function describeFailure(error: unknown): string {
  if (error instanceof CliError || error instanceof NonRetryableError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  if (/default credentials/i.test(message))
    return 'No Google credentials: run `gcloud auth application-default login` (operator commands use your own account).';
  return message;
}

/** The command tree, with every action bound to `io`; nothing runs until it parses arguments. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('mailmon')
    .description('Mailmon: operate a deployment or the local stack')
    .option(
      '--project <id>',
      'act on this GCP project (Application Default Credentials) instead of the local stack',
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  const run: Runner = (command, action) => {
    command
      .option('--json', 'print one JSON object')
      .exitOverride()
      .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
      .showHelpAfterError()
      .action(async (...received: unknown[]) => {
        const self = received[received.length - 1] as Command;
        const options: Record<string, string | boolean | undefined> = { ...self.optsWithGlobals() };
        self.registeredArguments.forEach((arg, i) => {
          options[arg.name()] = received[i] as string;
        });
        const output = await action(commandContext(io, options));
        io.stdout(options.json ? `${JSON.stringify(output.json)}\n` : `${output.text.join('\n')}\n`);
      });
  };
  adminCommands(program, run);
  apiCommands(program, run);
  operateCommands(program, run);
  forwardCommands(program, run);
  credentialCommands(program, run);
  return program;
}

/**
 * The `mailmon` CLI. Every command takes `--json` (one JSON object on stdout) and, for operator commands,
 * `--project <id>` to act on a deployment with the operator's Google credentials instead of the local
 * stack of `npm run dev`. Bad arguments print usage and exit 2; a failure the user can act on prints one
 * line and exits 1.
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version are not errors; everything else commander refuses is a usage error
      exitCode = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
      if (error.code === 'commander.help') exitCode = 0;
    } else {
      io.stderr(`mailmon: ${describeFailure(error)}\n`);
      exitCode = 1;
    }
  }
  return exitCode;
}
