import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { makeDirs, readText, writeText } from './files.js';
import type { RepoContext } from './git.js';
import { problem, type Edit, type HookName, type Manager, type Problem } from './types.js';

/**
 * keyward's install record: what it changed, so `uninstall` can undo exactly that.
 *
 * It lives in `<git common dir>/keyward/install.json`: inside `.git`, never in the work tree (nothing to
 * commit or ignore), and in the *common* git dir so linked worktrees share it as they share the hooks
 * folder. It holds no copies of the user's files (no backups to leave behind): only keyward's own
 * insertions, with their offsets, and hashes of each file before and after. Uninstall finds each insertion
 * by its text and puts back what it replaced; when the file is as install left it, the result is checked
 * against the hash of the original, byte for byte. The record goes away with the last entry.
 */
export interface StateEntry {
  /** Absolute path of the file (symlinks resolved); recorded relative to the common git dir. */
  path: string;
  hook: HookName;
  manager: Manager;
  /** The file did not exist: uninstall deletes it (and `createdDirs`, innermost first, if empty). */
  created: boolean;
  createdDirs: string[];
  /** Permission bits before install (for a created file: the mode it was created with). */
  mode: number;
  edits: Edit[];
  /** sha256 of the file before and after install. */
  before: string;
  after: string;
  /** A foreign hook moved aside (absolute paths); uninstall moves it back. */
  chained?: { from: string; to: string };
}

export interface State {
  version: 1;
  entries: StateEntry[];
}

export function statePath(ctx: RepoContext): string {
  return join(ctx.commonDir, 'keyward', 'install.json');
}

export function readState(ctx: RepoContext): State | Problem {
  const path = statePath(ctx);
  const text = readText(path);
  if (text === null) return { version: 1, entries: [] };
  try {
    const parsed = JSON.parse(Buffer.from(text, 'latin1').toString('utf8')) as State;
    if (parsed.version !== 1 || !Array.isArray(parsed.entries)) throw new Error('unknown format');
    return {
      version: 1,
      entries: parsed.entries.map((entry) => mapPaths(entry, (p) => resolve(ctx.commonDir, p))),
    };
  } catch (error) {
    return problem('state-unreadable', { path, reason: (error as Error).message });
  }
}

/**
 * Paths are recorded relative to the common git dir, so the record still fits after the repository (work
 * tree and .git together) is moved or renamed.
 */
function mapPaths(entry: StateEntry, map: (path: string) => string): StateEntry {
  return {
    ...entry,
    path: map(entry.path),
    createdDirs: entry.createdDirs.map(map),
    ...(entry.chained ? { chained: { from: map(entry.chained.from), to: map(entry.chained.to) } } : {}),
  };
}

/** Writes the record, or removes it (and its folder, if empty) when there is nothing left to undo. */
export function writeState(ctx: RepoContext, state: State): void {
  const path = statePath(ctx);
  if (state.entries.length === 0) {
    rmSync(path, { force: true });
    try {
      if (readdirSync(dirname(path)).length === 0) rmdirSync(dirname(path));
    } catch {
      // already gone
    }
    return;
  }
  makeDirs(dirname(path));
  const entries = state.entries.map((entry) => mapPaths(entry, (p) => relative(ctx.commonDir, p)));
  const json = JSON.stringify({ version: 1, entries }, null, 2) + '\n';
  writeText(path, Buffer.from(json, 'utf8').toString('latin1'), 0o644);
}
