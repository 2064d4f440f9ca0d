import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { createRepo, GIT_ENV, type TempRepo } from '@keyward/test-utils';
import {
  install,
  isProblem,
  uninstall,
  type HookName,
  type InstallResult,
  type Manager,
  type Problem,
  type UninstallResult,
} from '../src/index.js';

/**
 * The environment the installer sees in tests: pinned git identity, no user or system git config, and no
 * GIT_* variables of the test runner's own (run from a git hook, GIT_INDEX_FILE would point elsewhere).
 */
export const ENV: Record<string, string | undefined> = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_'))),
  ...GIT_ENV,
};

/** Every file that matters to a byte-exact comparison: the work tree, git's config and hooks, keyward's record. */
export function snapshot(repo: { dir: string }): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(repo.dir, path);
      if (rel === '.git/objects' || rel === '.git/logs' || rel === '.git/refs' || rel === '.git/index')
        continue;
      const stat = lstatSync(path);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isSymbolicLink()) files[rel] = `symlink ${readlinkSync(path)}`;
      else if (stat.isDirectory()) {
        files[`${rel}/`] = `dir ${mode}`;
        walk(path);
      } else files[rel] = `${mode} ${readFileSync(path).toString('base64')}`;
    }
  };
  walk(repo.dir);
  return files;
}

export function read(repo: TempRepo, path: string): string {
  return readFileSync(join(repo.dir, path), 'utf8');
}

export function modeOf(repo: TempRepo, path: string): number {
  return lstatSync(join(repo.dir, path)).mode & 0o777;
}

export function installOk(
  repo: { dir: string },
  hooks: HookName[] = ['pre-commit'],
  options: { manager?: Manager; dryRun?: boolean; cwd?: string } = {},
): InstallResult {
  const result = install({ cwd: options.cwd ?? repo.dir, hooks, env: ENV, ...options });
  if (isProblem(result)) throw new Error(`install failed: ${result.code} ${JSON.stringify(result.data)}`);
  return result;
}

export function installProblem(
  repo: { dir: string },
  hooks: HookName[] = ['pre-commit'],
  options: { manager?: Manager } = {},
): Problem {
  const result = install({ cwd: repo.dir, hooks, env: ENV, ...options });
  if (!isProblem(result))
    throw new Error(`install unexpectedly succeeded: ${JSON.stringify(result.outcomes)}`);
  return result;
}

export function uninstallOk(
  repo: { dir: string },
  options: { dryRun?: boolean; cwd?: string } = {},
): UninstallResult {
  const result = uninstall({ cwd: options.cwd ?? repo.dir, env: ENV, ...options });
  if (isProblem(result)) throw new Error(`uninstall failed: ${result.code} ${JSON.stringify(result.data)}`);
  return result;
}

/**
 * The core promise: install, check, install again (nothing changes), uninstall, and the repository's files
 * are exactly as before, bytes and modes, with no record or backup left behind.
 */
export function roundTrip(
  repo: TempRepo,
  hooks: HookName[],
  check: (result: InstallResult) => void,
  options: { manager?: Manager } = {},
): void {
  const before = snapshot(repo);
  const result = installOk(repo, hooks, options);
  expect(result.written).toBe(true);
  check(result);
  const installed = snapshot(repo);
  const again = installOk(repo, hooks, options);
  expect(again.written).toBe(false);
  expect(again.outcomes.map((o) => o.status)).toEqual(hooks.map(() => 'already'));
  expect(snapshot(repo)).toEqual(installed);
  const removed = uninstallOk(repo);
  expect(removed.problems).toEqual([]);
  expect(snapshot(repo)).toEqual(before);
}

export function newRepo(): TempRepo {
  return createRepo();
}
