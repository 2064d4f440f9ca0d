import type { ContentItem, Finding, Scanner } from '@keyward/core';
import type { WorktreeWork } from '@keyward/sources';
import { newSourceStats } from '@keyward/sources/source';
import { unitReader } from '@keyward/sources/units';
import { itemFindings } from './item-findings.js';

/** One thread's share of parallel work: its findings (with their unit, for a stable order) and counts. */
export interface WorkerOutput {
  /** Each finding with the index of the unit (file, or blob in pack order) it came from, for a stable order. */
  findings: Array<{ unit: number; finding: Finding }>;
  stats: ReturnType<typeof newSourceStats>;
  items: number;
  bytes: number;
}

/** Told of findings: each blob that gave some (history), or the first finding of a share (files). */
export type Found = (blobId?: string) => void;

/** An empty share, and how to add a scanned item to it; `found` is told of findings (see Found). */
export function unitCollector(
  scanner: Scanner,
  found: Found,
): { output: WorkerOutput; take: (unit: number, item: ContentItem) => void } {
  const output: WorkerOutput = { findings: [], stats: newSourceStats(), items: 0, bytes: 0 };
  const take = (unit: number, item: ContentItem) => {
    output.items++;
    output.bytes += item.bytes.length;
    const before = output.findings.length;
    for (const finding of itemFindings(scanner, item)) output.findings.push({ unit, finding });
    if (output.findings.length === before) return;
    if (item.blobId !== undefined) found(item.blobId);
    else if (before === 0) found();
  };
  return { output, take };
}

/**
 * Claims files of the working tree's list until none are left, reading and scanning each: what a worker
 * does, and what the main thread does beside its workers (it would otherwise only wait).
 */
export function scanWorktreeUnits(
  work: WorktreeWork,
  claim: () => number,
  scanner: Scanner,
  found: Found,
): WorkerOutput {
  const { output, take } = unitCollector(scanner, found);
  const read = unitReader(work, output.stats, { buffer: (size) => scanner.inputBuffer(size) });
  for (let unit = claim(); unit < work.files.count; unit = claim()) {
    const item = read(unit);
    if (item) take(unit, item);
  }
  return output;
}
