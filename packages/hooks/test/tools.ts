import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENV } from './helpers.js';

/** The monorepo's own node_modules: the real husky, lint-staged and lefthook packages tests run. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = `${ROOT}node_modules/.bin`;
export const HUSKY = `${ROOT}node_modules/husky/bin.js`;

/** Runs a program in `cwd` with the test environment; returns stdout, stderr and status. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  options: { env?: Record<string, string | undefined>; input?: string } = {},
): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...ENV, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
  });
}

/** `npx husky` as its `prepare` script runs it: core.hooksPath = .husky/_ and the generated stubs. */
export function huskyInit(cwd: string): void {
  const result = run(process.execPath, [HUSKY], cwd);
  if (result.status !== 0 || !existsSync(`${cwd}/.husky/_/h`))
    throw new Error(`husky failed: ${result.stderr}`);
}
