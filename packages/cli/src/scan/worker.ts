/**
 * A scan worker: claims the next unit of work from a counter shared with its siblings (workers that claim
 * balance far better than units dealt out in turn, DESIGN §7), reads it, scans it, and posts its findings
 * and counters back when the work runs out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createScanner, type Finding, type RuleSpec } from '@keyward/core';
import { newSourceStats, unitReader, type ParallelWork } from '@keyward/sources';
import { itemFindings } from './item-findings.js';

export interface WorkerInput {
  work: ParallelWork;
  rules: RuleSpec[];
  inlineAllow: boolean;
  /** Int32 at index 0: the next unit to claim. */
  counter: SharedArrayBuffer;
}

export interface WorkerOutput {
  /** Each finding with the index of the unit it came from, for a stable order. */
  findings: Array<{ unit: number; finding: Finding }>;
  stats: ReturnType<typeof newSourceStats>;
  items: number;
  bytes: number;
}

const input = workerData as WorkerInput;
const scanner = createScanner(input.rules, { inlineAllow: input.inlineAllow });
const stats = newSourceStats();
const read = unitReader(input.work, stats);
const counter = new Int32Array(input.counter);
const output: WorkerOutput = { findings: [], stats, items: 0, bytes: 0 };
for (
  let unit = Atomics.add(counter, 0, 1);
  unit < input.work.units.length;
  unit = Atomics.add(counter, 0, 1)
) {
  const item = read(unit);
  if (!item) continue;
  output.items++;
  output.bytes += item.bytes.length;
  for (const finding of itemFindings(scanner, item)) output.findings.push({ unit, finding });
}
parentPort!.postMessage(output);
