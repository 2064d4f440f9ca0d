/**
 * Commands and their options, as data. The same table drives the fast parser (node:util parseArgs, used
 * for the hook's argv: yargs alone costs ~80 ms of start-up) and yargs (help text, error messages).
 */
export interface OptionSpec {
  type: 'boolean' | 'string' | 'number';
  describe: string;
  alias?: string;
  array?: boolean;
  choices?: readonly string[];
  default?: boolean | string | number;
}

export interface CommandSpec {
  /** yargs command string, e.g. `scan [paths..]`. */
  usage: string;
  describe: string;
  options: Record<string, OptionSpec>;
}

const output = {
  format: {
    type: 'string',
    choices: ['text', 'json', 'sarif', 'github', 'gitlab', 'junit', 'html'],
    default: 'text',
    describe: 'output format',
  },
  output: { type: 'string', alias: 'o', describe: 'write the report to a file instead of stdout' },
  reveal: { type: 'boolean', describe: 'print full secrets (off by default)' },
  color: { type: 'boolean', default: true, describe: 'colour text output on a terminal (--no-color)' },
  quiet: { type: 'boolean', alias: 'q', describe: 'no summary line' },
} as const satisfies Record<string, OptionSpec>;

export const COMMANDS = {
  scan: {
    usage: 'scan [paths..]',
    describe: 'scan the working tree, the staged index, a commit range, a push, the whole history or stdin',
    options: {
      staged: { type: 'boolean', describe: 'scan what is staged in the git index (added lines only)' },
      range: { type: 'string', describe: 'scan the commits in a range A..B' },
      since: { type: 'string', describe: 'shorthand for --range <rev>..HEAD' },
      'pre-push': {
        type: 'boolean',
        describe: "scan the commits being pushed (git's pre-push stdin); [remote] as the path",
      },
      history: { type: 'boolean', describe: 'scan every blob in the repository' },
      shard: { type: 'string', describe: 'with --history: scan shard i of n (i/n)' },
      all: { type: 'boolean', describe: 'with --history: every ref (the default)' },
      branch: { type: 'string', array: true, describe: 'with --history: only these branches' },
      'max-blob-size': { type: 'string', describe: 'skip files or blobs larger than this (e.g. 10MB)' },
      stdin: { type: 'boolean', describe: 'scan standard input' },
      'stdin-name': { type: 'string', describe: 'path to report for --stdin content' },
      ...output,
      config: {
        type: 'string',
        describe: 'config file (default: keyward.config.json or .keyward.yml, found upward)',
      },
      baseline: { type: 'string', describe: 'suppress the findings listed in this baseline file' },
      verify: { type: 'boolean', describe: 'check whether found keys are live (network, opt-in)' },
      ignore: { type: 'boolean', default: true, describe: 'honour ignore files (--no-ignore)' },
      jobs: { type: 'number', alias: 'j', describe: 'worker threads (default: CPU cores)' },
      'fail-on': {
        type: 'string',
        choices: ['critical', 'high', 'medium', 'low'],
        describe: 'lowest severity that fails the scan',
      },
      'exit-zero': { type: 'boolean', describe: 'exit 0 even when findings are reported' },
    },
  },
  baseline: {
    usage: 'baseline [paths..]',
    describe:
      'write a baseline of what a scan (any mode) finds now, so that scan --baseline reports only new findings',
    options: {
      staged: { type: 'boolean', describe: 'baseline what is staged in the git index' },
      range: { type: 'string', describe: 'baseline the commits in a range A..B' },
      since: { type: 'string', describe: 'shorthand for --range <rev>..HEAD' },
      history: { type: 'boolean', describe: 'baseline every blob in the repository' },
      stdin: { type: 'boolean', describe: 'baseline standard input' },
      'stdin-name': { type: 'string', describe: 'path to record for --stdin content' },
      'max-blob-size': { type: 'string', describe: 'skip files or blobs larger than this (e.g. 10MB)' },
      config: {
        type: 'string',
        describe: 'config file (default: keyward.config.json or .keyward.yml, found upward)',
      },
      ignore: { type: 'boolean', default: true, describe: 'honour ignore files (--no-ignore)' },
      output: {
        type: 'string',
        alias: 'o',
        describe: 'baseline file to write (default .keyward-baseline.json)',
      },
      prune: { type: 'boolean', describe: 'only drop the entries this scan no longer finds; add nothing' },
    },
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;
