import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { childPath, compileIgnoreFile, type IgnoreFile } from './ignore-file.js';

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

const SEP = Buffer.from(sep);

/** `name` (a relative path) in folder `dir`, through the folder's raw path when it has one (worktree.ts). */
export function pathIn(dir: string, raw: Buffer | undefined, name: string): string | Buffer {
  return raw ? rawJoin(raw, name) : join(dir, name);
}

/** A raw path (bytes: a name on the way is not valid UTF-8) and a name in it. */
export function rawJoin(dir: Buffer | string, name: Buffer | string): Buffer {
  const bytes = (part: Buffer | string) => (typeof part === 'string' ? Buffer.from(part) : part);
  return Buffer.concat([bytes(dir), SEP, bytes(name)]);
}

/** Ignore files read in every folder, gitignore syntax: git's own and keyward's. */
export const IGNORE_FILES = ['.gitignore', '.keywardignore'];

/** The ignore rules of one folder, relative to that folder. */
interface Layer {
  dir: string;
  rules: IgnoreFile;
}

/**
 * gitignore semantics over a walk, as ripgrep does: each folder's ignore files apply beneath it, deeper
 * files can re-include (`!pattern`), and an ignored folder is never entered.
 */
export class IgnoreStack {
  private readonly layers: Layer[] = [];

  /** Rules that apply from `dir` down (config `ignorePaths`, `.git/info/exclude`). */
  addPatterns(dir: string, patterns: string[]): void {
    if (patterns.length > 0) this.layers.push({ dir: withSlash(dir), rules: compileIgnoreFile(patterns) });
  }

  /**
   * Reads the ignore files of `dir` if it has any (names from its directory listing); returns the layers
   * added. `raw`: the folder's path as bytes, where it is not valid UTF-8 (the files are read through it).
   */
  enter(dir: string, names: ReadonlySet<string>, raw?: Buffer): number {
    let added = 0;
    for (const file of IGNORE_FILES) if (names.has(file)) added += this.addFile(dir, pathIn(dir, raw, file));
    return added;
  }

  /** Adds the patterns of `file` as rules for `dir` and below; returns 1 if it was read, else 0. */
  addFile(dir: string, file: string | Buffer): number {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return 0; // a missing or unreadable ignore file ignores nothing
    }
    this.layers.push({ dir: withSlash(dir), rules: compileIgnoreFile(text) });
    return 1;
  }

  /** Adds the layers of `other` (rules from folders above this walk) after this stack's own; returns how many. */
  append(other: IgnoreStack): number {
    this.layers.push(...other.layers);
    return other.layers.length;
  }

  leave(count: number): void {
    this.layers.length -= count;
  }

  /**
   * The rules for the entries of folder `dir` (absolute), for a walk that judges them one by one. `known`:
   * the walk found `dir` clean (IgnoreFolder.judge) on its way down, so each rule judges an entry's own
   * name and path only; otherwise each judges every folder on the entry's path (the walk's first folder).
   */
  folder(dir: string, known: boolean): IgnoreFolder {
    const rules: IgnoreFile[] = [];
    const folders: string[] = [];
    const inside = withSlash(dir);
    for (const layer of this.layers) {
      if (!inside.startsWith(layer.dir)) continue;
      rules.push(layer.rules);
      folders.push(posix(inside.slice(layer.dir.length, -sep.length)));
    }
    return new IgnoreFolder(rules, folders, known);
  }

  /** Whether `path` (absolute, POSIX or native) is ignored; `isDir` for folder patterns like `build/`. */
  ignores(path: string, isDir: boolean): boolean {
    let ignored = false;
    for (const { dir, rules } of this.layers) {
      if (!path.startsWith(dir)) continue;
      const rel = posix(path.slice(dir.length));
      if (rel === '') continue;
      const verdict = rules.test(rel, isDir);
      if (verdict === 'ignored') ignored = true;
      else if (verdict === 'unignored') ignored = false;
    }
    return ignored;
  }
}

/**
 * An entry's verdict in a walk: ignored; or not, with no rule having said "ignored" (`clean`: the walk can
 * judge a clean folder's entries by their own names); or re-included by a deeper `!` pattern (`kept`).
 */
export type EntryVerdict = 'ignored' | 'clean' | 'kept';

/**
 * The rules that apply in one folder of a walk, each with the folder's path relative to it, worked out once
 * for all the folder's entries rather than for each (git.git's tree: ~5,000 entries under 37 ignore files).
 */
export class IgnoreFolder {
  constructor(
    private readonly rules: readonly IgnoreFile[],
    private readonly folders: readonly string[],
    private readonly known: boolean,
  ) {}

  judge(name: string, isDir: boolean): EntryVerdict {
    let ignored = false;
    let clean = true;
    for (let i = 0; i < this.rules.length; i++) {
      const rules = this.rules[i]!;
      const folder = this.folders[i]!;
      const verdict = this.known
        ? rules.testChild(folder, name, isDir)
        : rules.test(childPath(folder, name), isDir);
      if (verdict === 'ignored') {
        ignored = true;
        clean = false;
      } else if (verdict === 'unignored') ignored = false;
    }
    return ignored ? 'ignored' : clean ? 'clean' : 'kept';
  }
}

/**
 * Ignore rules for the repository paths git sources list (staged, range, pre-push, history), where there is
 * no walk: the config's `ignorePaths`, then the `.keywardignore` of every folder on a path's way down from
 * the top level, each read from the working tree once, deeper files overriding shallower ones as in git.
 * `.gitignore` does not apply here: a tracked file is committed whatever it says.
 */
export class RepoPathIgnore {
  private readonly config = new IgnoreStack();
  /** Repository-relative folder ('' for the top level) → its `.keywardignore` rules, or null when it has none. */
  private readonly folders = new Map<string, IgnoreFile | null>();

  constructor(
    private readonly root: string,
    config: { baseDir: string; patterns: string[] },
  ) {
    this.config.addPatterns(config.baseDir, config.patterns);
  }

  /** Whether a repository-relative POSIX path is ignored. */
  ignores(path: string): boolean {
    let ignored = this.config.ignores(join(this.root, ...path.split('/')), false);
    let folder = '';
    let rest = path;
    for (;;) {
      const verdict = this.rulesOf(folder)?.test(rest, false);
      if (verdict === 'ignored') ignored = true;
      else if (verdict === 'unignored') ignored = false;
      const slash = rest.indexOf('/');
      if (slash === -1) return ignored;
      folder = folder === '' ? rest.slice(0, slash) : `${folder}/${rest.slice(0, slash)}`;
      rest = rest.slice(slash + 1);
    }
  }

  private rulesOf(folder: string): IgnoreFile | null {
    let rules = this.folders.get(folder);
    if (rules === undefined) {
      let text: string | undefined;
      try {
        text = readFileSync(join(this.root, ...folder.split('/'), '.keywardignore'), 'utf8');
      } catch {
        text = undefined; // none (or unreadable): ignores nothing
      }
      rules = text === undefined ? null : compileIgnoreFile(text);
      this.folders.set(folder, rules);
    }
    return rules;
  }
}

/** A native relative path with `/` between its parts, as ignore rules take it. */
function posix(rel: string): string {
  return sep === '/' ? rel : rel.replace(/\\/g, '/');
}

function withSlash(dir: string): string {
  return dir.endsWith(sep) ? dir : dir + sep;
}
