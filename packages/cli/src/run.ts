import type { Argv } from 'yargs';
import type { Io } from './io.js';
import { EXIT } from './exit-codes.js';
import { KeywardError, isKeywardError } from './errors.js';

/** Parsed options shared by the commands; each command reads the ones it knows. */
export type Args = Record<string, unknown> & { _: (string | number)[] };

type Handler = (args: Args, io: Io) => Promise<number>;

/**
 * Runs the keyward CLI and returns its exit code. Never calls process.exit, so tests can run it in-process.
 * Command handlers are imported lazily: the pre-commit path loads only the scan code it needs.
 */
export async function run(argv: string[], io: Io): Promise<number> {
  const { default: yargs } = await import('yargs');
  let exitCode: number = EXIT.clean;
  let pending: Promise<void> | undefined;
  const dispatch =
    (load: () => Promise<Handler>) =>
    (args: Args): void => {
      pending = load().then(async (handler) => {
        exitCode = await handler(args, io);
      });
    };

  let usageError: string | undefined;
  const parser: Argv = yargs(argv)
    .scriptName('keyward')
    .parserConfiguration({ 'camel-case-expansion': true, 'strip-dashed': false })
    .command(
      'scan [paths..]',
      'scan the working tree, the staged index, a commit range, a push, the whole history or stdin',
      (y) => scanOptions(y),
      dispatch(async () => (await import('./commands/scan.js')).runScan),
    )
    .demandCommand(1, 'name a command: scan, install, uninstall, verify, baseline, merge, remediate or rules')
    .strict()
    .help()
    .version(false)
    .option('version', { type: 'boolean', describe: 'print the version' })
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      usageError = message;
    })
    .wrap(Math.min(110, process.stdout.columns ?? 100));

  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    const { VERSION } = await import('./version.js');
    io.stdout.write(`${VERSION}\n`);
    return EXIT.clean;
  }
  try {
    let helpText = '';
    await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      helpText = output;
    });
    if (usageError !== undefined) throw new KeywardError('E_USAGE', { message: usageError });
    if (helpText) io.stdout.write(`${helpText}\n`);
    if (pending) await pending;
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

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

function scanOptions(y: Argv): Argv {
  return y
    .positional('paths', { type: 'string', array: true, describe: 'files or folders to scan (default .)' })
    .option('staged', { type: 'boolean', describe: 'scan what is staged in the git index (added lines only)' })
    .option('range', { type: 'string', describe: 'scan the commits in a range A..B' })
    .option('since', { type: 'string', describe: 'shorthand for --range <rev>..HEAD' })
    .option('pre-push', { type: 'string', describe: "scan the commits being pushed (reads git's pre-push stdin)" })
    .option('history', { type: 'boolean', describe: 'scan every blob in the repository' })
    .option('shard', { type: 'string', describe: 'with --history: scan shard i of n (i/n)' })
    .option('all', { type: 'boolean', describe: 'with --history: every ref (the default)' })
    .option('branch', { type: 'string', array: true, describe: 'with --history: only these branches' })
    .option('max-blob-size', { type: 'string', describe: 'skip blobs or files larger than this (e.g. 10MB)' })
    .option('stdin', { type: 'boolean', describe: 'scan standard input' })
    .option('stdin-name', { type: 'string', describe: 'path to report for --stdin content' })
    .option('format', {
      type: 'string',
      choices: ['text', 'json', 'sarif', 'github', 'gitlab', 'junit', 'html'],
      default: 'text',
      describe: 'output format',
    })
    .option('output', { alias: 'o', type: 'string', describe: 'write the report to a file' })
    .option('config', { type: 'string', describe: 'config file (default: keyward.config.json or .keyward.yml)' })
    .option('baseline', { type: 'string', describe: 'suppress the findings listed in this baseline' })
    .option('verify', { type: 'boolean', describe: 'check whether found keys are live (network, opt-in)' })
    .option('reveal', { type: 'boolean', describe: 'print full secrets (off by default)' })
    .option('color', { type: 'boolean', default: true, describe: 'colour the text output (--no-color)' })
    .option('ignore', { type: 'boolean', default: true, describe: 'honour ignore files (--no-ignore)' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'print findings only, no summary' })
    .option('jobs', { alias: 'j', type: 'number', describe: 'worker threads (default: cores)' })
    .option('fail-on', { type: 'string', choices: ['critical', 'high', 'medium', 'low'], describe: 'lowest severity that fails' })
    .option('exit-zero', { type: 'boolean', describe: 'exit 0 even when findings are reported' });
}
