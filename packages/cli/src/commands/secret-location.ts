import { dirname } from 'node:path';
import type { Io } from '../io.js';
import { KeywardError } from '../errors.js';

/**
 * Refuses a path for a file of secrets inside a git work tree, unless git ignores it there: such a file
 * is one `git add .` away from being committed, which is how the keys leaked in the first place. Where
 * git is missing, or the folder is in no work tree, any path is fine.
 */
export async function checkOutsideWorkTree(file: string, io: Pick<Io, 'env'>): Promise<void> {
  const { runGit } = await import('@keyward/sources/git/exec');
  const context = { cwd: dirname(file), env: io.env as NodeJS.ProcessEnv };
  let top: string;
  try {
    const result = await runGit(['rev-parse', '--show-toplevel'], context, { allowFail: true });
    if (result.code !== 0) return;
    top = result.stdout.toString('utf8').trim();
  } catch {
    return; // git is missing or the folder does not exist (the write then says so)
  }
  if (top === '') return; // inside a .git folder, not a work tree
  const ignored = await runGit(['check-ignore', '-q', '--', file], context, { allowFail: true });
  if (ignored.code === 0) return;
  throw new KeywardError('E_REMEDIATE_IN_REPO', { file, root: top });
}
