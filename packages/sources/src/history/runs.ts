/**
 * The worker side of a history scan on threads: reading a run of blobs and counting as the single-threaded
 * scan does. The main thread's side (splitting the list into runs) is work.ts: kept apart so the main
 * thread's chunk never loads worker code, nor the worker the listing's.
 */
import type { ContentItem } from '@keyward/core';
import { readObjects } from '../git/cat-file.js';
import { BlockingCatFile, type ObjectVisitor } from '../git/blocking-cat-file.js';
import { isBinary, type HistoryWork, type SourceStats } from '../source.js';
import { disappeared } from './disappeared.js';

/** A worker's way of reading its runs: blocking reads where it can (one named pipe, reused), else streams. */
export class RunReader {
  private readonly blocking: BlockingCatFile | undefined;

  /** `fifo`: this worker's named pipe (HistoryWork.pipes), if the platform has them. */
  constructor(fifo: string | undefined) {
    this.blocking = fifo === undefined ? undefined : new BlockingCatFile(fifo);
  }

  /**
   * Reads blobs `start` to `end` of `work`, visiting each with its offset in the run. The ids are taken
   * from the shared list as git needs them: a run of half a million blobs holds no array of id strings
   * (~64 bytes a blob, issue 18). git reads them from a list, written a piece of PIECE_IDS at a time (one
   * cat-file each), so the list a worker holds until its heap is next collected stays a few MB however
   * long the run.
   */
  async read(work: HistoryWork, start: number, end: number, visit: ObjectVisitor): Promise<void> {
    const blocking = this.blocking;
    if (!blocking) return streamObjects(work, start, end, visit);
    let index = 0;
    for (let from = start; from < end; from += PIECE_IDS) {
      const to = Math.min(end, from + PIECE_IDS);
      // The list is an argument only: nothing keeps it once git has it (begin writes it to a file).
      blocking.begin(work.git, idLines(work, from, to), to - from);
      for (let object = blocking.next(); object; object = blocking.next()) visit(index++, object);
      await blocking.finish();
    }
  }

  close(): void {
    this.blocking?.close();
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

/**
 * Blobs per cat-file in a worker's run: 5 MB of list each. Each new cat-file starts with a cold delta
 * cache, so pieces are kept large: a run of the 1-million-blob bench history takes 4 of them.
 */
const PIECE_IDS = 1 << 17;

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** Ids `start` to `end` of the shared list in hex, one a line, as git reads them. */
function idLines(work: HistoryWork, start: number, end: number): string {
  const { ids, width } = work;
  const out = Buffer.allocUnsafe((end - start) * (width * 2 + 1));
  let at = 0;
  for (let i = start * width; i < end * width; i += width) {
    for (let j = i; j < i + width; j++) {
      const byte = ids[j]!;
      out[at++] = HEX[byte >> 4]!;
      out[at++] = HEX[byte & 15]!;
    }
    out[at++] = 0x0a;
  }
  return out.toString('latin1');
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
