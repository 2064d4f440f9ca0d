import { isProblem, uninstall, unifiedDiff, type RestoreAction } from '@keyward/hooks';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import { EXIT } from '../exit-codes.js';
import { colors, type Colors } from '../reporters/colors.js';
import { useColor } from '../scan/color.js';
import { hooksError } from './hooks-problem.js';
import { paintDiff, paintVerb } from './hooks-colors.js';
import { utf8 } from './install.js';

/**
 * `keyward uninstall [--dry-run]`: removes exactly what keyward install added and restores every file it
 * touched. A file whose keyward lines were changed by hand is left as is and reported (exit 2). With
 * --quiet, only notes and problems reach stderr.
 */
export async function runUninstall(args: Args, io: Io): Promise<number> {
  const dryRun = args['dry-run'] === true;
  const result = uninstall({ cwd: io.cwd, dryRun, env: io.env });
  if (isProblem(result)) throw hooksError(result);
  const color = useColor(args, io);
  const [out, err] = [colors(color.stdout), colors(color.stderr)];
  const quiet = args.quiet === true;
  for (const action of result.actions) {
    if (dryRun && action.before !== action.after)
      io.stdout.write(paintDiff(utf8(unifiedDiff(action.display, action.before, action.after)), out));
    if (!quiet) io.stderr.write(`keyward: ${describe(action, dryRun, err)}\n`);
  }
  for (const note of result.notes) io.stderr.write(`keyward: ${err.yellow('note:')} ${note}\n`);
  for (const problem of result.problems) io.stderr.write(`keyward: ${hooksError(problem).message}\n`);
  if (dryRun && !quiet) io.stderr.write(`keyward: ${err.yellow('dry run')}: nothing was written\n`);
  return result.problems.length > 0 ? EXIT.error : EXIT.clean;
}

function describe(action: RestoreAction, dryRun: boolean, c: Colors): string {
  const would = (past: string, present: string) => paintVerb(dryRun ? `would ${present}` : past, dryRun, c);
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
