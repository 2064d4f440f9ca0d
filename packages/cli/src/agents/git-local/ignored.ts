import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IgnoreStack } from '@keyward/sources';

/**
 * Whether git ignores a file the index does not hold, as git decides it walking down to it: the global
 * excludes file, then `.git/info/exclude`, then each folder's `.gitignore` from the top, deeper rules
 * overriding shallower ones, and a folder that is ignored ignoring everything in it (nothing below can
 * re-include a file). Undefined when a folder on the way holds another repository (git's view differs).
 */
export function isIgnored(
  root: string,
  gitDir: string,
  excludesFile: string | undefined,
  path: string,
): boolean | undefined {
  const rules = new IgnoreStack();
  if (excludesFile !== undefined) rules.addFile(root, excludesFile);
  rules.addFile(root, join(gitDir, 'info', 'exclude'));
  const parts = path.split('/');
  let dir = root;
  for (const [i, part] of parts.entries()) {
    rules.addFile(dir, join(dir, '.gitignore'));
    const next = join(dir, part);
    if (i === parts.length - 1) return rules.ignores(next, false);
    if (rules.ignores(next, true)) return true;
    if (existsSync(join(next, '.git'))) return undefined;
    dir = next;
  }
  return undefined;
}
