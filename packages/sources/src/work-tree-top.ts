import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder holding `.git` (a folder, or a file in worktrees and submodules) at or above `start`. */
export function workTreeTop(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
