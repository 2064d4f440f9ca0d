import { Worker } from 'node:worker_threads';
import type { Finding, RuleSpec } from '@keyward/core';
import type { ParallelWork, SourceStats } from '@keyward/sources';
import type { WorkerInput, WorkerOutput } from './worker.js';

/** Whether this build can start scan workers (not when running from TypeScript sources, as in unit tests). */
export function canRunWorkers(): boolean {
  return import.meta.url.endsWith('.js');
}

/**
 * Scans parallel work on `jobs` worker threads. Findings come back in unit order (then position), so the
 * report is the same whatever the number of workers.
 */
export async function runParallel(
  work: ParallelWork,
  rules: readonly RuleSpec[],
  inlineAllow: boolean,
  jobs: number,
  stats: SourceStats,
): Promise<{ findings: Finding[]; items: number; bytes: number }> {
  const counter = new SharedArrayBuffer(4);
  const input: WorkerInput = { work, rules: [...rules], inlineAllow, counter };
  const workers = Array.from({ length: Math.max(1, Math.min(jobs, work.units.length)) }, () => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: input });
    return new Promise<WorkerOutput>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => code !== 0 && reject(new Error(`scan worker exited with code ${code}`)));
    });
  });
  const outputs = await Promise.all(workers);
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
