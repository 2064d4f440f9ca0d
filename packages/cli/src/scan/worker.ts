/**
 * A scan worker: builds its scanner as soon as it starts, waits for its work, then claims the next unit of
 * work from a counter shared with its siblings (workers that claim balance far better than units dealt
 * out in turn, DESIGN §7), reads it, scans it, and posts its findings and counters back when the work
 * runs out. A unit is a file (working tree) or a run of blobs read through the worker's own cat-file
 * (history).
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createScanner, type ContentItem, type RuleSpec, type Scanner } from '@keyward/core';
import {
  isSourceError,
  readHistoryRun,
  RunReader,
  type HistoryWork,
  type ParallelWork,
  type RunTally,
} from '@keyward/sources';
import { bundledAnchorPlan } from './anchor-plan.js';
import { scanWorktreeUnits, unitCollector, type WorkerOutput } from './scan-units.js';

export type { WorkerOutput } from './scan-units.js';

export interface WorkerInput {
  rules: RuleSpec[];
  inlineAllow: boolean;
  /** Int32 at index 0: the next unit to claim. */
  counter: SharedArrayBuffer;
  /** Float64 pairs, one per worker (`slot`): objects done and bytes read, for progress. */
  tally: SharedArrayBuffer;
  /** This worker's index among its siblings. */
  slot: number;
}

/** Why a worker stopped: a source's expected failure (code and data), or anything else (a message). */
export type WorkerFailure = { code: string; data: Record<string, string | number> } | { message: string };

/** `found`: the worker's first finding, told at once (the source may start what resolving needs). */
export type WorkerMessage = { output: WorkerOutput } | { failure: WorkerFailure } | { found: string | true };

const input = workerData as WorkerInput;
const counter = input ? new Int32Array(input.counter) : undefined;
const claim = () => Atomics.add(counter!, 0, 1);
let scanner: Scanner;

// Only in a worker thread: the bundler may place modules the main thread shares with this entry in its
// chunk, and the main thread must then be able to load it without starting anything.
if (!isMainThread && input) {
  scanner = createScanner(input.rules, { inlineAllow: input.inlineAllow, anchorPlan: bundledAnchorPlan });
  parentPort!.once('message', (work: ParallelWork) => {
    scan(work).then(
      (output) => parentPort!.postMessage({ output } satisfies WorkerMessage),
      (error: unknown) => parentPort!.postMessage({ failure: failureOf(error) } satisfies WorkerMessage),
    );
  });
}

async function scan(work: ParallelWork): Promise<WorkerOutput> {
  const found = (blobId?: string) =>
    parentPort!.postMessage({ found: blobId ?? true } satisfies WorkerMessage);
  if (work.kind === 'worktree') return scanWorktreeUnits(work, claim, scanner, found);
  const { output, take } = unitCollector(scanner, found);
  await scanRuns(work, output, take);
  return output;
}

async function scanRuns(
  work: HistoryWork,
  output: WorkerOutput,
  take: (unit: number, item: ContentItem) => void,
): Promise<void> {
  const reader = new RunReader(work.pipes?.[input.slot], work.niceness);
  const tally = sharedTally(new Float64Array(input.tally), input.slot * 2);
  try {
    for (let run = claim(); run < work.runs.length; run = claim()) {
      await readHistoryRun(work, run, reader, output.stats, tally, take);
    }
  } finally {
    reader.close();
  }
}

/** Counts written straight into shared memory, where the main thread reads them for progress. */
function sharedTally(cells: Float64Array, at: number): RunTally {
  return {
    get done() {
      return cells[at]!;
    },
    set done(value: number) {
      cells[at] = value;
    },
    get bytes() {
      return cells[at + 1]!;
    },
    set bytes(value: number) {
      cells[at + 1] = value;
    },
  };
}

function failureOf(error: unknown): WorkerFailure {
  if (isSourceError(error)) return { code: error.code, data: error.data };
  return { message: error instanceof Error ? error.message : String(error) };
}
