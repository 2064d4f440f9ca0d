export {
  emptySkips,
  isBinary,
  type ScanSource,
  type SourceStats,
  type SkipCounts,
  type ParallelWork,
} from './source.js';
export {
  worktreeSource,
  listWorktree,
  readWorktreeFile,
  newSourceStats,
  type WorktreeOptions,
  type WorktreeFile,
} from './worktree.js';
export { unitReader } from './units.js';
export { IgnoreStack, VENDOR_DIRS, IGNORE_FILES } from './ignore-rules.js';
export { FileReader } from './read-file.js';
