import {
  ruleForSecret,
  type ContentItem,
  type Finding,
  type RuleSpec,
  type ScanStats,
  type Scanner,
} from '@keyward/core';
import type { ParallelWork, ResolveHints, ScanSource, SourceStats, WorktreeWork } from '@keyward/sources';
import { itemFindings } from './item-findings.js';
import type { ParallelResult, WorkerPool } from './parallel.js';
import type { Found, WorkerOutput } from './scan-units.js';

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
  const found = (blobId?: string) => source.found?.(blobId);
  const take = (item: ContentItem) => {
    if (!item.part?.continued) items++;
    bytes += item.part ? item.part.newBytes : item.bytes.length;
    const more = itemFindings(scanner, item);
    if (more.length === 0) return;
    found(item.blobId);
    findings.push(...more);
  };
  const parallel = options.jobs > 1 ? await runOnWorkers(source, scanner, options, found) : undefined;
  if (parallel) {
    findings.push(...parallel.findings);
    items = parallel.items;
    bytes = parallel.bytes;
  } else if (source.each) {
    await source.each(take);
  } else {
    // Files are read straight into the scanner's input region (no copy of each into WASM memory).
    const iterable = source.items({ buffer: (size) => scanner.inputBuffer(size) });
    if (Symbol.iterator in iterable) for (const item of iterable) take(item);
    else for await (const item of iterable) take(item);
  }
  const resolved = source.resolve ? await source.resolve(findings, resolveHints(scanner)) : findings;
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

/** A finding stands alone when its rule takes its secret as the whole text (ruleForSecret): no context. */
function resolveHints(scanner: Scanner): ResolveHints {
  const rules = scanner.ruleSet.rules;
  return { standsAlone: (finding) => ruleForSecret(rules, finding.secret)?.spec.id === finding.ruleId };
}

/**
 * The source's work scanned on worker threads, or undefined when it has none or too little to split (then
 * the caller scans items() here). Worker code is loaded only for work large enough to split, or for a
 * source that asks to start the workers while it still lists (history): never on the pre-commit path.
 */
async function runOnWorkers(
  source: ScanSource,
  scanner: Scanner,
  options: PipelineOptions,
  found: Found,
): Promise<ParallelResult | undefined> {
  const plan = canRunWorkers() ? source.parallel?.() : undefined;
  if (!plan) return undefined;
  // A working tree's files are read and scanned by this thread too, beside one worker fewer: it would
  // only wait otherwise, and each worker boots Node and warms its own JIT. (History's workers each read
  // through their own git; this thread has the listing and the walk to tend.)
  const shares = source.mode === 'worktree';
  const workers = shares ? options.jobs - 1 : options.jobs;
  let pool = (await plan.early?.(options.jobs)) ? await startPool(options, workers) : undefined;
  let work: ParallelWork | undefined;
  try {
    work = await plan.work(options.jobs);
  } catch (error) {
    await pool?.close();
    throw error;
  }
  if (!work) {
    await pool?.close();
    return undefined;
  }
  pool ??= await startPool(options, workers);
  const alongside = shares && work.kind === 'worktree' ? await ownShare(work, scanner, found) : undefined;
  let failure: unknown;
  const result = await pool.run(work, source.stats(), plan, found, alongside).catch((error: unknown) => {
    failure = error ?? new Error('scan workers failed');
    return undefined;
  });
  // The source has the last word on a failure (history: objects missing explain a failed read).
  await plan.finish?.(failure);
  if (failure !== undefined) throw failure;
  return result;
}

/**
 * Whether this build can start scan workers: tsc's dist/ (.js) or the bundle (.cjs), not TypeScript sources
 * as in unit tests.
 */
function canRunWorkers(): boolean {
  // The file name, not import.meta.url: the bundle turns the URL into pathToFileURL(__filename), whose first
  // use loads and runs Node's URL code, ~1 ms of a commit's hook.
  return /\.c?js$/.test(import.meta.filename);
}

async function startPool(options: PipelineOptions, workers: number): Promise<WorkerPool> {
  const { WorkerPool } = await import('./parallel.js');
  return new WorkerPool(workers, options.rules, options.inlineAllow);
}

/** This thread's share of a working tree's files (scan-units.ts, loaded only for parallel scans). */
async function ownShare(
  work: WorktreeWork,
  scanner: Scanner,
  found: Found,
): Promise<(claim: () => number) => WorkerOutput> {
  const { scanWorktreeUnits } = await import('./scan-units.js');
  return (claim) => scanWorktreeUnits(work, claim, scanner, found);
}
