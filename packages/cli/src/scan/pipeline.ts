import type { ContentItem, Finding, ScanStats } from '@keyward/core';
import type { Scanner } from '@keyward/core';
import type { ScanSource, SourceStats } from '@keyward/sources';

export interface PipelineResult {
  /** Every finding, suppressed ones included (marked), with provenance attached. */
  findings: Finding[];
  stats: ScanStats;
  source: SourceStats;
}

/**
 * Scans everything a source yields, in order, with one scanner: bytes in, findings out. Keeps findings on
 * the lines a change adds (staged, range and pre-push items carry `addedLines`), attaches provenance, and
 * lets the source resolve the rest (history traces blobs back to their commits).
 */
export async function runPipeline(
  source: ScanSource,
  scanner: Scanner,
  now: () => number = Date.now,
): Promise<PipelineResult> {
  const started = now();
  const findings: Finding[] = [];
  let items = 0;
  let bytes = 0;
  const take = (item: ContentItem) => {
    items++;
    bytes += item.bytes.length;
    for (const finding of scanner.scan(item.bytes, item.path)) {
      if (item.addedLines && !onAddedLine(finding.line, item.addedLines)) continue;
      if (item.commit !== undefined) finding.commit = item.commit;
      if (item.author !== undefined) finding.author = item.author;
      if (item.date !== undefined) finding.date = item.date;
      if (item.reachable !== undefined) finding.reachable = item.reachable;
      findings.push(finding);
    }
  };
  const iterable = source.items();
  if (Symbol.iterator in iterable) for (const item of iterable) take(item);
  else for await (const item of iterable) take(item);
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

function onAddedLine(line: number, ranges: Array<[number, number]>): boolean {
  for (const [start, end] of ranges) if (line >= start && line <= end) return true;
  return false;
}
