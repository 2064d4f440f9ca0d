import { renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { chooseManager, detect, keywardReachable, localBin, setupNotes } from './detect.js';
import { editsPresent } from './edits.js';
import { DEFAULT_BIN } from './launcher.js';
import { makeDirs, readText, realPath, sha256, writeText } from './files.js';
import { repoContext, type Env, type RepoContext } from './git.js';
import { planHusky } from './managers/husky.js';
import { planLefthook } from './managers/lefthook.js';
import { planLintStaged } from './managers/lint-staged.js';
import { planPlain } from './managers/plain.js';
import { planPreCommit } from './managers/pre-commit.js';
import { readState, writeState, type State, type StateEntry } from './state.js';
import { Workspace } from './workspace.js';
import {
  isProblem,
  problem,
  type FileChange,
  type HookName,
  type HookOutcome,
  type InstallResult,
  type Manager,
  type Problem,
} from './types.js';

export interface InstallOptions {
  /** Where the command runs (any folder inside the work tree). */
  cwd: string;
  hooks: HookName[];
  /** Wire into this set-up instead of the detected one. */
  manager?: Manager;
  /** Work out and return the changes without writing anything. */
  dryRun?: boolean;
  env?: Env;
}

const PLANNERS: Record<Manager, (ws: Workspace, hook: HookName) => HookOutcome | Problem> = {
  husky: planHusky,
  'lint-staged': planLintStaged,
  lefthook: planLefthook,
  'pre-commit': planPreCommit,
  plain: planPlain,
};

/**
 * Wires keyward into the repository's hook set-up. Every change is worked out first; nothing is written when
 * any hook cannot be wired. Installing twice changes nothing. Expected failures are returned, not thrown.
 */
export function install(options: InstallOptions): InstallResult | Problem {
  const ctx = repoContext(options.cwd, options.env ?? process.env);
  if (isProblem(ctx)) return ctx;
  const state = readState(ctx);
  if (isProblem(state)) return state;
  forgetRemovedByHand(state);
  const found = detect(ctx);
  const bin = localBin(ctx, options.cwd);
  const ws = new Workspace(ctx, bin);
  const outcomes: HookOutcome[] = [];
  const notes: string[] = [];
  for (const hook of options.hooks) {
    const manager = options.manager ?? chooseManager(ctx, found, hook);
    // Installed before (into the set-up asked for, or into any when none was named): nothing to do.
    const recorded = state.entries.find(
      (e) => e.hook === hook && (options.manager === undefined || e.manager === manager) && isInPlace(e),
    );
    if (recorded) {
      outcomes.push({ hook, manager: recorded.manager, status: 'already', file: ws.display(recorded.path) });
      continue;
    }
    const result = PLANNERS[manager](ws, hook);
    if (isProblem(result)) return result;
    outcomes.push(result);
    notes.push(...setupNotes(ctx, found, manager, hook));
  }
  const changes = outcomes.flatMap((o) => (o.status === 'planned' ? [o.change] : []));
  if (changes.length > 0 && !keywardReachable(ctx, bin)) {
    notes.push(
      'keyward is not in node_modules/.bin or on PATH: the hook refuses commits until it is (npm install --save-dev keyward).',
    );
  }
  if (changes.length > 0 && bin !== DEFAULT_BIN) {
    notes.push(
      `the hooks run ${bin}: git runs hooks from the top of the repository, not from this project's folder.`,
    );
  }
  if (options.dryRun || changes.length === 0) return { outcomes, written: false, notes: unique(notes) };
  const applied = apply(ctx, state, changes);
  if (isProblem(applied)) return applied;
  return { outcomes, written: true, notes: unique(notes) };
}

/**
 * Entries whose insertions the user has since removed by hand: nothing left to undo, so forget them (but
 * keep one that moved a foreign hook aside: uninstall still has to move it back).
 */
function forgetRemovedByHand(state: State): void {
  state.entries = state.entries.filter((entry) => entry.chained !== undefined || isInPlace(entry));
}

function isInPlace(entry: StateEntry): boolean {
  const text = readText(entry.path);
  return text !== null && editsPresent(text, entry.edits);
}

/** Writes the changes one by one, recording each in the install record as soon as it is on disk. */
function apply(ctx: RepoContext, state: State, changes: FileChange[]): true | Problem {
  for (const change of changes) {
    // Edit what a symlinked config points to; a chained symlink hook is moved aside itself, never followed.
    const path = change.chained ? change.path : realPath(change.path);
    try {
      const createdDirs = change.before === null ? makeDirs(dirname(path)) : [];
      if (change.chained) renameSync(change.chained.from, change.chained.to);
      writeText(path, change.after, change.mode);
      const entry: StateEntry = {
        path,
        hook: change.hook,
        manager: change.manager,
        created: change.before === null,
        createdDirs,
        mode: change.mode,
        edits: change.edits,
        before: sha256(change.before ?? ''),
        after: sha256(change.after),
        ...(change.chained ? { chained: change.chained } : {}),
      };
      state.entries.push(entry);
      writeState(ctx, state);
    } catch (error) {
      return problem('write-failed', {
        path: change.display,
        reason: (error as NodeJS.ErrnoException).code ?? String(error),
      });
    }
  }
  return true;
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
