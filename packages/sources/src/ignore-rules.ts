import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Folders of third-party code skipped by default (counted as ignored; `--no-ignore` scans them). */
export const VENDOR_DIRS = [
  'node_modules',
  'bower_components',
  'jspm_packages',
  '.venv',
  'venv',
  '.tox',
  '.pnpm-store',
  '.yarn',
];

/** Ignore files read in every folder, gitignore syntax: git's own and keyward's. */
export const IGNORE_FILES = ['.gitignore', '.keywardignore'];

/** The ignore rules of one folder, relative to that folder. */
interface Layer {
  dir: string;
  rules: Ignore;
}

/**
 * gitignore semantics over a walk, as ripgrep does: each folder's ignore files apply beneath it, deeper
 * files can re-include (`!pattern`), and an ignored folder is never entered.
 */
export class IgnoreStack {
  private readonly layers: Layer[] = [];

  /** Rules that apply from `dir` down (config `ignorePaths`, `.git/info/exclude`). */
  addPatterns(dir: string, patterns: string[]): void {
    if (patterns.length > 0) this.layers.push({ dir: withSlash(dir), rules: ignore().add(patterns) });
  }

  /** Reads the ignore files of `dir` if it has any (names from its directory listing); returns the layers added. */
  enter(dir: string, names: ReadonlySet<string>): number {
    let added = 0;
    for (const file of IGNORE_FILES) if (names.has(file)) added += this.addFile(dir, join(dir, file));
    return added;
  }

  /** Adds the patterns of `file` as rules for `dir` and below; returns 1 if it was read, else 0. */
  addFile(dir: string, file: string): number {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return 0; // a missing or unreadable ignore file ignores nothing
    }
    this.layers.push({ dir: withSlash(dir), rules: ignore().add(text) });
    return 1;
  }

  leave(count: number): void {
    this.layers.length -= count;
  }

  /** Whether `path` (absolute, POSIX or native) is ignored; `isDir` for folder patterns like `build/`. */
  ignores(path: string, isDir: boolean): boolean {
    let ignored = false;
    for (const { dir, rules } of this.layers) {
      if (!path.startsWith(dir)) continue;
      let rel = path.slice(dir.length).replace(/\\/g, '/');
      if (rel === '') continue;
      if (isDir) rel += '/';
      const result = rules.test(rel);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }
}

function withSlash(dir: string): string {
  return dir.endsWith(sep) ? dir : dir + sep;
}
