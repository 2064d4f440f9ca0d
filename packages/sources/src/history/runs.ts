/**
 * The worker side of a history scan on threads: reading a run of blobs and counting as the single-threaded
 * scan does. The main thread's side (splitting the list into runs) is work.ts: kept apart so the main
 * thread's chunk never loads worker code, nor the worker the listing's.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import type { ContentItem } from '@keyward/core';
import { readObjects } from '../git/cat-file.js';
import { BlockingCatFile, type ObjectVisitor } from '../git/blocking-cat-file.js';
import { isBinary, type HistoryWork, type SourceStats } from '../source.js';
import { disappeared } from './disappeared.js';

/** Ids per write of the list: one reused buffer of 2.6 MB (SHA-1). */
const LIST_CHUNK = 1 << 16;

/**
 * A worker's way of reading its runs: blocking reads where it can (one named pipe, reused, git reading the
 * run's ids from a file written beside it), else streams.
 */
export class RunReader {
  private readonly blocking: BlockingCatFile | undefined;
  private readonly listFile: string | undefined;

  /** `fifo`: this worker's named pipe (HistoryWork.pipes), if the platform has them; `niceness`: git's. */
  constructor(fifo: string | undefined, niceness?: number) {
    this.blocking =
      fifo === undefined ? undefined : new BlockingCatFile(fifo, niceness === undefined ? {} : { niceness });
    this.listFile = fifo === undefined ? undefined : `${fifo}.ids`;
  }

  /**
   * Reads blobs `start` to `end` of `work`, visiting each with its offset in the run. The ids go from the
   * shared list to a file for git, a chunk at a time through one buffer: a run of half a million blobs
   * holds no id strings (~64 bytes a blob, and a list string of 41 that a worker's heap might not collect
   * until its run ends, issue 18).
   */
  async read(work: HistoryWork, start: number, end: number, visit: ObjectVisitor): Promise<void> {
    const { blocking, listFile } = this;
    if (!blocking || !listFile) return streamObjects(work, start, end, visit);
    writeIdList(listFile, work, start, end);
    blocking.beginFile(work.git, listFile, end - start);
    let index = 0;
    for (let object = blocking.next(); object; object = blocking.next()) visit(index++, object);
    await blocking.finish();
  }

  close(): void {
    this.blocking?.close();
    if (this.listFile) rmSync(this.listFile, { force: true });
  }
}

async function streamObjects(
  work: HistoryWork,
  start: number,
  end: number,
  visit: ObjectVisitor,
): Promise<void> {
  let index = 0;
  const requests = {
    length: end - start,
    *[Symbol.iterator]() {
      for (let i = start; i < end; i++) yield { oid: oidAt(work, i) };
    },
  };
  for await (const object of readObjects(work.git, requests, { highWater: 8 << 20, reuseBuffer: true })) {
    visit(index++, object.status === 'ok' ? object : { status: 'missing', oid: object.oid });
  }
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** Writes ids `start` to `end` of the shared list to `file` in hex, one a line, as git reads them. */
function writeIdList(file: string, work: HistoryWork, start: number, end: number): void {
  const { ids, width } = work;
  const out = Buffer.allocUnsafe(Math.min(LIST_CHUNK, end - start) * (width * 2 + 1));
  const fd = openSync(file, 'w', 0o600);
  try {
    for (let from = start; from < end; from += LIST_CHUNK) {
      const to = Math.min(end, from + LIST_CHUNK);
      let at = 0;
      for (let i = from * width; i < to * width; i += width) {
        for (let j = i; j < i + width; j++) {
          const byte = ids[j]!;
          out[at++] = HEX[byte >> 4]!;
          out[at++] = HEX[byte & 15]!;
        }
        out[at++] = 0x0a;
      }
      for (let written = 0; written < at;) written += writeSync(fd, out, written, at - written);
    }
  } finally {
    closeSync(fd);
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
  await reader.read(work, start, end, (offset, object) => {
    tally.done++;
    if (object.status !== 'ok') {
      stats.incomplete = true;
      stats.warnings.push(disappeared(object.oid));
      return;
    }
    tally.bytes += object.size;
    if (isBinary(object.bytes)) {
      stats.skipped.binary++;
      return;
    }
    scan(start + offset, { path: object.oid, bytes: object.bytes, blobId: object.oid });
  });
}

function oidAt(work: HistoryWork, index: number): string {
  const at = index * work.width;
  return Buffer.from(work.ids.buffer, work.ids.byteOffset + at, work.width).toString('hex');
}
