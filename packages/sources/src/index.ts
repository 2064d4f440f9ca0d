export {
  emptySkips,
  newSourceStats,
  isBinary,
  type ReadOptions,
  type ScanSource,
  type ResolveHints,
  type SourceStats,
  type MissingObjects,
  type SkipCounts,
  type ParallelPlan,
  type ParallelWork,
  type WorktreeWork,
  type HistoryWork,
} from './source.js';
export {
  worktreeSource,
  listWorktree,
  walkWorktree,
  readWorktreeFile,
  type WorktreeOptions,
  type WorktreeFile,
} from './worktree.js';
export { unitReader } from './units.js';
export { IgnoreStack, RepoPathIgnore, VENDOR_DIRS, IGNORE_FILES } from './ignore-rules.js';
export { workTreeTop, pathFrom } from './work-tree-top.js';
export { isCi } from './ci-env.js';
export { FileReader } from './read-file.js';
export { packPaths, packedPathReader, type PackedPaths } from './packed-paths.js';
// Git and stdin sources. The CLI imports each from its own subpath (`@keyward/sources/staged`, …) so a
// hook loads only the source it runs; they are re-exported here for library use.
export { SourceError, isSourceError, type SourceErrorCode } from './errors.js';
export { stagedSource, type StagedOptions } from './staged.js';
export { rangeSource, parseRange, sinceRange, type RangeOptions, type ParsedRange } from './range.js';
export { prePushSource, parsePrePushInput, type PrePushOptions, type PushUpdate } from './pre-push.js';
export {
  historySource,
  parseShard,
  type HistoryOptions,
  type HistorySource,
  type CleanBlobs,
  type Shard,
} from './history.js';
export { stdinSource, STDIN_NAME, type StdinOptions } from './stdin.js';
export {
  createProgress,
  formatProgress,
  wantsProgress,
  type ProgressEvent,
  type ProgressListener,
} from './progress.js';
// Lower-level pieces, e.g. for a worker-thread history scan: one cat-file per worker over a share of the
// pack-ordered blob list.
export {
  CatFileBatch,
  readObjects,
  readObjectsConcurrently,
  type ObjectRequest,
  type ObjectResult,
} from './git/cat-file.js';
export { listBlobs, inShard, BlobList, type ListedObjects } from './history/blob-list.js';
export { walkReachable, type WalkRefs } from './history/reachable.js';
export { RawWalk, type Walked } from './history/walked.js';
export { historyWork } from './history/work.js';
export { readHistoryRun, RunReader, type RunTally } from './history/runs.js';
export { BlockingCatFile, type ObjectVisitor, type VisitedObject } from './git/blocking-cat-file.js';
export { makeFifos, type Fifos } from './git/fifos.js';
export { commitPeople, traceAmong, traceBlobs, traceByPaths, type BlobOrigin } from './history/trace.js';
export { addedLines, allLines, lineCount, type LineRanges } from './text/added-lines.js';
