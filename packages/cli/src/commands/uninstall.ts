import { isProblem, uninstall, unifiedDiff, type RestoreAction } from '@keyward/hooks';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import { EXIT } from '../exit-codes.js';
import { hooksError } from './hooks-problem.js';
import { utf8 } from './install.js';

/**
 * `keyward uninstall [--dry-run]`: removes exactly what keyward install added and restores every file it
 * touched. A file whose keyward lines were changed by hand is left as is and reported (exit 2).
 */
export async function runUninstall(args: Args, io: Io): Promise<number> {
  const dryRun = args['dry-run'] === true;
  const result = uninstall({ cwd: io.cwd, dryRun, env: io.env });
  if (isProblem(result)) throw hooksError(result);
  for (const action of result.actions) {
    if (dryRun && action.before !== action.after)
      io.stdout.write(utf8(unifiedDiff(action.display, action.before, action.after)));
    io.stderr.write(`keyward: ${describe(action, dryRun)}\n`);
  }
  for (const note of result.notes) io.stderr.write(`keyward: note: ${note}\n`);
  for (const problem of result.problems) io.stderr.write(`keyward: ${hooksError(problem).message}\n`);
  if (dryRun) io.stderr.write('keyward: dry run: nothing was written\n');
  return result.problems.length > 0 ? EXIT.error : EXIT.clean;
}

function describe(action: RestoreAction, dryRun: boolean): string {
  const would = (past: string, present: string) => (dryRun ? `would ${present}` : past);
  switch (action.action) {
    case 'deleted':
      return `${would('deleted', 'delete')} ${action.display} (keyward created it)`;
    case 'restored':
      return `${would('restored', 'restore')} ${action.display} as it was before keyward install`;
    case 'edited':
      return `${would('removed', 'remove')} keyward's lines from ${action.display} (your later changes stay)`;
    case 'unchained':
      return `${would('put back', 'put back')} ${action.display}, which keyward had moved aside`;
    case 'missing':
      return `${action.display} is gone already; nothing to restore there`;
  }
}
