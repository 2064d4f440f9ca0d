import type { Args } from '../handlers.js';
import { KeywardError } from '../errors.js';
import type { scanMode } from './select-source.js';

/** Options that only make sense with one mode are refused elsewhere, so nothing is silently ignored. */
export function checkModeOptions(mode: ReturnType<typeof scanMode>, args: Args): void {
  const refuse = (message: string) => {
    throw new KeywardError('E_USAGE', { message });
  };
  if (args.range !== undefined && args.since !== undefined) refuse('choose one of --range, --since');
  if (mode !== 'history') {
    for (const option of ['shard', 'branch', 'all'] as const) {
      if (args[option] !== undefined && args[option] !== false)
        refuse(`--${option} works with --history only`);
    }
  }
  if (mode === 'history' && args.all === true && Array.isArray(args.branch) && args.branch.length > 0) {
    refuse('choose one of --all, --branch');
  }
  if (mode !== 'history' && mode !== 'range' && args['require-complete'] === true)
    refuse('--require-complete works with --history or --range only');
  if (mode !== 'history' && args.store !== undefined) refuse('--store works with --history only');
  if (mode === 'history' && args.store !== undefined && (typeof args.store !== 'string' || args.store === ''))
    refuse('--store needs a folder: --store <dir>');
  if (mode !== 'stdin' && args['stdin-name'] !== undefined) refuse('--stdin-name works with --stdin only');
  if ((mode === 'history' || mode === 'range' || mode === 'stdin') && (args.paths?.length ?? 0) > 0) {
    refuse(`--${mode} takes no paths`);
  }
}
