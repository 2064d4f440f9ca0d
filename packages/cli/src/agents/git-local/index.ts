import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { GitState } from '../git-state.js';
import { readGitSettings } from './git-config.js';
import { headTree } from './head-tree.js';
import { readIndex } from './index-file.js';
import { isIgnored } from './ignored.js';

/**
 * git's view of each file (repository-relative POSIX path → state) read from the repository's files,
 * without starting git (~10-20 ms a process): the index says whether git holds a file; its cache tree,
 * valid and equal to HEAD's tree, says the index holds nothing staged (the state after a commit, clone,
 * checkout or pull); the ignore rules say whether git would add the others. Undefined whenever any of it
 * cannot be told here (something staged, a conflict, a linked worktree, a configuration it does not
 * follow…): the caller then asks git, whose answer is the reference (tests compare the two).
 */
export function localGitStates(
  paths: readonly string[],
  root: string,
  env: Record<string, string | undefined>,
): Map<string, GitState> | undefined {
  const gitDir = join(root, '.git');
  try {
    if (!statSync(gitDir).isDirectory()) return undefined; // a worktree's or submodule's `.git` file
  } catch {
    return undefined;
  }
  const settings = readGitSettings(gitDir, env);
  if ('unsupported' in settings) return undefined;
  const index = readIndex(gitDir);
  if ('unsupported' in index) return undefined;
  const states = new Map<string, GitState>();
  let tracked: GitState | undefined;
  for (const path of paths) {
    if (index.paths.has(path)) {
      tracked ??= indexAgainstHead(gitDir, index.cachedRoot);
      if (tracked === undefined) return undefined;
      states.set(path, tracked);
      continue;
    }
    const ignored = isIgnored(root, gitDir, settings.excludesFile, path);
    if (ignored === undefined) return undefined;
    states.set(path, ignored ? 'ignored' : 'untracked');
  }
  return states;
}

/** The state of every file the index holds, when one state fits all: no commit yet, or nothing staged. */
function indexAgainstHead(gitDir: string, cachedRoot: string | undefined): GitState | undefined {
  const head = headTree(gitDir);
  if (head === null) return 'staged'; // no commit yet: all the index holds is staged
  return head !== undefined && cachedRoot === head ? 'tracked' : undefined;
}
