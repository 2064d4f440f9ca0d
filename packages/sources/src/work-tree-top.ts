import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

/** The folder holding `.git` (a folder, or a file in worktrees and submodules) at or above `start`. */
export function workTreeTop(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** `file`'s path from folder `top`, `/`-separated, when it lies beneath it (else undefined). */
export function pathFrom(top: string, file: string): string | undefined {
  const rel = relative(top, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return sep === '/' ? rel : rel.split(sep).join('/');
}
