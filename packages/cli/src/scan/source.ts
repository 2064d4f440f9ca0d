import type { ContentItem, Finding, ScanStats } from '@keyward/core';
import type { SkipCounts } from '../report.js';

/**
 * What the scan pipeline needs from a source (working tree, staged index, range, pre-push, history, stdin).
 * The pipeline scans every item it yields with the core, keeps findings on `addedLines`, and hands the
 * findings to `resolve` (history uses it to trace blobs back to the commits that introduced them).
 */
export interface ScanSource {
  mode: ScanStats['mode'];
  /** Range or ref description for the summary, e.g. `a1b2c3..d4e5f6 (3 commits)`. */
  describe?: string;
  items(): AsyncIterable<ContentItem>;
  /** Called once after every item was scanned, with the findings; returns them with provenance attached. */
  resolve?(findings: Finding[]): Promise<Finding[]>;
  /** Counters the source keeps (commits walked, skips); read after items() is exhausted. */
  stats(): { commits: number; skipped: Partial<SkipCounts>; warnings: string[] };
}
