/** Where the bench reads and writes: generated data lives in .bench/ (gitignored) at the repository root. */
import { mkdirSync } from 'node:fs';
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
