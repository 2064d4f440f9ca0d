import type { ContentItem, Finding, ScanStats } from '@keyward/core';
import type { PackedPaths } from './packed-paths.js';

/** Counts of what a scan passed over, each said in the summary (never silently dropped). */
export interface SkipCounts {
  /** Paths excluded by .gitignore, keyward's ignore file, config path ignores or default vendor folders. */
  ignored: number;
  /** Files or blobs with a NUL byte in their first 8 KiB. */
  binary: number;
  /** Files or blobs over the size cap. */
  tooLarge: number;
  /** Unreadable files, broken symlinks named on the command line, special files. */
  unreadable: number;
  /** Symlinks and submodules (never followed). */
  links: number;
}

export interface SourceStats {
  commits: number;
  skipped: SkipCounts;
  /** One line each: problems that did not stop the scan. Never hold a secret. */
  warnings: string[];
  /** One line each: errors that make the scan fail (exit 2) but let the rest of it go on (a missing path). */
  errors: string[];
  /** True when something that should have been scanned was not (an unreadable file): a broken scan never looks clean. */
  incomplete: boolean;
  /**
   * Objects the history needs that the store lacks (a damaged store, a blobless clone that cannot fetch):
   * everything present was scanned and reported, and the audit is partial (`incomplete` is true too).
   */
  missing?: MissingObjects;
}

/** What a partial history audit could not read, and how to complete it. Object ids only, never a secret. */
export interface MissingObjects {
  /** The missing objects the walk named (at most MISSING_KEPT of `count`). */
  ids: string[];
  count: number;
  /** Where the scan met each of `ids`, when it knows (a range: the path, in the commit that added it). */
  places?: Array<{ id: string; path: string; commit: string }>;
  /** In words: how many, some ids, and whether the clone is partial. */
  reason: string;
  /** How to complete the audit. */
  hint: string;
}

/** What the scanner can tell a source about its findings when they are resolved. */
export interface ResolveHints {
  /**
   * True when the scan finds this finding's secret wherever its text appears: the key's own text carries
   * its rule's pattern (an OpenAI key, say), unlike a value that needs a name or a nearby keyword to count.
   * Where a ref's blobs were all scanned, such a secret is in its tree exactly when the scan found it in
   * one of those blobs, with no search of the tree.
   */
  standsAlone?: (finding: Finding) => boolean;
}

/** Where a source may read content into (the working tree's files; other sources read as they must). */
export interface ReadOptions {
  /**
   * A buffer of at least `size` bytes for the next item's bytes: the scanner's own input region, which it
   * scans with no copy (Scanner.inputBuffer). Valid until the next call; a larger request may give other
   * memory, without what the earlier one held.
   */
  buffer?: (size: number) => Uint8Array;
}

/**
 * What the scan pipeline needs from a source (working tree, staged index, range, pre-push, history, stdin).
 * The pipeline scans every item it yields with the core before asking for the next one, so a source may
 * reuse one buffer for `bytes`. It keeps findings on `addedLines` only, and hands the findings to `resolve`
 * (history uses it to trace blobs back to the commits that introduced them).
 */
export interface ScanSource {
  mode: ScanStats['mode'];
  /** Range or ref description for the summary, e.g. `a1b2c3..d4e5f6 (3 commits)`. */
  describe?: string;
  items(read?: ReadOptions): AsyncIterable<ContentItem> | Iterable<ContentItem>;
  /**
   * The items pushed instead of pulled: `take` is called with each, in order (its bytes valid only during
   * the call), and the promise settles once all were taken. The pipeline prefers it where a source has
   * it: a source that reads with blocking reads calls `take` from its read loop, with no promise and no
   * iterator result per item (on the bench's mid history, half the garbage the scan made). It may read
   * differently from items() (history: without a listing first); what it yields is the same.
   */
  each?(take: (item: ContentItem) => void): Promise<void>;
  /** Called once after every item was scanned, with the findings; returns them with provenance attached. */
  resolve?(findings: Finding[], hints?: ResolveHints): Promise<Finding[]>;
  /**
   * Told as the scan makes findings (reported or suppressed): of each item that gave some, with its blob id
   * where it has one, or at least once: the source may start now what `resolve` will need (history: the
   * reachability walk, run only when there is something to attribute, and paced by the blobs to place).
   */
  found?(blobId?: string): void;
  /**
   * Work that can be split over worker threads: units each worker materialises and scans on its own (see
   * units.ts and history/runs.ts). When the plan yields work, the pipeline scans it instead of items().
   */
  parallel?(): ParallelPlan;
  /** Counters the source keeps; read after items() is exhausted (or the parallel run ended). */
  stats(): SourceStats;
}

/**
 * How a source's work is split over worker threads. The pipeline asks `early()` first (start the workers
 * now, while the source still lists its work?), then `work(workers)`; undefined work means "too little to
 * split": the pipeline calls items() instead.
 */
export interface ParallelPlan {
  /**
   * Whether the work will likely be large enough to start `workers` workers before it is known (each
   * takes ~100 ms of CPU to start); the source may prepare for them meanwhile.
   */
  early?(workers: number): Promise<boolean>;
  work(workers: number): ParallelWork | undefined | Promise<ParallelWork | undefined>;
  /** Lets the source stop the workers early (history: git's check or the walk found missing objects). */
  watch?(stop: (error: Error) => void): void;
  /** The workers' running totals: objects done (scanned or skipped) and bytes read. */
  progress?(done: number, bytes: number): void;
  /**
   * Called once the workers stopped, with the error that stopped them if any: the source's last checks
   * (history: the walk found nothing missing). Throws the error the scan should fail with.
   */
  finish?(failure: unknown): Promise<void>;
}

/** Units of work a worker can read by itself, and how. Plain data: it crosses to worker threads. */
export type ParallelWork = WorktreeWork | HistoryWork;

export interface WorktreeWork {
  kind: 'worktree';
  /** The files, packed in shared memory: workers read them in place (packed-paths.ts). */
  files: PackedPaths;
  maxSize: number;
}

/**
 * Blobs of a history, in pack order, split into byte-balanced runs: a worker claims a run, reads it
 * through its own `git cat-file --batch` and scans each blob in place (history/runs.ts).
 */
export interface HistoryWork {
  kind: 'history';
  git: { cwd: string; env?: Record<string, string | undefined> };
  /** Raw object ids, `width` bytes each, in pack order (shared by every worker, not copied). */
  ids: Uint8Array;
  width: number;
  /** Runs of blob indexes [start, end): the units workers claim. */
  runs: Array<{ start: number; end: number }>;
  /** A named pipe per worker (by its slot) to read git through; none: read git's output as a stream. */
  pipes?: string[];
  /**
   * The readers' niceness (os.setPriority), read through the pipes: git's check's, while it runs beside the
   * reading (history/check-store.ts), so that the two share what the scan leaves of the cores.
   */
  niceness?: number;
}

export function emptySkips(): SkipCounts {
  return { ignored: 0, binary: 0, tooLarge: 0, unreadable: 0, links: 0 };
}

/** A source's counters before it has read anything. */
export function newSourceStats(): SourceStats {
  return { commits: 0, skipped: emptySkips(), warnings: [], errors: [], incomplete: false };
}

/** Binary content: a NUL byte in the first 8 KiB (git's own heuristic). */
export function isBinary(bytes: Uint8Array, length = bytes.length): boolean {
  // As a Buffer: its indexOf is memchr, a plain Uint8Array's a byte loop (a scanner's buffer is a plain one).
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(length, bytes.length, 8192)).indexOf(0) !== -1;
}
