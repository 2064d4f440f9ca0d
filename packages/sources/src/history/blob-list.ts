import type { ObjectRequest } from '../git/cat-file.js';
import { startGit, type GitContext, type StartedGit } from '../git/exec.js';

/** Which shard of the blobs to keep: `index` of `count`, 1-based (`--shard 2/4`). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Blob ids in pack order, stored compactly (raw id bytes and a cost each: 24 bytes a blob) so that
 * listing a repository with millions of blobs stays small. The ids are in shared memory, so scan
 * workers read the one copy (work.ts). Iterating yields cat-file requests in the same order.
 */
export class BlobList implements Iterable<ObjectRequest> {
  private ids: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  /** Per blob: what reading and scanning it costs, in bytes' worth (see `push`); for balancing only. */
  private costs = new Float32Array(0);
  private width = 0;
  length = 0;
  /** Sum of the listed blobs' sizes. */
  bytes = 0;

  /**
   * Adds a blob of `size` bytes, `packed` of them in the pack (0: unknown). Its cost, which `split`
   * balances, counts the packed bytes too: git inflates those, and a run of whole objects costs it far
   * more than a run of small deltas with the same content. Measured on the bench's mid history, two runs
   * split by size alone took git 0.16 s and 0.09 s of CPU; split by size + 3 x packed, each run (git's
   * reading plus keyward's scan) took about the same.
   */
  push(oid: string, size: number, packed = 0): void {
    this.room(oid.length / 2);
    this.ids.write(oid, this.length * this.width, this.width, 'hex');
    this.added(size, packed);
  }

  /**
   * The same, for an id given as `hexLength` hex digits at `at` in `text` (git's output as it came): no
   * string is made for it (a listing of millions of objects made one a line, then decoded it again).
   */
  pushHex(text: Uint8Array, at: number, hexLength: number, size: number, packed = 0): void {
    this.room(hexLength / 2);
    const ids = this.ids;
    let to = this.length * this.width;
    for (let i = at; i < at + hexLength; i += 2) ids[to++] = (NIBBLE[text[i]!]! << 4) | NIBBLE[text[i + 1]!]!;
    this.added(size, packed);
  }

  /** Room for one more id of `width` bytes. */
  private room(width: number): void {
    if (this.width === 0) {
      this.width = width;
      this.ids = Buffer.from(new SharedArrayBuffer(1024 * this.width));
      this.costs = new Float32Array(1024);
    }
    if (this.length === this.costs.length) {
      const ids = Buffer.from(new SharedArrayBuffer(this.ids.length * 2));
      this.ids.copy(ids);
      this.ids = ids;
      const costs = new Float32Array(this.costs.length * 2);
      costs.set(this.costs);
      this.costs = costs;
    }
  }

  private added(size: number, packed: number): void {
    this.costs[this.length] = size + PACKED_WEIGHT * packed;
    this.length++;
    this.bytes += size;
  }

  oid(index: number): string {
    const start = index * this.width;
    return this.ids.toString('hex', start, start + this.width);
  }

  /** Bytes per raw id (20 for SHA-1, 32 for SHA-256; 0 while empty). */
  get idWidth(): number {
    return this.width;
  }

  /**
   * The raw ids, `idWidth` bytes each, in list order: a view of shared memory (a worker given it sees the
   * same bytes), valid until the next push.
   */
  idBytes(): Uint8Array {
    return this.ids.subarray(0, this.length * this.width);
  }

  /** What reading and scanning blob `index` costs, in bytes' worth (see `push`). */
  cost(index: number): number {
    return this.costs[index] ?? 0;
  }

  *[Symbol.iterator](): Iterator<ObjectRequest> {
    yield* this.range(0, this.length);
  }

  /** Blobs `start` to `end` (exclusive) as cat-file requests: a part one reader can take. */
  range(start: number, end: number): { length: number } & Iterable<ObjectRequest> {
    const oid = (i: number) => this.oid(i);
    return {
      length: end - start,
      *[Symbol.iterator]() {
        for (let i = start; i < end; i++) yield { oid: oid(i) };
      },
    };
  }

  /**
   * Splits the list into `parts` runs of about equal cost (see `push`), each still in pack order (so each
   * reader keeps its delta cache warm): the work of one cat-file process (or worker) each.
   */
  split(parts: number): Array<{ start: number; end: number }> {
    const out: Array<{ start: number; end: number }> = [];
    let total = 0;
    for (let i = 0; i < this.length; i++) total += this.costs[i]!;
    const share = total / Math.max(1, parts);
    let start = 0;
    let sum = 0;
    for (let i = 0; i < this.length && out.length < parts - 1; i++) {
      sum += this.costs[i]!;
      if (sum >= share * (out.length + 1)) {
        out.push({ start, end: i + 1 });
        start = i + 1;
      }
    }
    out.push({ start, end: this.length });
    return out.filter((part) => part.end > part.start);
  }
}

export interface ListedObjects {
  blobs: BlobList;
  /** Commits in the object store (their ids, compactly; sizes unused). */
  commits: BlobList;
  /** Blobs left out for being over the size cap. */
  tooLarge: number;
}

/** Whether a blob belongs to a shard: decided by its id, so every run (and every CI job) agrees. */
export function inShard(oid: string, shard: Shard): boolean {
  return (parseInt(oid.slice(0, 8), 16) % shard.count) + 1 === shard.index;
}

/** Which blobs a listing keeps: at most `maxBlobSize` bytes (larger ones counted), in `shard`, `accept`ed. */
export interface ListFilter {
  maxBlobSize?: number;
  shard?: Shard;
  accept?: (oid: string) => boolean;
}

/** What git prints a listed object as: the line `take` parses. */
const LISTING_FORMAT = '%(objecttype) %(objectname) %(objectsize) %(objectsize:disk)';

/**
 * Every blob in the object store (packs, loose objects, alternates), each once, in pack order
 * (`--unordered`: reading them in this order keeps git's delta cache warm, ~4x faster than id order).
 * Blobs over `maxBlobSize` are counted, not listed; `accept` and `shard` narrow the list.
 */
export async function listBlobs(context: GitContext, options: ListFilter = {}): Promise<ListedObjects> {
  const args = ['cat-file', '--batch-all-objects', `--batch-check=${LISTING_FORMAT}`, '--unordered'];
  const out: ListedObjects = { blobs: new BlobList(), commits: new BlobList(), tooLarge: 0 };
  await readListing(startGit(args, context), out, options);
  return out;
}

/**
 * The same for the objects `oids` (hex) alone, added to `out`: an incremental audit lists only what is
 * new to it. Ids the store lacks are passed by (git prints `<id> missing`).
 */
export async function listObjects(
  context: GitContext,
  oids: readonly string[],
  out: ListedObjects,
  options: ListFilter = {},
): Promise<void> {
  if (oids.length === 0) return;
  const args = ['cat-file', `--batch-check=${LISTING_FORMAT}`];
  await readListing(startGit(args, context, oids.map((oid) => `${oid}\n`).join('')), out, options);
}

async function readListing(
  { child, finished }: StartedGit,
  out: ListedObjects,
  options: ListFilter,
): Promise<void> {
  const max = options.maxBlobSize ?? Number.POSITIVE_INFINITY;
  let rest: Buffer | undefined;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    const text = rest ? Buffer.concat([rest, chunk]) : chunk;
    const whole = text.lastIndexOf(LF) + 1;
    take(text, whole, out, max, options);
    rest = whole < text.length ? Buffer.from(text.subarray(whole)) : undefined;
  }
  if (rest) take(Buffer.concat([rest, Buffer.from([LF])]), rest.length + 1, out, max, options);
  await finished();
}

const LF = 0x0a;
const SPACE = 0x20;
const BLOB = Buffer.from('blob ');
const COMMIT = Buffer.from('commit ');
/** Hex digit values by byte (git prints ids in lower case). */
const NIBBLE = new Uint8Array(256);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;

/**
 * The blob and commit lines of the listing's first `end` bytes, `<type> <id> <size> <packed>`, read as
 * bytes: trees (two thirds of the lines) are passed by with one search for the line's end, and an id
 * becomes a string only when a shard or `accept` must see it. Measured on the 1-million-blob history
 * (1.65 million lines): 1.2-1.5 s of this process's CPU with a regular expression over the decoded text
 * and an id string a line.
 */
function take(
  text: Buffer,
  end: number,
  out: ListedObjects,
  max: number,
  options: { shard?: Shard; accept?: (oid: string) => boolean },
): void {
  const named = options.shard !== undefined || options.accept !== undefined;
  for (let at = 0; at < end;) {
    const lineEnd = text.indexOf(LF, at);
    const next = lineEnd + 1;
    const isCommit = startsWith(text, at, COMMIT);
    if (!isCommit && !startsWith(text, at, BLOB)) {
      at = next;
      continue;
    }
    const idStart = at + (isCommit ? COMMIT.length : BLOB.length);
    const idEnd = text.indexOf(SPACE, idStart);
    const hexLength = idEnd - idStart;
    if (idEnd === -1 || idEnd > lineEnd || hexLength < 2) {
      at = next;
      continue;
    }
    if (isCommit) {
      out.commits.pushHex(text, idStart, hexLength, 0);
      at = next;
      continue;
    }
    const sizeEnd = text.indexOf(SPACE, idEnd + 1);
    const size = digits(text, idEnd + 1, sizeEnd);
    const packed = digits(text, sizeEnd + 1, lineEnd);
    at = next;
    if (named) {
      const oid = text.toString('latin1', idStart, idEnd);
      if (options.shard && !inShard(oid, options.shard)) continue;
      if (options.accept && !options.accept(oid)) continue;
    }
    if (size > max) out.tooLarge++;
    else out.blobs.pushHex(text, idStart, hexLength, size, packed);
  }
}

function startsWith(text: Buffer, at: number, prefix: Buffer): boolean {
  for (let i = 0; i < prefix.length; i++) if (text[at + i] !== prefix[i]) return false;
  return true;
}

/** The decimal number in `text[from, to)`. */
function digits(text: Buffer, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + (text[i]! - 0x30);
  return value;
}

/** Bytes of the pack count this many times a blob's own bytes in its cost (see BlobList.push). */
const PACKED_WEIGHT = 3;
