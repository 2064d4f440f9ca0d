import type { Io } from './io.js';
import { EXIT } from './exit-codes.js';
import { KeywardError, isKeywardError } from './errors.js';
import { HANDLERS, type Args } from './handlers.js';
import { parseFast } from './parse-fast.js';
import type { CommandName } from './options.js';

export type { Args } from './handlers.js';

/**
 * Runs the keyward CLI and returns its exit code. Never calls process.exit, so tests run it in-process.
 * Plainly valid argv takes the fast parser; help and mistakes go through yargs, which explains them.
 */
export async function run(argv: string[], io: Io): Promise<number> {
  try {
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
      const { VERSION } = await import('./version.js');
      io.stdout.write(`${VERSION}\n`);
      return EXIT.clean;
    }
    const fast = parseFast(argv);
    const parsed = fast ?? (await (await import('./parse-yargs.js')).parseYargs(argv, io));
    if (parsed === undefined) return EXIT.clean; // help was printed
    return await dispatch(parsed.command, parsed.args, io);
  } catch (error) {
    return reportError(error, io);
  }
}

async function dispatch(command: CommandName, args: Args, io: Io): Promise<number> {
  const handler = await HANDLERS[command]();
  return handler(args, io);
}

/** Renders an error as one line on stderr and returns its exit code; stacks only with KEYWARD_DEBUG. */
export function reportError(error: unknown, io: Io): number {
  if (isKeywardError(error)) {
    io.stderr.write(`keyward: ${error.message}\n`);
    return error.exitCode;
  }
  const reason = error instanceof Error ? error.message : String(error);
  io.stderr.write(`keyward: ${new KeywardError('E_INTERNAL', { reason }).message}\n`);
  if (io.env.KEYWARD_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT.error;
}
