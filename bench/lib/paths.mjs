/** Where the bench reads and writes: generated data lives in .bench/ (gitignored) at the repository root. */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_DIR = process.env.KEYWARD_BENCH_DIR ?? join(REPO_ROOT, '.bench');

/** A folder under .bench, created on first use. */
export function benchPath(...parts) {
  const path = join(BENCH_DIR, ...parts);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** A folder under .bench, created if missing. */
export function benchDir(...parts) {
  const path = join(BENCH_DIR, ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

export const MB = 1024 * 1024;

/** Apparent size and count of the regular files under `dir` (symlinks not followed). */
export function treeSize(dir) {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    bytes += statSync(join(e.parentPath ?? e.path, e.name)).size;
    files++;
  }
  return { bytes, files };
}
