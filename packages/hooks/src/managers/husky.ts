import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { RepoContext } from '../git.js';
import { lineEnding, linesText, nextLineStart } from '../edits.js';
import { launcherLines } from '../launcher.js';
import type { Workspace } from '../workspace.js';
import { problem, type HookName, type HookOutcome, type Problem } from '../types.js';
import { existingWiring, outcome, planned, scanCommand } from './common.js';

/**
 * husky v9 sets core.hooksPath to `<dir>/_`, a folder of generated stubs it rewrites on every install, and
 * each stub runs the user's `<dir>/<hook>` with `sh -e`. keyward's block goes into that user file, never
 * into `_`. (husky v8 pointed core.hooksPath at `<dir>` itself, whose files are the hooks.)
 */
export interface HuskySetup {
  /** The husky folder (absolute), `.husky` unless configured otherwise. */
  dir: string;
  /** core.hooksPath points at husky in this clone (otherwise `npx husky` has not run here). */
  active: boolean;
  /** husky v8 layout: the files in `dir` are the git hooks themselves (need a shebang and the x bit). */
  legacy: boolean;
}

export function findHusky(ctx: RepoContext): HuskySetup | undefined {
  const hooksDir = ctx.hooksDir;
  if (ctx.hooksPath !== undefined && isHuskyInternal(hooksDir)) {
    return { dir: resolve(hooksDir, '..'), active: true, legacy: false };
  }
  if (
    ctx.hooksPath !== undefined &&
    existsSync(join(hooksDir, '_', 'husky.sh')) &&
    !existsSync(join(hooksDir, '_', 'h'))
  ) {
    return { dir: hooksDir, active: true, legacy: true };
  }
  const dir = join(ctx.top, '.husky');
  if (isDir(dir)) return { dir, active: false, legacy: false };
  return undefined;
}

/** husky's generated folder `<dir>/_` (it holds the runner `h`, or `husky.sh` in older releases). */
export function isHuskyInternal(dir: string): boolean {
  return basename(dir) === '_' && (existsSync(join(dir, 'h')) || existsSync(join(dir, 'husky.sh')));
}

export function planHusky(ws: Workspace, hook: HookName): HookOutcome | Problem {
  const setup = findHusky(ws.ctx);
  if (!setup)
    return problem('manager-missing', {
      manager: 'husky',
      reason: 'no .husky folder; run `npx husky init` first',
    });
  const path = join(setup.dir, hook); // the user's file, never `_/<hook>`
  const block = launcherLines(hook, hook === 'pre-commit' ? 'staged' : 'pre-push-stdin', ws.bin);
  const text = ws.read(path);
  if (text === null) {
    const lines = setup.legacy ? ['#!/usr/bin/env sh', ...block] : block;
    return planned(
      ws,
      'husky',
      hook,
      path,
      [{ at: 0, remove: '', insert: linesText(lines, '\n') }],
      setup.legacy ? 0o755 : 0o644,
    );
  }
  const wired = existingWiring(text, hook, scanCommand(hook));
  if (wired) return outcome(hook, 'husky', wired, ws.display(path));
  const eol = lineEnding(text);
  const at = afterPreamble(text);
  // A file without a final newline gets one before keyward's block only if the block goes at its end.
  const lead = at === text.length && text.length > 0 && !text.endsWith('\n') ? eol : '';
  return planned(
    ws,
    'husky',
    hook,
    path,
    [{ at, remove: '', insert: lead + linesText(block, eol) }],
    ws.mode(path) ?? 0o644,
  );
}

/** Offset after a shebang line and the husky v8 `. "$(dirname -- "$0")/_/husky.sh"` line, if present. */
function afterPreamble(text: string): number {
  let at = 0;
  if (text.startsWith('#!')) at = nextLineStart(text, 0);
  const next = text.slice(at, nextLineStart(text, at));
  if (/^\.\s.*_\/husky\.sh/.test(next)) at = nextLineStart(text, at);
  return at;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
