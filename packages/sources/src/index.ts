export { emptySkips, isBinary, type ScanSource, type SourceStats, type SkipCounts } from './source.js';
export { worktreeSource, type WorktreeOptions } from './worktree.js';
export { IgnoreStack, VENDOR_DIRS, IGNORE_FILES } from './ignore-rules.js';
export { FileReader } from './read-file.js';
