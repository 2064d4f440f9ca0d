import { applyEdits } from '../edits.js';
import type { Workspace } from '../workspace.js';
import { beginMarker } from '../launcher.js';
import type { Edit, HookName, HookOutcome, Manager } from '../types.js';

/** A planned change to one file, as an outcome. */
export function planned(
  ws: Workspace,
  manager: Manager,
  hook: HookName,
  path: string,
  edits: Edit[],
  mode: number,
  extra: { chained?: { from: string; to: string }; before?: null } = {},
): HookOutcome {
  const before = extra.before === null ? null : ws.read(path);
  const after = applyEdits(before ?? '', edits);
  const change = {
    path,
    display: ws.display(path),
    hook,
    manager,
    before,
    after,
    mode,
    edits,
    ...(extra.chained ? { chained: extra.chained } : {}),
  };
  ws.record(change);
  return { hook, manager, status: 'planned', change };
}

/**
 * Whether `text` already runs keyward for `hook`: keyward's own marked block ('already'), or a keyward
 * command the user wrote ('user-wired'), which install leaves alone and uninstall never touches.
 */
export function existingWiring(
  text: string,
  hook: HookName,
  command: RegExp,
): 'already' | 'user-wired' | undefined {
  if (text.includes(beginMarker(hook).slice(0, beginMarker(hook).indexOf('(')))) return 'already';
  if (command.test(text)) return 'user-wired';
  return undefined;
}

/** The scan command a hook runs, as the user might have written it. */
export function scanCommand(hook: HookName): RegExp {
  return hook === 'pre-commit'
    ? /keyward(\.js)?["']?\s+scan\s+--staged/
    : /keyward(\.js)?["']?\s+scan\s+--pre-push/;
}

export function outcome(
  hook: HookName,
  manager: Manager,
  status: 'already' | 'user-wired',
  file: string,
): HookOutcome {
  return { hook, manager, status, file };
}
