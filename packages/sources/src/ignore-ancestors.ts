import { dirname, join } from 'node:path';
import { IGNORE_FILES, IgnoreStack } from './ignore-rules.js';
import { workTreeTop } from './work-tree-top.js';

/**
 * The ignore files that apply to a walk begun below the top of a git work tree: those of every folder from
 * the top down to `root`'s parent, and the top's `.git/info/exclude`, as a walk from the top would have met
 * them (ripgrep reads them too). So `keyward scan packages/api` skips the `.env` files a `*.env` at the top
 * ignores, as a scan from the top does. Undefined when there are none: `root` is the top, or is not inside a
 * work tree (outside one, as in ripgrep, no folder above the walk counts), or is itself ignored by them. A
 * folder named on the command line is scanned (a build output the top's `.gitignore` ignores, say), by its
 * own ignore files, as ripgrep does.
 */
export function ancestorIgnores(root: string): IgnoreStack | undefined {
  const folders = foldersBelowTop(root);
  if (folders === undefined || folders.length === 0) return undefined;
  const stack = new IgnoreStack();
  let added = 0;
  // As the walk enters a folder: its ignore files (absent ones add nothing), then at the top git's excludes.
  const present = new Set(IGNORE_FILES);
  for (const [i, folder] of folders.entries()) {
    added += stack.enter(folder, present);
    if (i === 0) added += stack.addFile(folder, join(folder, '.git', 'info', 'exclude'));
  }
  if (added === 0 || stack.ignores(root, true)) return undefined;
  return stack;
}

/**
 * The folders from the work tree's top down to `root`'s parent; [] when `root` is the top, undefined
 * outside a work tree.
 */
function foldersBelowTop(root: string): string[] | undefined {
  const top = workTreeTop(root);
  if (top === undefined) return undefined;
  const folders: string[] = [];
  for (let folder = root; folder !== top;) {
    folder = dirname(folder);
    folders.push(folder);
  }
  return folders.reverse();
}
