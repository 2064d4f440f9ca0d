import type { ContentItem } from '@keyward/core';
import { FileReader } from './read-file.js';
import type { ParallelWork, SourceStats } from './source.js';
import { readWorktreeFile } from './worktree.js';

/**
 * How a worker thread turns one unit of parallel work into content: for the working tree, reading a file.
 * One reader per worker, so each reuses its own buffer.
 */
export function unitReader(
  work: ParallelWork,
  stats: SourceStats,
): (index: number) => ContentItem | undefined {
  switch (work.kind) {
    case 'worktree': {
      const reader = new FileReader();
      return (index) => readWorktreeFile(reader, work.units[index]!, work.maxSize, stats);
    }
  }
}
