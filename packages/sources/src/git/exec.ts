import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { SourceError } from '../errors.js';
import type { MakeFifo } from './fifos.js';
import { launchDirect, type LaunchedProcess } from './launch-direct.js';
import { helperAvailable, launchThroughHelper, mkfifoCommand, runThroughHelper } from './spawn-helper.js';

/** Where and how git runs. `env` defaults to the process environment (a hook's GIT_DIR/GIT_INDEX_FILE kept). */
export interface GitContext {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Start git through a small helper process (spawn-helper.ts) rather than by forking this one: for
   * callers that start many git processes from a large process (history audits, fleets).
   */
  viaHelper?: boolean;
}

/**
 * The environment every git child gets: the caller's (so a hook's GIT_INDEX_FILE and GIT_DIR still apply),
 * plus: English messages (errors are recognised by text), no optional locks (never touch the index),
 * no prompts, and no lazy fetches from a partial clone's promisor (a scan must not reach the network).
 */
export function gitEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return {
    ...(env ?? process.env),
    LC_ALL: 'C',
    LANGUAGE: 'C',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_TERMINAL_PROMPT: '0',
    GIT_NO_LAZY_FETCH: '1',
  };
}

/** Options that make git's output independent of the user's config where it matters to parsing. */
export const NEUTRAL_CONFIG = [
  '-c',
  'core.quotePath=false',
  '-c',
  'log.showSignature=false',
  '-c',
  'color.ui=false',
];

export type GitChild = ChildProcessByStdio<Writable, Readable, Readable>;

/** Starts git with piped stdio. The caller owns the child; `gitFailure` turns its exit into an error. */
export function spawnGit(args: string[], context: GitContext): GitChild {
  return spawn('git', [...NEUTRAL_CONFIG, ...args], {
    cwd: context.cwd,
    env: gitEnv(context.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

/** What a caller of `startGit` holds of git: its output, and a way to stop it. */
export interface GitProcess {
  readonly stdout: Readable;
  kill(): void;
}

/** A git child started by `startGit`. */
export interface StartedGit {
  child: GitProcess;
  /** Its exit code (rejects only when git could not be started). */
  exited: Promise<number>;
  /** Waits for git to exit; throws a SourceError unless it exited 0. */
  finished(): Promise<void>;
}

/**
 * Starts git with `input` on stdin (closed at once when there is none), keeping the start of its stderr
 * for the error a failed exit becomes: for commands whose output is read as a stream. `niceness` lowers
 * git's priority (os.setPriority: 0 normal, 19 lowest), where this process may.
 */
export function startGit(
  args: string[],
  context: GitContext,
  input = '',
  options: { niceness?: number } = {},
): StartedGit {
  const git = launchGit(args, context, input, options.niceness);
  let stderr = '';
  git.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  const exited = git.closed.catch((error: Error & { code?: string }) => {
    throw spawnFailure(error, args, context);
  });
  // Awaited once the output is read; until then a failure to start must not count as unhandled.
  exited.catch(() => {});
  const finished = async () => {
    const code = await exited;
    if (code !== 0) throw gitFailure(args, context, stderr, code);
  };
  return { child: git, exited, finished };
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/**
 * Runs git to completion and returns its output. A non-zero exit throws a SourceError unless `allowFail`
 * (then the caller reads `code`). `input` is written to stdin; otherwise stdin is closed at once, so git
 * never reads a hook's stdin.
 */
export async function runGit(
  args: string[],
  context: GitContext,
  options: { allowFail?: boolean; input?: string } = {},
): Promise<GitResult> {
  const git = launchGit(args, context, options.input ?? '');
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  git.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  git.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  let code: number;
  try {
    code = await git.closed;
  } catch (error) {
    throw spawnFailure(error as Error & { code?: string }, args, context);
  }
  const stderr = Buffer.concat(err).toString('utf8');
  if (code !== 0 && !options.allowFail) throw gitFailure(args, context, stderr, code);
  return { stdout: Buffer.concat(out), stderr, code };
}

/** git started through the helper when the context asks for it and can, else forked from this process. */
function launchGit(args: string[], context: GitContext, input: string, niceness?: number): LaunchedProcess {
  const command = ['git', ...NEUTRAL_CONFIG, ...args];
  const options = { cwd: context.cwd, env: gitEnv(context.env), input };
  const how = niceness === undefined ? options : { ...options, niceness };
  return context.viaHelper && helperAvailable()
    ? launchThroughHelper(command, how)
    : launchDirect(command, how);
}

/**
 * How `makeFifos` should start `mkfifo` for this context: through the helper when git goes through it
 * (undefined: from this process).
 */
export function fifoMaker(context: GitContext): MakeFifo | undefined {
  if (!context.viaHelper || !helperAvailable()) return undefined;
  const options = { cwd: context.cwd, env: gitEnv(context.env) };
  return async (paths) => {
    const command = mkfifoCommand(paths);
    return (await runThroughHelper(command, options).catch(() => 1)) === 0;
  };
}

/** Text output of a successful git command, trailing newline removed. */
export async function gitText(args: string[], context: GitContext): Promise<string> {
  return (await runGit(args, context)).stdout.toString('utf8').replace(/\n$/, '');
}

/** The error for a git process that could not start. */
export function spawnFailure(
  error: Error & { code?: string },
  args: string[],
  context: GitContext,
): SourceError {
  if (error.code === 'ENOENT') {
    // Node says ENOENT for a missing cwd too; tell the two apart.
    if (!existsSync(context.cwd)) return new SourceError('E_NOT_A_REPO', { path: context.cwd });
    return new SourceError('E_GIT_MISSING', {});
  }
  return new SourceError('E_GIT_FAILED', { command: commandName(args), reason: error.message });
}

/** The error for a git process that exited non-zero, recognised from its (English) message. */
export function gitFailure(args: string[], context: GitContext, stderr: string, code: number): SourceError {
  if (/not a git repository/i.test(stderr)) return new SourceError('E_NOT_A_REPO', { path: context.cwd });
  const reason = firstMeaningfulLine(stderr) ?? `exit code ${code}`;
  return new SourceError('E_GIT_FAILED', { command: commandName(args), reason });
}

/** git's own words, first line, without the `fatal: ` prefix; long lines shortened. */
export function firstMeaningfulLine(stderr: string): string | undefined {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (line === undefined) return undefined;
  const text = line.replace(/^(fatal|error): /, '');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function commandName(args: string[]): string {
  return args.find((a) => !a.startsWith('-')) ?? 'git';
}
