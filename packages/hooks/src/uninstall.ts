import { existsSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { revertEdits } from './edits.js';
import { displayPath, isSymlink, modeOf, readText, sha256, writeText } from './files.js';
import { repoContext, type Env, type RepoContext } from './git.js';
import { readState, writeState, type StateEntry } from './state.js';
import { isProblem, problem, type Problem, type RestoreAction, type UninstallResult } from './types.js';

export interface UninstallOptions {
  cwd: string;
  dryRun?: boolean;
  env?: Env;
}

/**
 * Removes exactly what install added, newest first. A file as install left it is restored byte for byte
 * (checked against the hash of the original); a file the user has edited since keeps those edits and loses
 * only keyward's insertions; a file whose keyward lines were changed by hand is left alone and reported.
 */
export function uninstall(options: UninstallOptions): UninstallResult | Problem {
  const ctx = repoContext(options.cwd, options.env ?? process.env);
  if (isProblem(ctx)) return ctx;
  const state = readState(ctx);
  if (isProblem(state)) return state;
  const files = new Overlay(!options.dryRun);
  const actions: RestoreAction[] = [];
  const problems: Problem[] = [];
  const notes: string[] = [];
  // What is left to undo; written back after every file, so an interruption never loses track of it.
  let remaining = [...state.entries];
  for (const entry of [...state.entries].reverse()) {
    const result = undo(ctx, entry, files);
    if (isProblem(result)) {
      problems.push(result);
      continue;
    }
    actions.push(...result);
    if (options.dryRun) continue;
    remaining = remaining.filter((e) => e !== entry);
    writeState(ctx, { version: 1, entries: remaining });
  }
  if (state.entries.length === 0) notes.push('keyward has not installed anything here (no install record).');
  return { actions, written: !options.dryRun && actions.length > 0, notes, problems };
}

function undo(ctx: RepoContext, entry: StateEntry, files: Overlay): RestoreAction[] | Problem {
  const display = displayPath(ctx.top, entry.path);
  const current = files.read(entry.path);
  const actions: RestoreAction[] = [];
  if (current === null) {
    actions.push({ display, action: 'missing', before: null, after: null });
  } else {
    const restored = revertEdits(current, entry.edits);
    if (restored === undefined) return problem('changed-since-install', { path: display });
    if (sha256(current) === entry.after && sha256(restored) !== entry.before) {
      return problem('changed-since-install', { path: display }); // cannot happen unless the record was edited
    }
    if (entry.chained && !(entry.created && restored === '')) {
      // keyward's hook has the user's lines in it now: it stays, so the moved-aside hook cannot go back.
      return problem('chained-blocked', { path: display, aside: displayPath(ctx.top, entry.chained.to) });
    }
    if (entry.created && restored === '') {
      files.remove(entry.path, entry.createdDirs);
      actions.push({ display, action: 'deleted', before: current, after: null });
    } else {
      files.write(entry.path, restored, modeOf(entry.path) ?? entry.mode);
      const pristine = sha256(current) === entry.after;
      actions.push({ display, action: pristine ? 'restored' : 'edited', before: current, after: restored });
    }
  }
  if (entry.chained) {
    const { from, to } = entry.chained;
    if (files.exists(from)) {
      return problem('chained-blocked', {
        path: displayPath(ctx.top, from),
        aside: displayPath(ctx.top, to),
      });
    }
    if (files.exists(to)) {
      files.rename(to, from);
      actions.push({ display: displayPath(ctx.top, from), action: 'unchained', before: null, after: null });
    }
  }
  return actions;
}

/** Reads see earlier writes; writes reach the disk only when `live` (not for a dry run). */
class Overlay {
  private readonly texts = new Map<string, string | null>();

  constructor(private readonly live: boolean) {}

  read(path: string): string | null {
    return this.texts.has(path) ? (this.texts.get(path) ?? null) : readText(path);
  }

  exists(path: string): boolean {
    return this.texts.has(path) ? this.texts.get(path) !== null : existsSync(path) || isSymlink(path);
  }

  write(path: string, text: string, mode: number): void {
    this.texts.set(path, text);
    if (this.live) writeText(path, text, mode);
  }

  remove(path: string, createdDirs: string[]): void {
    this.texts.set(path, null);
    if (!this.live) return;
    rmSync(path, { force: true });
    for (const dir of [...createdDirs].reverse()) {
      try {
        if (readdirSync(dir).length === 0) rmdirSync(dir);
      } catch {
        // gone already, or not ours to remove
      }
    }
  }

  rename(from: string, to: string): void {
    this.texts.set(to, this.read(from));
    this.texts.set(from, null);
    if (this.live) renameSync(from, to);
  }
}
