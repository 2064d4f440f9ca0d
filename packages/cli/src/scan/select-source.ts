import type { ScanSource } from '@keyward/sources';
import type { HistoryRecord } from '@keyward/sources/history';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import type { ResolvedConfig } from '../config/index.js';
import { KeywardError } from '../errors.js';
import { checkModeOptions } from './mode-options.js';

/** Default cap on a file or blob's size: larger ones are skipped and counted (`--max-blob-size` changes it). */
export const DEFAULT_MAX_SIZE = 64 * 1024 * 1024;

export interface SourceContext {
  args: Args;
  io: Io;
  config: ResolvedConfig;
  maxSize: number;
  /** `--store`: blobs already scanned clean, which the history source leaves out. */
  known?: (oid: string) => boolean;
  /** `--store`: the history record the history source reads and makes (store/audit.ts). */
  recording?: { load(packDir: string): Promise<HistoryRecord | undefined> };
  /** Other scans share this thread (fleet): the history source must not block it. */
  sharedThread?: boolean;
}

/** Which scan the flags ask for; only one of them may be given. */
export function scanMode(args: Args): 'worktree' | 'staged' | 'range' | 'pre-push' | 'history' | 'stdin' {
  const modes = (
    [
      ['staged', args.staged],
      ['range', args.range !== undefined || args.since !== undefined],
      ['pre-push', args['pre-push']],
      ['history', args.history],
      ['stdin', args.stdin],
    ] as const
  ).filter(([, on]) => on);
  if (modes.length > 1) {
    throw new KeywardError('E_USAGE', {
      message: `choose one of ${modes.map(([m]) => `--${m}`).join(', ')}`,
    });
  }
  return modes[0]?.[0] ?? 'worktree';
}

/** Builds the source for the mode the flags ask for. Each source's code is imported only when used. */
export async function selectSource(context: SourceContext): Promise<ScanSource> {
  const { args, io, config, maxSize } = context;
  const mode = scanMode(args);
  checkModeOptions(mode, args);
  switch (mode) {
    case 'worktree': {
      const { worktreeSource } = await import('@keyward/sources/worktree');
      return worktreeSource({
        cwd: io.cwd,
        paths: args.paths ?? [],
        useIgnore: args.ignore !== false,
        ignorePaths: { baseDir: config.baseDir, patterns: config.ignorePaths },
        maxFileSize: maxSize,
      });
    }
    default: {
      const { gitSource } = await import('./git-source.js');
      return gitSource(mode, context);
    }
  }
}
