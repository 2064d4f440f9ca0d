/**
 * The worker side of a history scan on threads: reading a run of blobs and counting as the single-threaded
 * scan does. The main thread's side (splitting the list into runs) is work.ts: kept apart so the main
 * thread's chunk never loads worker code, nor the worker the listing's.
 */
import type { ContentItem } from '@keyward/core';
import { readObjects } from '../git/cat-file.js';
import { BlockingCatFile, type ObjectVisitor } from '../git/blocking-cat-file.js';
import type { GitContext } from '../git/exec.js';
import { isBinary, type HistoryWork, type SourceStats } from '../source.js';
import { disappeared } from './disappeared.js';

/** A worker's way of reading its runs: blocking reads where it can (one named pipe, reused), else streams. */
export class RunReader {
  private readonly blocking: BlockingCatFile | undefined;

  /** `fifo`: this worker's named pipe (HistoryWork.pipes), if the platform has them. */
  constructor(fifo: string | undefined) {
    this.blocking = fifo === undefined ? undefined : new BlockingCatFile(fifo);
  }

  read(context: GitContext, oids: string[], visit: ObjectVisitor): Promise<void> {
    if (this.blocking) return this.blocking.read(context, `${oids.join('\n')}\n`, oids.length, visit);
    return streamObjects(context, oids, visit);
  }

  close(): void {
    this.blocking?.close();
  }
}

async function streamObjects(context: GitContext, oids: string[], visit: ObjectVisitor): Promise<void> {
  let index = 0;
  const requests = oids.map((oid) => ({ oid }));
  for await (const object of readObjects(context, requests, { highWater: 8 << 20, reuseBuffer: true })) {
    visit(index++, object.status === 'ok' ? object : { status: 'missing', oid: object.oid });
  }
}

/** A run's running totals, as the single-threaded scan counts them (progress and `SourceStats`). */
export interface RunTally {
  /** Blobs taken (scanned or skipped). */
  done: number;
  /** Bytes of the blobs read. */
  bytes: number;
}

/**
 * Reads run `run` of the work and hands each text blob to `scan` with its index in the whole list (pack
 * order: the order the single-threaded scan sees them in). Counts as that scan does: binary blobs skipped,
 * a blob gone since it was listed (a concurrent gc) makes the scan incomplete. The item's bytes are valid
 * only during the call; its path is the blob id until `resolve` traces it.
 */
export async function readHistoryRun(
  work: HistoryWork,
  run: number,
  reader: RunReader,
  stats: SourceStats,
  tally: RunTally,
  scan: (index: number, item: ContentItem) => void,
): Promise<void> {
  const { start, end } = work.runs[run]!;
  const oids: string[] = [];
  for (let i = start; i < end; i++) oids.push(oidAt(work, i));
  await reader.read(work.git, oids, (offset, object) => {
    const oid = oids[offset]!;
    tally.done++;
    if (object.status !== 'ok') {
      stats.incomplete = true;
      stats.warnings.push(disappeared(oid));
      return;
    }
    tally.bytes += object.size;
    if (isBinary(object.bytes)) {
      stats.skipped.binary++;
      return;
    }
    scan(start + offset, { path: oid, bytes: object.bytes, blobId: oid });
  });
}

function oidAt(work: HistoryWork, index: number): string {
  const at = index * work.width;
  return Buffer.from(work.ids.buffer, work.ids.byteOffset + at, work.width).toString('hex');
}
