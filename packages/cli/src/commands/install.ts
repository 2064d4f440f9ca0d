import {
  install,
  isProblem,
  snippet,
  unifiedDiff,
  type HookName,
  type HookOutcome,
  type Manager,
} from '@keyward/hooks';
import { basename } from 'node:path';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import { EXIT } from '../exit-codes.js';
import { KeywardError } from '../errors.js';
import { colors, type Colors } from '../reporters/colors.js';
import { useColor } from '../scan/color.js';
import { hooksError } from './hooks-problem.js';
import { paintDiff, paintVerb } from './hooks-colors.js';

const MANAGER_NAMES: Record<Manager, string> = {
  husky: 'husky',
  'lint-staged': 'lint-staged',
  lefthook: 'lefthook',
  'pre-commit': 'the pre-commit framework',
  plain: 'plain git hooks',
};

/**
 * `keyward install [--hook pre-commit|pre-push|both] [--manager <name>] [--dry-run] [--print <manager>]`:
 * wires keyward into the repository's hook set-up. `--dry-run` prints the changes as a diff on stdout and
 * writes nothing; `--print` prints the lines to add by hand. Status lines go to stderr (none with
 * --quiet; notes still print). Exit 0, or 2.
 */
export async function runInstall(args: Args, io: Io): Promise<number> {
  const hooks = hooksOf(args.hook);
  if (typeof args.print === 'string') {
    for (const hook of hooks) {
      const text = snippet(args.print as Manager, hook);
      if (text === undefined) throw new KeywardError('E_HOOKS_MANAGER_HOOK', { manager: args.print, hook });
      io.stdout.write(text);
    }
    return EXIT.clean;
  }
  const dryRun = args['dry-run'] === true;
  const result = install({
    cwd: io.cwd,
    hooks,
    dryRun,
    env: io.env,
    ...(typeof args.manager === 'string' ? { manager: args.manager as Manager } : {}),
  });
  if (isProblem(result)) throw hooksError(result);
  const color = useColor(args, io);
  const [out, err] = [colors(color.stdout), colors(color.stderr)];
  const quiet = args.quiet === true;
  for (const outcome of result.outcomes) {
    if (dryRun && outcome.status === 'planned') {
      const { display, before, after } = outcome.change;
      io.stdout.write(paintDiff(utf8(unifiedDiff(display, before, after)), out));
    }
    if (!quiet) io.stderr.write(`keyward: ${describe(outcome, dryRun, err)}\n`);
  }
  for (const note of result.notes) io.stderr.write(`keyward: ${err.yellow('note:')} ${note}\n`);
  if (dryRun && !quiet) io.stderr.write(`keyward: ${err.yellow('dry run')}: nothing was written\n`);
  return EXIT.clean;
}

export function hooksOf(value: unknown): HookName[] {
  if (value === 'both') return ['pre-commit', 'pre-push'];
  if (value === 'pre-push') return ['pre-push'];
  return ['pre-commit'];
}

function describe(outcome: HookOutcome, dryRun: boolean, c: Colors): string {
  const where = MANAGER_NAMES[outcome.manager];
  const hook = c.bold(outcome.hook);
  switch (outcome.status) {
    case 'planned': {
      const { change } = outcome;
      const created = change.before === null;
      const verb = dryRun ? (created ? 'would create' : 'would edit') : created ? 'created' : 'edited';
      const aside = change.chained
        ? `, moving the hook that was there to ${basename(change.chained.to)}`
        : '';
      return `${hook}: ${paintVerb(verb, dryRun, c)} ${change.display} (${where})${aside}`;
    }
    case 'already':
      return `${hook}: already wired into ${where} (${outcome.file}); nothing to do`;
    case 'user-wired':
      return `${hook}: ${outcome.file} already runs keyward (not added by keyward install); left as is`;
  }
}

/** The hooks package handles files as latin1 byte strings; the terminal wants UTF-8. */
export function utf8(text: string): string {
  return Buffer.from(text, 'latin1').toString('utf8');
}
