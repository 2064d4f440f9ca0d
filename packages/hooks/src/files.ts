import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

/** Permission bits of a file, or undefined when it does not exist. */
export function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** The text of a file, or null when it does not exist. Read as latin1 so every byte survives a round trip. */
export function readText(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Writes `text` (latin1, the inverse of readText) with `mode`, through a temporary file in the same folder
 * renamed over the target: a crash never leaves a half-written config, and the temporary name never stays.
 */
export function writeText(path: string, text: string, mode: number): void {
  const temp = join(dirname(path), `.${basename(path)}.keyward-${process.pid}.tmp`);
  try {
    writeFileSync(temp, text, { encoding: 'latin1', mode });
    chmodSync(temp, mode); // the umask must not change the mode we restore
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'latin1').digest('hex');
}

export function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The real path of `path` when it exists (config files may be symlinks; edit what they point to). */
export function realPath(path: string): string {
  return existsSync(path) ? realpathSync(path) : path;
}

/** Creates `dir` and any missing parents; returns the folders it created, outermost first. */
export function makeDirs(dir: string): string[] {
  const missing: string[] = [];
  let current = dir;
  while (!existsSync(current)) {
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  if (missing.length > 0) mkdirSync(dir, { recursive: true });
  return missing;
}

/** Path shown to the user: relative to the work tree when inside it, else absolute. */
export function displayPath(top: string, path: string): string {
  const rel = relative(top, path);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel.split(sep).join('/') : path;
}
