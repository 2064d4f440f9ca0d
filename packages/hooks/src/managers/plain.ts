import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isSymlink } from '../files.js';
import { lineEnding, linesText, nextLineStart } from '../edits.js';
import { launcherLines, plainHookLines } from '../launcher.js';
import type { Workspace } from '../workspace.js';
import { problem, type HookName, type HookOutcome, type Problem } from '../types.js';
import { existingWiring, outcome, planned, scanCommand } from './common.js';
import { isHuskyInternal } from './husky.js';

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'zsh', 'busybox']);

/** Suffix of a foreign hook that keyward moved aside (and runs) because it could not edit it. */
export const CHAINED_SUFFIX = '.keyward-chained';

/**
 * A hook file in the folder git really uses (`git rev-parse --git-path hooks`: core.hooksPath, linked
 * worktrees). No hook there: keyward writes one. A foreign shell hook: keyward's block goes right after its
 * shebang, so keyward runs first and the rest of the hook still runs (same arguments, same stdin) and still
 * decides the exit status. A foreign hook keyward cannot edit (another language, a binary, a symlink) is
 * moved aside to `<hook>.keyward-chained` and run by keyward's hook afterwards with `exec`.
 */
export function planPlain(ws: Workspace, hook: HookName): HookOutcome | Problem {
  const dir = ws.ctx.hooksDir;
  if (isHuskyInternal(dir)) return problem('husky-internal', { path: ws.display(dir) });
  if (ws.ctx.hooksPathScope === 'global' || ws.ctx.hooksPathScope === 'system') {
    // That folder serves every repository of the user (or machine): a keyward hook there would run in all.
    return problem('shared-hooks-dir', { path: dir, scope: ws.ctx.hooksPathScope });
  }
  const path = join(dir, hook);
  const text = ws.read(path);
  if (text === null && !isSymlink(path)) {
    return planned(
      ws,
      'plain',
      hook,
      path,
      [{ at: 0, remove: '', insert: linesText(plainHookLines(hook, undefined, ws.bin), '\n') }],
      0o755,
    );
  }
  if (text !== null) {
    const wired = existingWiring(text, hook, scanCommand(hook));
    if (wired) return outcome(hook, 'plain', wired, ws.display(path));
  }
  const mode = ws.mode(path) ?? 0;
  if ((mode & 0o111) === 0) {
    // git skips a hook that is not executable; chaining it would switch it on behind the user's back.
    return problem('hook-not-executable', { path: ws.display(path) });
  }
  if (text !== null && !isSymlink(path) && isShellScript(text)) {
    const eol = lineEnding(text);
    const at = text.startsWith('#!') ? nextLineStart(text, 0) : 0;
    const lead = at === text.length && !text.endsWith('\n') ? eol : '';
    const block = launcherLines(hook, hook === 'pre-commit' ? 'staged' : 'pre-push-stdin', ws.bin);
    return planned(ws, 'plain', hook, path, [{ at, remove: '', insert: lead + linesText(block, eol) }], mode);
  }
  const aside = path + CHAINED_SUFFIX;
  if (existsSync(aside) || isSymlink(aside)) {
    return problem('config-unsupported', {
      path: ws.display(path),
      manager: 'plain',
      reason: `${basename(aside)} is in the way`,
    });
  }
  const insert = linesText(plainHookLines(hook, basename(aside), ws.bin), '\n');
  return planned(ws, 'plain', hook, path, [{ at: 0, remove: '', insert }], 0o755, {
    chained: { from: path, to: aside },
    before: null, // the foreign hook is moved aside first: keyward's hook is a new file
  });
}

/** A hook git would run with a POSIX-like shell: a shell shebang, or text without one (git falls back to sh). */
export function isShellScript(text: string): boolean {
  if (text.slice(0, 8000).includes('\0')) return false;
  if (!text.startsWith('#!')) return true;
  const words = text.slice(2, nextLineStart(text, 0)).trim().split(/\s+/);
  const interpreter = basename(words[0] ?? '');
  const program =
    interpreter === 'env' ? basename(words.find((w, i) => i > 0 && !w.startsWith('-')) ?? '') : interpreter;
  return SHELLS.has(program);
}
