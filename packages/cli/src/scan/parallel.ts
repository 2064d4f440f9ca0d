import { Worker } from 'node:worker_threads';
import type { Finding, RuleSpec } from '@keyward/core';
import type { ParallelPlan, ParallelWork, SourceStats } from '@keyward/sources';
import { SourceError, type SourceErrorCode } from '@keyward/sources/errors';
import type { Found } from './scan-units.js';
import type { WorkerFailure, WorkerInput, WorkerMessage, WorkerOutput } from './worker.js';

export interface ParallelResult {
  findings: Finding[];
  items: number;
  bytes: number;
}

/** Each worker's young generation (V8's default: up to 48 MB, most of a worker's heap). */
const WORKER_YOUNG_MB = 8;

/** How often the workers' running totals are passed to the source's progress (a display redraws ~10/s). */
const PROGRESS_MS = 100;

/**
 * Scan workers, started before their work is known (each builds its scanner meanwhile, while the source
 * still lists), then given one piece of work: they claim its units from a shared counter. Findings come
 * back in unit order (then position), so the report is the same whatever the number of workers.
 */
/** The worker entry beside this module: worker.js under tsc's dist/, worker.cjs in the CommonJS bundle. */
const WORKER_URL = new URL(
  import.meta.url.endsWith('.cjs') ? './worker.cjs' : './worker.js',
  import.meta.url,
);

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly outputs: Array<Promise<WorkerOutput>> = [];
  /** Per worker: objects done and bytes read so far (history progress), written by the worker. */
  private readonly tally: Float64Array;
  /** Told of the workers' findings as they come (see ScanSource.found). */
  private found: Found | undefined;
  /** The next unit of the work to claim, shared with the workers. */
  private readonly counter: Int32Array;
  constructor(size: number, rules: readonly RuleSpec[], inlineAllow: boolean) {
    const counter = new SharedArrayBuffer(4);
    this.counter = new Int32Array(counter);
    const tally = new SharedArrayBuffer(2 * 8 * size);
    this.tally = new Float64Array(tally);
    for (let slot = 0; slot < size; slot++) {
      const input: WorkerInput = { rules: [...rules], inlineAllow, counter, tally, slot };
      const worker = new Worker(WORKER_URL, {
        workerData: input,
        // A scan's garbage is short-lived: a small young generation is collected as often, in smaller bites.
        // Measured on git.git: peak RSS 280 -> 244 MB with two workers; the bench's large history no slower.
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
      });
      const output = new Promise<WorkerOutput>((resolve, reject) => {
        worker.on('message', (message: WorkerMessage) => {
          if ('found' in message) this.found?.(message.found === true ? undefined : message.found);
          else if ('output' in message) resolve(message.output);
          else reject(failureError(message.failure));
        });
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`scan worker exited with code ${code}`)));
      });
      output.catch(() => {}); // a pool closed unused, or a sibling failed first: awaited in run()
      this.workers.push(worker);
      this.outputs.push(output);
    }
  }

  /**
   * Scans the work; adds the workers' counts to `stats`; `found` is told of findings (Found). Stops every
   * worker when one fails or the plan asks (`watch`); the pool is closed either way. `alongside`: this
   * thread's own share, claimed from the same counter once the workers have the work.
   */
  async run(
    work: ParallelWork,
    stats: SourceStats,
    plan: ParallelPlan,
    found?: Found,
    alongside?: (claim: () => number) => WorkerOutput,
  ): Promise<ParallelResult> {
    this.found = found;
    for (const worker of this.workers) worker.postMessage(work);
    const stopped = new Promise<never>((_, reject) => plan.watch?.(reject));
    stopped.catch(() => {});
    const progress = plan.progress?.bind(plan);
    const timer = progress ? setInterval(() => progress(...this.totals()), PROGRESS_MS) : undefined;
    try {
      const own = alongside?.(() => Atomics.add(this.counter, 0, 1));
      const outputs = await Promise.race([Promise.all(this.outputs), stopped]);
      return merge(own ? [own, ...outputs] : outputs, stats);
    } finally {
      if (timer) clearInterval(timer);
      await this.close();
    }
  }

  /** Stops the workers (if still running). */
  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((worker) => worker.terminate()));
  }

  private totals(): [number, number] {
    let done = 0;
    let bytes = 0;
    for (let i = 0; i < this.tally.length; i += 2) {
      done += this.tally[i]!;
      bytes += this.tally[i + 1]!;
    }
    return [done, bytes];
  }
}

function merge(outputs: WorkerOutput[], stats: SourceStats): ParallelResult {
  const found: Array<{ unit: number; finding: Finding }> = [];
  let items = 0;
  let bytes = 0;
  for (const output of outputs) {
    found.push(...output.findings);
    items += output.items;
    bytes += output.bytes;
    for (const key of Object.keys(stats.skipped) as Array<keyof SourceStats['skipped']>) {
      stats.skipped[key] += output.stats.skipped[key];
    }
    stats.warnings.push(...output.stats.warnings);
    stats.errors.push(...output.stats.errors);
    stats.incomplete ||= output.stats.incomplete;
  }
  found.sort(
    (a, b) => a.unit - b.unit || a.finding.line - b.finding.line || a.finding.column - b.finding.column,
  );
  return { findings: found.map((f) => f.finding), items, bytes };
}

/** A worker's failure as an error of this thread: a source's expected failure keeps its code and data. */
function failureError(failure: WorkerFailure): Error {
  if ('code' in failure) return new SourceError(failure.code as SourceErrorCode, failure.data);
  return new Error(failure.message);
}
