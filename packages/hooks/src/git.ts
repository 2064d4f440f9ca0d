import { spawnSync } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { problem, type Problem } from './types.js';

export type Env = Record<string, string | undefined>;

/** Where things are in the repository keyward is installed into. All paths absolute. */
export interface RepoContext {
  /** Root of the work tree the command runs in (a linked worktree has its own). */
  top: string;
  /** The common git directory (shared by linked worktrees): keyward keeps its install record there. */
  commonDir: string;
  /** The folder git runs hooks from: `git rev-parse --git-path hooks` (honours core.hooksPath, worktrees). */
  hooksDir: string;
  /** core.hooksPath as configured (undefined when unset). */
  hooksPath: string | undefined;
  /** Where core.hooksPath comes from (`local`, `worktree`, `global`, `system`, `command`), when set. */
  hooksPathScope: string | undefined;
  env: Env;
}

export type GitRun = { ok: true; stdout: string } | { ok: false; problem: Problem; status: number | null };

/** Runs git; a missing git or a failing command is a returned problem, never a throw. */
export function git(args: string[], cwd: string, env: Env): GitRun {
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, status: null, problem: problem('git-missing') };
    return {
      ok: false,
      status: null,
      problem: problem('git-failed', { command: args[0] ?? '', reason: String(code) }),
    };
  }
  if (result.status !== 0) {
    const reason = firstLine(result.stderr) || `exit ${result.status}`;
    return {
      ok: false,
      status: result.status,
      problem: problem('git-failed', { command: args.join(' '), reason }),
    };
  }
  return { ok: true, stdout: result.stdout };
}

/** Finds the repository around `cwd`. Relative answers from git are resolved against the work tree root. */
export function repoContext(cwd: string, env: Env): RepoContext | Problem {
  const bare = git(['rev-parse', '--is-bare-repository'], cwd, env);
  if (!bare.ok)
    return bare.problem.code === 'git-missing' ? bare.problem : problem('not-a-repo', { path: cwd });
  if (bare.stdout.trim() === 'true') return problem('bare-repo', { path: cwd });
  const topRun = git(['rev-parse', '--show-toplevel'], cwd, env);
  if (!topRun.ok) return problem('not-a-repo', { path: cwd });
  const top = topRun.stdout.trim();
  // Run from the top so relative answers (core.hooksPath is relative to the work tree root) resolve there.
  const paths = git(['rev-parse', '--git-common-dir', '--git-path', 'hooks'], top, env);
  if (!paths.ok) return paths.problem;
  const [commonDir = '.git', hooksDir = '.git/hooks'] = paths.stdout.split('\n');
  const hooksPathRun = git(['config', '--show-scope', '--get', 'core.hooksPath'], top, env);
  const [scope, ...value] = hooksPathRun.ok ? hooksPathRun.stdout.trim().split('\t') : [];
  return {
    top,
    commonDir: absolute(top, commonDir),
    hooksDir: absolute(top, hooksDir),
    hooksPath: value.length > 0 ? value.join('\t') : undefined,
    hooksPathScope: value.length > 0 ? scope : undefined,
    env,
  };
}

function absolute(base: string, path: string): string {
  return isAbsolute(path) ? resolve(path) : resolve(base, path);
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim();
}
