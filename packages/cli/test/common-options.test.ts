import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '@keyward/cli';
import { createRepo, fakeKey, GIT_ENV, runCli, tempDir, type TempRepo } from '@keyward/test-utils';
import { parseFast } from '../src/parse-fast.js';
import { parseYargs } from '../src/parse-yargs.js';
import type { CommandName } from '../src/options.js';

/**
 * DESIGN §1: every command takes --color/--no-color and --quiet, and they take effect; a mistake in argv
 * is one line that names what the command takes (exit 2).
 */
const KEY = fakeKey('openai-project', 771);
const ESC = '\x1b';
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`);
const COMMANDS: CommandName[] = [
  'scan',
  'agents',
  'fleet',
  'verify',
  'merge',
  'remediate',
  'baseline',
  'rules',
  'install',
  'uninstall',
];
const LIST = 'scan, agents, fleet, verify, merge, remediate, baseline, rules, install, uninstall';

let repo: TempRepo;
let outside: string;
const report = () => join(outside, 'report.json');
const cli = (argv: string[], env: Record<string, string> = {}) =>
  runCli(argv, { cwd: repo.dir, env: { ...GIT_ENV, ...env } });

/** A repository with one key in its working tree, and a --reveal JSON report of it kept outside. */
beforeAll(async () => {
  outside = tempDir();
  repo = createRepo();
  repo.commit('key', { 'src/config.ts': `export const key = "${KEY}";\n` });
  const scan = await cli(['scan', '--format', 'json', '--reveal', '--output', report()]);
  expect(scan.code).toBe(1);
  // An agent project with the key in its MCP config, and a fleet list naming the repository.
  mkdirSync(join(outside, 'project'));
  writeFileSync(
    join(outside, 'project', '.mcp.json'),
    JSON.stringify({ mcpServers: { a: { command: 'a', env: { OPENAI_API_KEY: KEY } } } }),
  );
  writeFileSync(join(outside, 'fleet.txt'), `${repo.dir}\n`);
});
afterAll(() => {
  repo?.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

interface Case {
  /** argv without the common options. */
  argv: () => string[];
  stdin?: string;
  exit: number;
  /** Where colour shows. */
  colored: 'stdout' | 'stderr' | 'both';
  /** A line --quiet leaves out of stderr. */
  summary: RegExp;
  /** Undoes what the command wrote, so each run starts alike. */
  after?: () => Promise<unknown>;
}

/** One run of each command that prints something worth colouring, and a line --quiet leaves out. */
const CASES: Record<CommandName, Case> = {
  scan: { argv: () => ['scan'], exit: 1, colored: 'both', summary: /1 secret found/ },
  agents: {
    argv: () => ['agents', join(outside, 'project')],
    exit: 1,
    colored: 'both',
    summary: /1 agent config: 1 secret found/,
  },
  fleet: {
    argv: () => ['fleet', join(outside, 'fleet.txt')],
    exit: 1,
    colored: 'both',
    summary: /1 secret found/,
  },
  verify: {
    // A line that is no known key shape: decided (unknown) without any network.
    argv: () => ['verify'],
    stdin: 'hello-this-is-not-a-key-1234567890\n',
    exit: 3,
    colored: 'stdout',
    summary: /1 key checked/,
  },
  merge: { argv: () => ['merge', report()], exit: 1, colored: 'both', summary: /1 secret found/ },
  remediate: {
    argv: () => ['remediate', '--from', report()],
    exit: 0,
    colored: 'stdout',
    summary: /no replacements file written/,
  },
  baseline: {
    argv: () => ['baseline', '--output', join(outside, 'baseline.json')],
    exit: 0,
    colored: 'stderr',
    summary: /baseline .* (re)?written: 1 entry in 1 file/,
  },
  rules: { argv: () => ['rules', 'list'], exit: 0, colored: 'stdout', summary: /rules on, \d+ off/ },
  install: {
    // keyward's pre-commit hook is in place (for uninstall): plan the pre-push one.
    argv: () => ['install', '--hook', 'pre-push', '--dry-run'],
    exit: 0,
    colored: 'both',
    summary: /pre-push: would create \.git\/hooks\/pre-push/,
  },
  uninstall: {
    argv: () => ['uninstall'],
    exit: 0,
    colored: 'stderr',
    summary: /deleted \.git\/hooks\/pre-commit/,
    after: async () => expect((await cli(['install', '-q'])).code).toBe(0),
  },
};

const plain = (text: string) => text.replace(new RegExp(ANSI.source, 'g'), '');
/** Output with its timings (`in 12 ms`, `(0.1 s)`) taken out: they differ from run to run. */
const timeless = (text: string) => text.replace(/\d+(\.\d+)? m?s\b/g, '');

describe('every command takes --color, --no-color and --quiet', () => {
  // uninstall needs something to undo: keyward's own hook, put back after each uninstall run.
  beforeAll(async () => expect((await cli(['install', '-q'])).code).toBe(0));
  afterAll(async () => expect((await cli(['uninstall', '-q'])).code).toBe(0));

  for (const command of COMMANDS) {
    const c = CASES[command];
    const go = async (extra: string[], env: Record<string, string> = {}) => {
      const r = await runCli([...c.argv(), ...extra], {
        cwd: repo.dir,
        env: { ...GIT_ENV, ...env },
        ...(c.stdin !== undefined ? { stdin: c.stdin } : {}),
      });
      await c.after?.();
      return r;
    };
    const expectColored = (r: { stdout: string; stderr: string }) => {
      if (c.colored !== 'stderr') expect(r.stdout).toMatch(ANSI);
      if (c.colored !== 'stdout') expect(r.stderr).toMatch(ANSI);
    };

    describe(command, () => {
      it('--color colours its output where there is no terminal; --no-color and the default do not', async () => {
        const none = await go([]);
        const colored = await go(['--color']);
        const off = await go(['--no-color']);
        for (const r of [none, colored, off]) expect(r.code).toBe(c.exit);
        expectColored(colored);
        for (const r of [none, off]) expect(`${r.stdout}${r.stderr}`).not.toMatch(ANSI);
        // The same text, colour aside (the summary's timing may differ between runs).
        expect(plain(colored.stdout)).toBe(off.stdout);
        expect(timeless(plain(colored.stderr))).toBe(timeless(off.stderr));
      });

      it('--no-color wins over FORCE_COLOR; NO_COLOR wins over --color', async () => {
        const forced = await go([], { FORCE_COLOR: '1' });
        expect(forced.code).toBe(c.exit);
        expectColored(forced);
        const refused = await go(['--no-color'], { FORCE_COLOR: '1' });
        expect(`${refused.stdout}${refused.stderr}`).not.toMatch(ANSI);
        const noColor = await go(['--color'], { NO_COLOR: '1' });
        expect(`${noColor.stdout}${noColor.stderr}`).not.toMatch(ANSI);
      });

      it('--quiet and -q leave out the summary line, and nothing else changes', async () => {
        const loud = await go([]);
        expect(loud.stderr).toMatch(c.summary);
        for (const flag of ['--quiet', '-q']) {
          const quiet = await go([flag]);
          expect(quiet.code).toBe(c.exit);
          expect(quiet.stderr).not.toMatch(c.summary);
          expect(quiet.stdout).toBe(loud.stdout);
        }
      });
    });
  }
});

describe('the options as each command applies them', () => {
  afterEach(async () => {
    await cli(['uninstall', '-q']);
  });

  /** run() with stdout and stderr as terminals. */
  async function onTerminal(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, {
      stdout: { write: (chunk: string | Uint8Array) => (stdout += String(chunk)), isTTY: true },
      stderr: { write: (chunk: string | Uint8Array) => (stderr += String(chunk)), isTTY: true },
      stdin: Readable.from([]),
      env: { ...process.env, ...GIT_ENV, NO_COLOR: undefined, FORCE_COLOR: undefined, CI: undefined },
      cwd: repo.dir,
    });
    return { code, stdout, stderr };
  }

  it('on a terminal, install colours its diff and status lines by default; --no-color turns that off', async () => {
    const colored = await onTerminal(['install', '--dry-run']);
    expect(colored.code).toBe(0);
    expect(colored.stdout).toContain(`${ESC}[32m+#!/bin/sh${ESC}[39m`); // an added line, green as in git
    expect(colored.stderr).toContain(`${ESC}[33mwould create${ESC}[39m .git/hooks/pre-commit`);
    const off = await onTerminal(['install', '--dry-run', '--no-color']);
    expect(off.code).toBe(0);
    expect(`${off.stdout}${off.stderr}`).not.toMatch(ANSI);
    expect(off.stdout).toBe(plain(colored.stdout));
    expect(existsSync(join(repo.dir, '.git/hooks/pre-commit'))).toBe(false); // a dry run writes nothing
  });

  it('install --quiet installs, printing no status line; uninstall --quiet removes it the same way', async () => {
    const installed = await cli(['install', '--quiet']);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toBe('');
    expect(installed.stderr).not.toMatch(/created|pre-commit:/);
    expect(existsSync(join(repo.dir, '.git/hooks/pre-commit'))).toBe(true);
    const removed = await cli(['uninstall', '-q']);
    expect(removed.code).toBe(0);
    expect(removed.stderr).not.toMatch(/deleted/);
    expect(existsSync(join(repo.dir, '.git/hooks/pre-commit'))).toBe(false);
  });

  it('rules list colours severities (critical bold red) and leaves the columns as they were', async () => {
    const colored = await cli(['rules', 'list', '--color']);
    const admin = (text: string) => text.split('\n').find((line) => line.startsWith('openai-admin-key '));
    expect(admin(colored.stdout)).toMatch(
      new RegExp(
        `^openai-admin-key +${ESC}\\[1m${ESC}\\[31mcritical${ESC}\\[39m${ESC}\\[22m  OpenAI admin API key$`,
      ),
    );
    const off = await cli(['rules', 'list', '--no-color']);
    expect(admin(off.stdout)).toMatch(/^openai-admin-key +critical {2}OpenAI admin API key$/);
  });

  it('--color does not reach a file: scan --output writes no colour codes', async () => {
    const file = join(outside, 'scan.txt');
    const r = await cli(['scan', '--color', '--output', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(ANSI); // the summary, on stderr, is coloured
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(KEY.slice(-4));
    expect(text).not.toMatch(ANSI);
  });
});

describe('both parsers read the common options the same way', () => {
  const io = {
    stdout: { write: () => true },
    stderr: { write: () => true },
    stdin: Readable.from([]),
    env: {},
    cwd: '/',
  };
  for (const command of COMMANDS) {
    it(`${command}: --color, --no-color, -q and --quiet, on the fast path and through yargs`, async () => {
      for (const [flags, color, quiet] of [
        [[], undefined, undefined],
        [['--color'], true, undefined],
        [['--no-color', '-q'], false, true],
        [['--quiet', '--color'], true, true],
      ] as const) {
        const argv = [
          command,
          ...(command === 'merge' ? ['report.json'] : command === 'fleet' ? ['repositories.txt'] : []),
          ...flags,
        ];
        const fast = parseFast(argv);
        expect(fast, `the fast path takes ${argv.join(' ')}`).toBeDefined();
        const slow = await parseYargs(argv, io);
        for (const parsed of [fast!, slow!]) {
          expect(parsed.command).toBe(command);
          expect(parsed.args.color).toBe(color);
          expect(parsed.args.quiet).toBe(quiet);
        }
      }
    });
  }
});

describe('mistakes in argv: one line, exit 2', () => {
  const expectOneLine = (r: { code: number; stdout: string; stderr: string }, line: string) => {
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`keyward: ${line}\n`);
  };

  it("an unknown option names the command's own options, for every command", async () => {
    const takes: Record<CommandName, string> = {
      agents:
        '--home, --format, --output, --reveal, --config, --verify, --blast-radius, --only-live, --results, ' +
        '--base-url, --fail-on, --exit-zero, --color, --no-color, --quiet',
      fleet:
        '--cache, --jobs, --shard, --require-complete, --store, --max-blob-size, --format, --output, --reveal, ' +
        '--config, --verify, --blast-radius, --only-live, --results, --base-url, --no-filters, --fail-on, ' +
        '--exit-zero, --color, --no-color, --quiet',
      scan:
        '--staged, --range, --since, --pre-push, --history, --shard, --all, --branch, --require-complete, --store, --max-blob-size, ' +
        '--stdin, --stdin-name, --format, --output, --reveal, --config, --baseline, --verify, ' +
        '--blast-radius, --only-live, --results, --base-url, --no-ignore, --no-filters, --jobs, --fail-on, ' +
        '--exit-zero, --color, --no-color, --quiet',
      verify:
        '--from, --format, --output, --reveal, --blast-radius, --only-live, --results, --base-url, ' +
        '--timeout, --color, --no-color, --quiet',
      merge: '--format, --output, --reveal, --fail-on, --exit-zero, --color, --no-color, --quiet',
      remediate: '--from, --output, --color, --no-color, --quiet',
      baseline:
        '--staged, --range, --since, --history, --stdin, --stdin-name, --max-blob-size, --config, ' +
        '--no-ignore, --output, --prune, --color, --no-color, --quiet',
      rules: '--config, --format, --color, --no-color, --quiet',
      install: '--hook, --manager, --dry-run, --print, --color, --no-color, --quiet',
      uninstall: '--dry-run, --color, --no-color, --quiet',
    };
    for (const command of COMMANDS)
      expectOneLine(
        await cli([command, '--bogus']),
        `${command}: unknown option --bogus (${command} takes: ${takes[command]})`,
      );
  });

  it('wherever the unknown option is, in whatever form', async () => {
    const install = '(install takes: --hook, --manager, --dry-run, --print, --color, --no-color, --quiet)';
    expectOneLine(
      await cli(['install', '--hook', 'pre-push', '--dry-run', '--bogus=1']),
      `install: unknown option --bogus ${install}`,
    );
    expectOneLine(await cli(['install', '-qx']), `install: unknown option -x ${install}`);
    expectOneLine(
      await cli(['install', '--dryrun']),
      `install: unknown option --dryrun; did you mean --dry-run? ${install}`,
    );
    expectOneLine(
      await cli(['uninstall', '--no-colour']),
      'uninstall: unknown option --no-colour; did you mean --no-color? (uninstall takes: --dry-run, --color, --no-color, --quiet)',
    );
    // --no- is for switches only; and options before the command are checked against it.
    expect((await cli(['scan', '--no-format'])).stderr).toMatch(
      /^keyward: scan: unknown option --no-format \(/,
    );
    expect((await cli(['--format', 'json', 'scan', '--bogus'])).stderr).toMatch(
      /^keyward: scan: unknown option --bogus \(scan takes: /,
    );
    // An option value that looks like an option is one to yargs too.
    expect((await cli(['merge', report(), '--output', '-x'])).stderr).toMatch(
      /^keyward: merge: unknown option -x \(merge takes: /,
    );
  });

  it('a typo in the command name lists the commands', async () => {
    expectOneLine(
      await cli(['instal', '--no-color']),
      `unknown command instal; did you mean install? (commands: ${LIST})`,
    );
    expectOneLine(await cli(['audit']), `unknown command audit (commands: ${LIST})`);
    expectOneLine(await cli(['--bogus']), `name a command before --bogus (commands: ${LIST})`);
  });

  it('an argument given to a command that takes none is refused, not ignored', async () => {
    expectOneLine(
      await cli(['install', 'pre-push']),
      'install: unexpected argument pre-push (install takes only options: --hook, --manager, --dry-run, --print, --color, --no-color, --quiet)',
    );
    expect(existsSync(join(repo.dir, '.git/hooks/pre-commit'))).toBe(false);
    expect((await cli(['remediate', '--from', report(), 'extra'])).stderr).toMatch(
      /^keyward: remediate: unexpected argument extra \(remediate takes only options: --from, --output, /,
    );
  });

  it('never echoes a long argument: it may be a key pasted in the wrong place', async () => {
    const r = await cli(['install', KEY]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(KEY.slice(8, 20));
    expect(r.stderr).toContain(`install: unexpected argument (an argument of ${KEY.length} characters)`);
    const typed = await cli([KEY]);
    expect(typed.code).toBe(2);
    expect(typed.stderr).not.toContain(KEY.slice(8, 20));
    const option = await cli(['scan', `--token=${KEY}`]);
    expect(option.stderr).toMatch(/^keyward: scan: unknown option --token \(/);
    expect(option.stderr).not.toContain(KEY.slice(8, 20));
  });

  it('--help still wins over a mistake', async () => {
    const r = await cli(['install', '--bogus', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--no-color');
    expect(r.stderr).toBe('');
  });
});

/** What a new user runs: the real bin (the bundle, as `npm install keyward` gives it). */
describe('the real keyward bin', () => {
  const BIN = fileURLToPath(new URL('../bin/keyward.js', import.meta.url));
  const env: NodeJS.ProcessEnv = { ...process.env, ...GIT_ENV };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const keyward = (...argv: string[]) =>
    spawnSync(process.execPath, [BIN, ...argv], { cwd: repo.dir, env, encoding: 'utf8' });
  afterEach(async () => {
    await cli(['uninstall', '-q']);
  });

  it('install, uninstall, baseline, rules and remediate take --no-color; an unknown option is one line, exit 2', () => {
    for (const argv of [
      ['install', '--no-color', '--dry-run'],
      ['baseline', '--no-color', '--output', join(outside, 'bin-baseline.json')],
      ['rules', '--no-color'],
      ['remediate', '--no-color', '--from', report()],
    ]) {
      const r = keyward(...argv);
      expect(r.status, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(ANSI);
    }
    const installed = keyward('install', '--no-color', '-q');
    expect(installed.status).toBe(0);
    expect(keyward('uninstall', '--no-color').stderr).toContain('deleted .git/hooks/pre-commit');
    const bogus = keyward('install', '--bogus');
    expect(bogus.status).toBe(2);
    expect(bogus.stderr).toBe(
      'keyward: install: unknown option --bogus (install takes: --hook, --manager, --dry-run, --print, --color, --no-color, --quiet)\n',
    );
  });
});
