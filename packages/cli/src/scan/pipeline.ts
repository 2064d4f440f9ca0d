import type { ContentItem, Finding, RuleSpec, ScanStats, Scanner } from '@keyward/core';
import type { ScanSource, SourceStats } from '@keyward/sources';
import { itemFindings } from './item-findings.js';

/** Below this many units, starting workers (~40 ms each) costs more than it saves. */
export const PARALLEL_MIN_UNITS = 256;

export interface PipelineResult {
  /** Every finding, suppressed ones included (marked), with provenance attached. */
  findings: Finding[];
  stats: ScanStats;
  source: SourceStats;
}

export interface PipelineOptions {
  /** Worker threads to use when the source's work can be split (1: scan in this thread). */
  jobs: number;
  /** The rules and allow setting of `scanner`, for workers, which build their own. */
  rules: readonly RuleSpec[];
  inlineAllow: boolean;
  now?: () => number;
}

/**
 * Scans everything a source yields with one scanner (bytes in, findings out), or splits the source's work
 * over worker threads when it is large enough, then lets the source resolve the findings (history traces
 * blobs back to the commits that introduced them).
 */
export async function runPipeline(
  source: ScanSource,
  scanner: Scanner,
  options: PipelineOptions,
): Promise<PipelineResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const findings: Finding[] = [];
  let items = 0;
  let bytes = 0;
  const take = (item: ContentItem) => {
    items++;
    bytes += item.bytes.length;
    findings.push(...itemFindings(scanner, item));
  };
  const work = options.jobs > 1 ? source.parallel?.() : undefined;
  // Worker code is loaded only for work large enough to split (never on the pre-commit path).
  const parallel =
    work && work.units.length >= PARALLEL_MIN_UNITS ? await import('./parallel.js') : undefined;
  if (work && parallel?.canRunWorkers()) {
    const done = await parallel.runParallel(
      work,
      options.rules,
      options.inlineAllow,
      options.jobs,
      source.stats(),
    );
    findings.push(...done.findings);
    items = done.items;
    bytes = done.bytes;
  } else {
    const iterable = source.items();
    if (Symbol.iterator in iterable) for (const item of iterable) take(item);
    else for await (const item of iterable) take(item);
  }
  const resolved = source.resolve ? await source.resolve(findings) : findings;
  const sourceStats = source.stats();
  const fromGit = source.mode !== 'worktree' && source.mode !== 'stdin';
  return {
    findings: resolved,
    stats: {
      mode: source.mode,
      files: fromGit ? 0 : items,
      blobs: fromGit ? items : 0,
      commits: sourceStats.commits,
      bytes,
      durationMs: now() - started,
    },
    source: sourceStats,
  };
}
