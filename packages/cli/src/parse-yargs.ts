import yargs, { type Argv, type Options } from 'yargs';
import type { Io } from './io.js';
import { KeywardError } from './errors.js';
import { checkArgv } from './argv-check.js';
import { COMMANDS, type CommandName } from './options.js';
import type { Args } from './handlers.js';

/**
 * The full parser: help, and one-line explanations of bad argv. Returns undefined when help or the
 * version was printed, throws E_USAGE on a mistake (an unknown command or option, or an argument where
 * none is taken, is named by checkArgv first).
 */
export async function parseYargs(
  argv: string[],
  io: Io,
): Promise<{ command: CommandName; args: Args } | undefined> {
  checkArgv(argv);
  let selected: { command: CommandName; args: Args } | undefined;
  let usageError: string | undefined;
  let parser: Argv = yargs(argv)
    .scriptName('keyward')
    .parserConfiguration({ 'camel-case-expansion': false })
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      usageError = message.replace(/\s*\n\s*/g, ' ');
    })
    .wrap(Math.min(110, (io.stdout as { columns?: number }).columns ?? 100));
  for (const [name, spec] of Object.entries(COMMANDS) as [CommandName, (typeof COMMANDS)[CommandName]][]) {
    parser = parser.command(
      spec.usage,
      spec.describe,
      (y) => y.options(spec.options as Record<string, Options>),
      (args) => {
        selected = { command: name, args: args as unknown as Args };
      },
    );
  }
  parser = parser.demandCommand(1, `name a command: ${Object.keys(COMMANDS).join(', ')}`);
  let helpText = '';
  await parser.parseAsync(argv, {}, (_error, _args, output) => {
    helpText = output;
  });
  if (usageError !== undefined) throw new KeywardError('E_USAGE', { message: usageError });
  if (helpText) io.stdout.write(`${helpText}\n`);
  if (selected) {
    selected.args._ = selected.args._.map(String);
    return selected;
  }
  return undefined;
}
