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
  /** A boolean with no default whose `--no-` form means something of its own (`--color`, `--no-color`). */
  negatable?: boolean;
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
} as const satisfies Record<string, OptionSpec>;

/** Where the config comes from: scan, agents, baseline and rules read the same file. */
const config = {
  config: {
    type: 'string',
    describe: 'config file (default: keyward.config.json or .keyward.yml, found upward)',
  },
} as const satisfies Record<string, OptionSpec>;

/** What findings do to the exit code (scan, agents, merge); neither hides an error (2) or a partial run (3). */
const gate = {
  'fail-on': {
    type: 'string',
    choices: ['critical', 'high', 'medium', 'low'],
    describe: 'lowest severity that fails (exit 1)',
  },
  'exit-zero': { type: 'boolean', describe: 'exit 0 even when findings are reported' },
} as const satisfies Record<string, OptionSpec>;

/**
 * The options every command takes (DESIGN §1). `color` has no default: unset means "on a terminal", so
 * that `--color` can force colour where there is none (scan/color.ts decides).
 */
const common = {
  color: {
    type: 'boolean',
    negatable: true,
    describe: 'colour: --color also off a terminal, --no-color never (default: on a terminal; NO_COLOR wins)',
  },
  quiet: {
    type: 'boolean',
    alias: 'q',
    describe: 'no progress, summary or status lines on stderr (warnings and errors still print)',
  },
} as const satisfies Record<string, OptionSpec>;

/** How `--verify` and `keyward verify` check keys and narrow the report. */
const verification = {
  'blast-radius': {
    type: 'boolean',
    describe: 'with --verify: map what each live OpenAI key can reach (read-only GET probes)',
  },
  'only-live': { type: 'boolean', describe: 'with --verify: report live keys only' },
  results: {
    type: 'string',
    describe: 'with --verify: report only these verdicts (comma-separated: live, unknown, invalid)',
  },
  'base-url': {
    type: 'string',
    array: true,
    describe:
      "send a provider's keys to this URL instead of its official host (provider=URL; a bare URL means openai)",
  },
} as const satisfies Record<string, OptionSpec>;

const TABLE = {
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
      'require-complete': {
        type: 'boolean',
        describe:
          'with --history or --range: refuse (exit 3), with no report, when objects are missing from the store',
      },
      store: {
        type: 'string',
        describe:
          'with --history: incremental audit; skip blobs this folder records as scanned clean under the same version, rules and config, and record the new clean ones (blob ids only, never a secret)',
      },
      'max-blob-size': {
        type: 'string',
        describe: 'skip files or blobs larger than this, and lines of --stdin (e.g. 10MB)',
      },
      stdin: { type: 'boolean', describe: 'scan standard input' },
      'stdin-name': { type: 'string', describe: 'path to report for --stdin content' },
      ...output,
      ...config,
      baseline: { type: 'string', describe: 'suppress the findings listed in this baseline file' },
      verify: { type: 'boolean', describe: 'check whether found keys are live (network, opt-in)' },
      ...verification,
      ignore: { type: 'boolean', default: true, describe: 'honour ignore files (--no-ignore)' },
      filters: {
        type: 'boolean',
        default: true,
        describe:
          'hide placeholders, test keys, encoded test words, spec examples and public keys (--no-filters: report them, each with its filter and reason)',
      },
      jobs: { type: 'number', alias: 'j', describe: 'threads that scan (default: CPU cores)' },
      ...gate,
    },
  },
  agents: {
    usage: 'agents [paths..]',
    describe:
      "audit AI agents' configuration (MCP servers, Claude Code, Cursor, Codex, Gemini CLI, …): which keys sit within an agent's reach",
    options: {
      home: {
        type: 'boolean',
        describe:
          "also audit the user-level configs in your home and the platform's config folders (known paths only)",
      },
      ...output,
      ...config,
      verify: { type: 'boolean', describe: 'check whether found keys are live (network, opt-in)' },
      ...verification,
      ...gate,
    },
  },
  fleet: {
    usage: 'fleet <list>',
    describe:
      'audit the whole history of many repositories (a file of paths or clone URLs, one a line; - for stdin) into one report',
    options: {
      cache: {
        type: 'string',
        describe: 'where clone URLs are mirrored (default: $XDG_CACHE_HOME/keyward/mirrors or ~/.cache/…)',
      },
      jobs: {
        type: 'number',
        alias: 'j',
        describe: 'repositories audited at once (default: half the CPU cores)',
      },
      shard: { type: 'string', describe: "scan shard i of n (i/n) of each repository's blobs" },
      'require-complete': {
        type: 'boolean',
        describe: 'refuse a repository whose objects are missing instead of auditing what is there',
      },
      store: {
        type: 'string',
        describe: 'incremental audits: one store a repository in this folder (see scan --history --store)',
      },
      'max-blob-size': { type: 'string', describe: 'skip blobs larger than this (e.g. 10MB)' },
      ...output,
      ...config,
      verify: { type: 'boolean', describe: 'check whether found keys are live (network, opt-in)' },
      ...verification,
      filters: {
        type: 'boolean',
        default: true,
        describe:
          "--no-filters: report what keyward's precision filters hide, each with its filter and reason",
      },
      ...gate,
    },
  },
  verify: {
    // [keys..] exists only to refuse keys given on the command line without echoing them.
    usage: 'verify [keys..]',
    describe: 'check whether keys are live: one a line on stdin, or the findings of a JSON report (--from)',
    options: {
      from: { type: 'string', describe: 'a keyward JSON report written with --reveal' },
      format: { type: 'string', choices: ['text', 'json'], default: 'text', describe: 'output format' },
      output: output.output,
      reveal: output.reveal,
      ...verification,
      timeout: { type: 'number', describe: 'seconds allowed for one request (default 10)' },
    },
  },
  merge: {
    usage: 'merge <reports..>',
    describe: 'combine JSON reports (e.g. the shards of scan --history --shard i/n) into one, in any format',
    options: {
      ...output,
      ...gate,
    },
  },
  remediate: {
    usage: 'remediate',
    describe:
      'print the runbook for the keys of a --reveal JSON report and write a git filter-repo --replace-text file',
    options: {
      from: { type: 'string', describe: 'a keyward JSON report written with --reveal' },
      output: {
        type: 'string',
        alias: 'o',
        describe: 'write the replacements file here (mode 0600; outside the repository)',
      },
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
      'max-blob-size': {
        type: 'string',
        describe: 'skip files or blobs larger than this, and lines of --stdin (e.g. 10MB)',
      },
      ...config,
      ignore: { type: 'boolean', default: true, describe: 'honour ignore files (--no-ignore)' },
      output: {
        type: 'string',
        alias: 'o',
        describe: 'baseline file to write (default .keyward-baseline.json)',
      },
      prune: { type: 'boolean', describe: 'only drop the entries this scan no longer finds; add nothing' },
    },
  },
  rules: {
    usage: 'rules [action] [file]',
    describe: "list the rules in effect (rules list), or run custom rules' examples (rules check [file])",
    options: {
      ...config,
      format: {
        type: 'string',
        choices: ['text', 'json'],
        default: 'text',
        describe: 'output format of rules list',
      },
    },
  },
  install: {
    usage: 'install',
    describe:
      'wire keyward into the git hooks: husky, lint-staged, lefthook, the pre-commit framework or plain hooks',
    options: {
      hook: {
        type: 'string',
        choices: ['pre-commit', 'pre-push', 'both'],
        default: 'pre-commit',
        describe: 'which hook to install',
      },
      manager: {
        type: 'string',
        choices: ['husky', 'lint-staged', 'lefthook', 'pre-commit', 'plain'],
        describe: 'wire into this set-up instead of the one detected',
      },
      'dry-run': { type: 'boolean', describe: 'print the changes as a diff; write nothing' },
      print: {
        type: 'string',
        choices: ['husky', 'lint-staged', 'lefthook', 'pre-commit', 'plain'],
        describe: 'print the lines to add to this set-up by hand; install nothing',
      },
    },
  },
  uninstall: {
    usage: 'uninstall',
    describe: 'remove what keyward install added and restore every file it touched',
    options: {
      'dry-run': { type: 'boolean', describe: 'print the changes as a diff; write nothing' },
    },
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof TABLE;

/** Every command with the common options added after its own. */
export const COMMANDS = Object.fromEntries(
  Object.entries(TABLE).map(([name, spec]): [string, CommandSpec] => [
    name,
    { ...spec, options: { ...spec.options, ...common } },
  ]),
) as Record<CommandName, CommandSpec>;
