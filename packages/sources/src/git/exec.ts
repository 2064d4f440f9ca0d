import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { SourceError } from '../errors.js';

/** Where and how git runs. `env` defaults to the process environment (a hook's GIT_DIR/GIT_INDEX_FILE kept). */
export interface GitContext {
  cwd: string;
  env?: NodeJS.ProcessEnv;
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

/** A git child started by `startGit`. */
export interface StartedGit {
  child: GitChild;
  /** Its exit code (rejects only when git could not be started). */
  exited: Promise<number>;
  /** Waits for git to exit; throws a SourceError unless it exited 0. */
  finished(): Promise<void>;
}

/**
 * Starts git with `input` on stdin (closed at once when there is none), keeping the start of its stderr
 * for the error a failed exit becomes: for commands whose output is read as a stream.
 */
export function startGit(args: string[], context: GitContext, input = ''): StartedGit {
  const child = spawnGit(args, context);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  child.stdin.on('error', () => {}); // git may exit before reading all of its input
  child.stdin.end(input);
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (error) => reject(spawnFailure(error, args, context)));
    child.on('close', (code) => resolve(code ?? 1));
  });
  // Awaited once the output is read; until then a failure to start must not count as unhandled.
  exited.catch(() => {});
  const finished = async () => {
    const code = await exited;
    if (code !== 0) throw gitFailure(args, context, stderr, code);
  };
  return { child, exited, finished };
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
export function runGit(
  args: string[],
  context: GitContext,
  options: { allowFail?: boolean; input?: string } = {},
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(args, context);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => {}); // git may exit before reading all of its input
    child.on('error', (error) => reject(spawnFailure(error, args, context)));
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      const result = { stdout: Buffer.concat(out), stderr, code: code ?? 1 };
      if (result.code !== 0 && !options.allowFail) reject(gitFailure(args, context, stderr, result.code));
      else resolve(result);
    });
    child.stdin.end(options.input ?? '');
  });
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
