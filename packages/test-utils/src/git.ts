import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Real git repositories built at test time: pinned author, dates and branch, no user or system config,
 * so results are the same on every machine. No `.git` folder is ever committed to keyward itself.
 */
export const GIT_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Ada Tester',
  GIT_AUTHOR_EMAIL: 'ada@example.test',
  GIT_COMMITTER_NAME: 'Ada Tester',
  GIT_COMMITTER_EMAIL: 'ada@example.test',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_TERMINAL_PROMPT: '0',
};

export interface TempRepo {
  dir: string;
  /** Runs git in the repo and returns its stdout (trimmed). */
  git(...args: string[]): string;
  /** Writes files (path → content) relative to the repo root, creating folders. */
  write(files: Record<string, string | Uint8Array>): void;
  /** Writes files, stages them and commits; returns the new commit's sha. `date` pins both dates. */
  commit(message: string, files?: Record<string, string | Uint8Array>, date?: string): string;
  /** Merges `branch` into the current branch with a merge commit (`--no-ff`); returns its sha. */
  merge(branch: string, message: string, date?: string): string;
  cleanup(): void;
}

export function tempDir(prefix = 'keyward-test-'): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

export function createRepo(options: { bare?: boolean; branch?: string; dir?: string } = {}): TempRepo {
  const dir = options.dir ?? tempDir();
  const env = { ...process.env, ...GIT_ENV };
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trimEnd();
  git('init', '-q', `--initial-branch=${options.branch ?? 'main'}`, ...(options.bare ? ['--bare'] : []));
  git('config', 'commit.gpgSign', 'false');
  git('config', 'gc.auto', '0');
  const write = (files: Record<string, string | Uint8Array>) => {
    for (const [path, content] of Object.entries(files)) {
      const full = join(dir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  };
  let tick = 0;
  /** Runs a git command that makes a commit, dated `date` or a minute after the last: stable, ordered dates. */
  const dated = (args: string[], date?: string) => {
    const when = date ?? new Date(Date.UTC(2026, 0, 1, 0, tick++)).toISOString();
    execFileSync('git', args, {
      cwd: dir,
      env: { ...env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return git('rev-parse', 'HEAD');
  };
  const commit = (message: string, files: Record<string, string | Uint8Array> = {}, date?: string) => {
    write(files);
    if (Object.keys(files).length > 0) git('add', '--', ...Object.keys(files));
    return dated(['commit', '-q', '--allow-empty', '-m', message], date);
  };
  const merge = (branch: string, message: string, date?: string) =>
    dated(['merge', '-q', '--no-ff', branch, '-m', message], date);
  return { dir, git, write, commit, merge, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * What a test made (repositories, folders, pipes) and must remove after it, latest first: a test file
 * keeps one, calls `repo()`, `track()` or `add()` during a test, and `clear()` after each one.
 */
export class Scratch {
  private readonly pending: Array<() => unknown> = [];

  /** A new repository (createRepo), removed after the test. */
  repo(options?: Parameters<typeof createRepo>[0]): TempRepo {
    return this.track(createRepo(options));
  }

  /** A repository made elsewhere, removed after the test. */
  track(repo: TempRepo): TempRepo {
    this.pending.push(repo.cleanup);
    return repo;
  }

  add(cleanup: () => unknown): void {
    this.pending.push(cleanup);
  }

  async clear(): Promise<void> {
    for (const cleanup of this.pending.splice(0).reverse()) await cleanup();
  }
}
