import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { createRepo, fakeKey, GIT_ENV, type TempRepo } from '@keyward/test-utils';
import { BIN } from './tools.js';

/**
 * End-to-end helpers: real git commits and pushes through the hooks keyward installs, with the built CLI
 * on PATH (a `keyward` shim running packages/cli/bin/keyward.js; `pnpm build` must have run, as it does
 * before the tests in `pnpm run check`).
 */
export const CLI = fileURLToPath(new URL('../../cli/bin/keyward.js', import.meta.url));

/** A folder holding only the `keyward` shim, so PATH decides whether keyward can be found. */
export const SHIM_DIR = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-shim-'));
  writeFileSync(join(dir, 'keyward'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, {
    mode: 0o755,
  });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
})();

const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

/** The environment hooks run in: keyward and the real husky, lint-staged and lefthook on PATH. */
export function hookEnv(extra: Record<string, string> = {}, withKeyward = true): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing from the test runner's own git or hook context may leak into the repositories under test.
    if (
      value !== undefined &&
      !key.startsWith('GIT_') &&
      !key.startsWith('KEYWARD') &&
      !key.startsWith('PRE_COMMIT')
    ) {
      env[key] = value;
    }
  }
  return {
    ...env,
    ...GIT_ENV,
    PATH: `${withKeyward ? `${SHIM_DIR}:` : ''}${BIN}:${SYSTEM_PATH}`,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...extra,
  };
}

export interface Ran {
  status: number | null;
  out: string;
}

/** Runs a command in the repository with the hook environment; `out` is stdout and stderr together. */
export function sh(
  repo: { dir: string },
  command: string,
  args: string[],
  env: Record<string, string> = hookEnv(),
): Ran {
  const result = spawnSync(command, args, { cwd: repo.dir, env, encoding: 'utf8', input: '' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

export function git(repo: { dir: string }, args: string[], env?: Record<string, string>): Ran {
  return sh(repo, 'git', args, env);
}

/** A key the rules know, built at test time (never committed as a literal). */
export const KEY = fakeKey('openai-project', 4242);

/** Asserts that a hook run refused because of a key, and that the key never reached the output in full. */
export function expectRefused(ran: Ran): void {
  expect(ran.status, ran.out).not.toBe(0);
  expect(ran.out).toContain('refused');
  expect(ran.out).not.toContain(KEY);
}

export function expectAccepted(ran: Ran): void {
  expect(ran.status, ran.out).toBe(0);
}

/** Whether the built CLI's staged scan works: exit 1 on a staged key and 0 on a clean file. */
export function stagedScanWorks(): boolean {
  if (!existsSync(CLI)) return false;
  const repo = createRepo();
  try {
    repo.write({ 'clean.txt': 'hello\n' });
    repo.git('add', 'clean.txt');
    const clean = sh(repo, 'keyward', ['scan', '--staged']);
    repo.write({ 'config.env': `OPENAI_API_KEY=${KEY}\n` });
    repo.git('add', 'config.env');
    const dirty = sh(repo, 'keyward', ['scan', '--staged']);
    return clean.status === 0 && dirty.status === 1;
  } finally {
    repo.cleanup();
  }
}

/** Whether `keyward scan --pre-push` reads git's pre-push lines: 1 for a new branch holding a key, 0 for a deletion. */
export function prePushScanWorks(): boolean {
  if (!existsSync(CLI)) return false;
  const repo = createRepo();
  try {
    const sha = repo.commit('key', { 'config.env': `OPENAI_API_KEY=${KEY}\n` });
    const zero = '0'.repeat(40);
    const scan = (input: string) =>
      spawnSync('keyward', ['scan', '--pre-push', 'origin'], { cwd: repo.dir, env: hookEnv(), input }).status;
    return (
      scan(`refs/heads/main ${sha} refs/heads/main ${zero}\n`) === 1 &&
      scan(`(delete) ${zero} refs/heads/old ${sha}\n`) === 0
    );
  } finally {
    repo.cleanup();
  }
}

export const STAGED_SCAN = stagedScanWorks();
export const PRE_PUSH_SCAN = prePushScanWorks();
export const SKIP_REASON =
  'the built CLI cannot scan staged changes yet (run `pnpm build`; `keyward scan --staged` must exit 1 on a key)';

/** A repository for hooks to run in, plus a log file (outside it) that the user's own tasks append to. */
export function e2eRepo(): TempRepo & { log: string } {
  const repo = createRepo();
  return Object.assign(repo, { log: `${repo.dir}.tasks.log` });
}

export function cleanupRepo(repo: TempRepo & { log: string }): void {
  repo.cleanup();
  rmSync(repo.log, { force: true });
}

/** The lines the user's tasks logged. */
export function logged(repo: { log: string }): string[] {
  return existsSync(repo.log) ? readFileSync(repo.log, 'utf8').split('\n').filter(Boolean) : [];
}

/** Writes, stages and commits files through the hooks (with keyward on PATH); the commit must succeed. */
export function commitFiles(repo: TempRepo, message: string, files: Record<string, string>): void {
  repo.write(files);
  repo.git('add', '--', ...Object.keys(files));
  const ran = git(repo, ['commit', '-q', '-m', message]);
  expect(ran.status, ran.out).toBe(0);
}
