import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { makePipeFolder, type PipeFolder } from './fifos.js';
import { HelperChild, NO_DIRECTORY, NO_PIPE, RawChild, type RawLaunched } from './helper-children.js';
import { launchDirect, type LaunchedProcess } from './launch-direct.js';
import { findOnPath } from './on-path.js';

export type { RawLaunched } from './helper-children.js';
export type { LaunchedProcess } from './launch-direct.js';

/**
 * Starts commands from a small `/bin/sh` instead of from this process.
 *
 * Why: Node forks the whole process to start a child. After a fork every page this process writes faults
 * once (copy-on-write is set up even though the child execs at once), and on the VMs measured here a
 * fault costs 11-14 µs. A 150 MB audit that starts a git process then pays ~2,000 faults (~30 ms of CPU,
 * spread over every thread) for it, besides the fork itself (4-8 ms); a fleet starts ~120 of them. The
 * shell is a few hundred KB: its forks cost nothing worth measuring.
 *
 * Protocol: the shell reads its script from stdin (`sh -s`), one command after another, each started in
 * the background; every word is single-quoted (a newline inside a word stays in it). The command's output
 * comes through a named pipe in a private folder (made PIPE_BATCH at a time: one `mkfifo` a command cost
 * more CPU than the shell), its stdin from a file (the whole input is known at start), its stderr into a
 * file read at exit. The helper reports on its own stdout, one line each: `f N` (the pipe is there: open
 * it), `o N` (the command's files are open), `p N <pid>`, and `x N <status>`.
 */
const PIPE_BATCH = 32;

/** A word for the shell, as it is: single-quoted (a quote inside as '\\''; a newline stays in it). */
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * The shell words that start `words` in `cwd` in the background with the given files, and report it as
 * request `id` (`o`, `p`, `x`; fd 3 is the helper's stdout until the command starts).
 */
function startWords(
  id: number,
  words: string,
  cwd: string,
  files: { input: string | undefined; output: string; errors: string },
  extraEnv: Record<string, string> = {},
): string {
  const input = files.input ? quote(files.input) : '/dev/null';
  const exports = Object.entries(extraEnv)
    .map(([name, value]) => `export ${name}=${quote(value)}; `)
    .join('');
  return (
    `{ ( cd ${quote(cwd)} 2>/dev/null || exit ${NO_DIRECTORY}; ${exports}` +
    `exec <${input} >${quote(files.output)} 2>${quote(files.errors)}; ` +
    `echo "o ${id}" >&3; exec 3>&-; exec ${words} ) 3>&1 & ` +
    `p=$!; echo "p ${id} $p"; wait $p; echo "x ${id} $?"; } &`
  );
}

/** One `/bin/sh` that starts commands with one environment. */
class SpawnHelper {
  private readonly shell: ChildProcess;
  /** The private folder of the commands running now: made on demand, removed when none runs. */
  private folder: Promise<PipeFolder | undefined> | undefined;
  /** The folder, once made. */
  private made: PipeFolder | undefined;
  private readonly pending = new Map<number, HelperChild | RawChild>();
  private next = 0;
  /** Named pipes made in the folder and not yet given to a command. */
  private pipes: string[] = [];
  private pipeSerial = 0;
  private partial = '';
  stopped: Error | undefined;
  /** Closed (another took its place): ends once the commands it has are done. */
  private closing = false;

  /** A pipe could not be made in the temp directory: commands start directly from now on. */
  private noPipes = false;

  constructor(private readonly env: NodeJS.ProcessEnv) {
    this.shell = spawn(SHELL, ['-s'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    this.shell.stdin!.on('error', () => {});
    this.shell.stdout!.on('data', (chunk: Buffer) => this.onReport(chunk));
    const stop = (why: string) => {
      this.stopped ??= new Error(why);
      for (const child of this.pending.values()) child.failed(this.stopped);
      this.pending.clear();
      this.idle();
    };
    this.shell.on('error', (error) => stop(`the spawn helper did not start: ${error.message}`));
    // 'close': the shell has exited and so has every command it started (they hold its stdout).
    this.shell.on('close', () => stop('the spawn helper stopped'));
    this.idle();
  }

  launch(command: readonly string[], cwd: string, input: string, niceness?: number): LaunchedProcess {
    const id = this.next++;
    const direct = () =>
      launchDirect(command, { cwd, env: this.env, input, ...(niceness === undefined ? {} : { niceness }) });
    const child = new HelperChild({ input: undefined, output: '', errors: '' }, niceness, direct);
    if (this.stopped || this.noPipes) {
      child.runDirect();
      return child;
    }
    this.pending.set(id, child);
    this.busy();
    const making = (this.folder ??= makePipeFolder());
    void making.then((folder) => {
      if (!folder) return this.finish(id, () => child.runDirect());
      if (this.folder === making) this.made = folder;
      if (!this.pending.has(id)) return; // failed meanwhile
      // The shell runs each line in order, so pipes made by an earlier line are there for later ones.
      let makePipes = '';
      if (this.pipes.length === 0) {
        const batch = Array.from({ length: PIPE_BATCH }, () => join(folder.dir, `o-${this.pipeSerial++}`));
        makePipes = `${mkfifoCommand(batch).map(quote).join(' ')}; `;
        this.pipes = batch;
      }
      const files = {
        input: input === '' ? undefined : join(folder.dir, `i-${id}`),
        output: this.pipes.shift()!,
        errors: join(folder.dir, `e-${id}`),
      };
      Object.assign(child.files, files);
      if (files.input) writeFileSync(files.input, input, { mode: 0o600 });
      const out = quote(files.output);
      // `[ -p ]`: were the pipe not made, the redirection would make a plain file of that name.
      const line =
        `${makePipes}if [ -p ${out} ]; then echo "f ${id}"; ` +
        `${startWords(id, command.map(quote).join(' '), cwd, files)} ` +
        `else echo "x ${id} ${NO_PIPE}"; fi\n`;
      this.shell.stdin!.write(line);
    });
    return child;
  }

  /** Starts `command` with files of the caller's (`output`: a named pipe it has open). */
  launchRaw(
    command: readonly string[],
    cwd: string,
    files: { input: string | undefined; output: string; errors: string },
    extraEnv: Record<string, string>,
  ): RawLaunched {
    const id = this.next++;
    const child = new RawChild(files.errors);
    if (this.stopped) {
      child.failed(this.stopped);
      return child;
    }
    this.pending.set(id, child);
    this.busy();
    this.shell.stdin!.write(`${startWords(id, command.map(quote).join(' '), cwd, files, extraEnv)}\n`);
    return child;
  }

  private onReport(chunk: Buffer): void {
    const lines = (this.partial + chunk.toString('latin1')).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const [kind, idText, value] = line.split(' ');
      const id = Number(idText);
      const child = this.pending.get(id);
      if (!child) continue;
      try {
        if (kind === 'f') (child as HelperChild).opened();
        else if (kind === 'o') child.release();
        else if (kind === 'p') child.started(Number(value));
        else if (kind === 'x') {
          if (Number(value) === NO_PIPE) this.noPipes = true;
          this.finish(id, () => child.exited(Number(value)));
        }
      } catch (error) {
        this.finish(id, () => child.failed(error as Error));
      }
    }
  }

  /** Request `id` is done with the helper: `settle` ends it, and the helper idles if nothing else runs. */
  private finish(id: number, settle: () => void): void {
    this.pending.delete(id);
    settle();
    if (this.pending.size === 0) this.idle();
  }

  /**
   * While nothing runs through it, the helper does not keep this process alive, and its folder (empty:
   * each command's files go when it ends) is removed.
   */
  private idle(): void {
    if (this.closing) this.shell.stdin!.end();
    const { folder, made } = this;
    this.folder = this.made = undefined;
    this.pipes = [];
    if (made) made.removeNow();
    else void folder?.then((pending) => pending?.remove());
    this.shell.unref();
    (this.shell.stdout as Socket).unref();
    (this.shell.stdin as Socket).unref();
  }

  private busy(): void {
    this.shell.ref();
    (this.shell.stdout as Socket).ref();
  }

  /** Stops taking requests: the shell ends once the commands it started have. */
  close(): void {
    this.closing = true;
    if (this.pending.size === 0) this.shell.stdin!.end();
  }
}

/** Helpers by environment (most processes use one); the oldest is closed past MAX_HELPERS. */
const helpers = new Map<string, SpawnHelper>();
const MAX_HELPERS = 4;

/**
 * Starts `command` (an argv, looked up on the environment's PATH) in `cwd` through this thread's helper
 * for `env`, with `input` on its stdin.
 */
export function launchThroughHelper(
  command: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; input: string; niceness?: number },
): LaunchedProcess {
  return helperFor(options.env).launch(command, options.cwd, options.input, options.niceness);
}

/**
 * Starts `command` through the helper with the caller's own files: stdin from `input` (a file; none:
 * /dev/null), stdout into `output`, stderr into `errors`. For a caller that reads a named pipe itself.
 * `extraEnv` is exported in the command's shell, so commands that differ only there share one helper.
 */
export function launchRawThroughHelper(
  command: readonly string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    /** Variables for this command only (names of letters, digits and `_`), beside `env`. */
    extraEnv?: Record<string, string>;
    input?: string;
    output: string;
    errors: string;
  },
): RawLaunched {
  const { cwd, env, input, output, errors } = options;
  const extra = options.extraEnv ?? {};
  if (Object.keys(extra).some((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)))
    throw new Error('launchRawThroughHelper: a variable name the shell cannot export');
  return helperFor(env).launchRaw(command, cwd, { input, output, errors }, extra);
}

/** This thread's helper for `env`, started on first use. */
function helperFor(env: NodeJS.ProcessEnv): SpawnHelper {
  const key = JSON.stringify(env);
  let helper = helpers.get(key);
  if (helper?.stopped) {
    helpers.delete(key);
    helper = undefined;
  }
  if (!helper) {
    if (helpers.size >= MAX_HELPERS) {
      const [oldest, first] = helpers.entries().next().value!;
      first.close();
      helpers.delete(oldest);
    }
    helper = new SpawnHelper(env);
    helpers.set(key, helper);
  }
  return helper;
}

/** Runs `command` through the helper to its end (its output unread) and gives its exit status. */
export async function runThroughHelper(
  command: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<number> {
  const launched = launchThroughHelper(command, { ...options, input: '' });
  launched.stdout.resume();
  return launched.closed;
}

const SHELL = '/bin/sh';

/**
 * `mkfifo`, found on this process's PATH (not the child's: a caller may narrow that to what git needs);
 * undefined where there is none, or no /bin/sh (Windows): then git is started directly.
 */
function mkfifoPath(): string | undefined {
  if (process.platform === 'win32' || findOnPath('sh', '/bin') !== SHELL) return undefined;
  return findOnPath('mkfifo');
}

/** The command that makes named pipes at `paths` (mode 0600); the helper must be available. */
export function mkfifoCommand(paths: readonly string[]): string[] {
  return [mkfifoPath()!, '-m', '600', ...paths];
}

/** Whether this system has the shell and the `mkfifo` the helper needs. */
export function helperAvailable(): boolean {
  return mkfifoPath() !== undefined;
}
