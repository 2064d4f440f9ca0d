import type { ContentItem } from '@keyward/core';
import { FileReader } from './read-file.js';
import { packedPathReader } from './packed-paths.js';
import type { ReadOptions, SourceStats, WorktreeWork } from './source.js';
import { readWorktreeFile } from './worktree.js';

/**
 * How a worker thread turns one unit of working-tree work into content: reading a file. One reader per
 * worker, so each reuses its own buffer. (History work is read run by run: history/runs.ts.)
 */
export function unitReader(
  work: WorktreeWork,
  stats: SourceStats,
  read?: ReadOptions,
): (index: number) => ContentItem | undefined {
  const reader = new FileReader(read?.buffer);
  const file = packedPathReader(work.files);
  return (index) => readWorktreeFile(reader, file(index), work.maxSize, stats);
}
