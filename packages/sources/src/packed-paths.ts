import { isUtf8 } from 'node:buffer';

/**
 * The working tree's file list packed into shared memory for worker threads: each reads it in place (no
 * structured clone per worker, and no JS objects whose number the heap would grow with).
 */
export interface PackedPaths {
  /** For each file its absolute path (UTF-8, or its raw bytes when it is not UTF-8), then its reported path. */
  text: SharedArrayBuffer;
  /** Int32 offsets into `text`: file i's paths start at [2i] and [2i + 1]; [2i + 2] ends them. */
  offsets: SharedArrayBuffer;
  count: number;
}

export interface PackedFile {
  /** A path, or the raw bytes of one that is not valid UTF-8 (worktree.ts). */
  abs: string | Buffer;
  shown: string;
}

export function packPaths(files: Iterable<PackedFile>): PackedPaths {
  let text = Buffer.allocUnsafe(1 << 16);
  let offsets = new Int32Array(1 << 10);
  let used = 0;
  let count = 0;
  const append = (value: string | Buffer): void => {
    const need = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
    if (used + need > text.length) {
      const grown = Buffer.allocUnsafe(Math.max(text.length * 2, used + need));
      text.copy(grown, 0, 0, used);
      text = grown;
    }
    used += typeof value === 'string' ? text.write(value, used) : value.copy(text, used);
  };
  for (const file of files) {
    if (2 * count + 3 > offsets.length) {
      const grown = new Int32Array(offsets.length * 2);
      grown.set(offsets);
      offsets = grown;
    }
    offsets[2 * count] = used;
    append(file.abs);
    offsets[2 * count + 1] = used;
    append(file.shown);
    count++;
  }
  offsets[2 * count] = used;
  const sharedText = new SharedArrayBuffer(Math.max(used, 1));
  Buffer.from(sharedText).set(text.subarray(0, used));
  const sharedOffsets = new SharedArrayBuffer(4 * (2 * count + 1));
  new Int32Array(sharedOffsets).set(offsets.subarray(0, 2 * count + 1));
  return { text: sharedText, offsets: sharedOffsets, count };
}

/** File `index` of a packed list. */
export function packedPathReader(packed: PackedPaths): (index: number) => PackedFile {
  const text = Buffer.from(packed.text);
  const offsets = new Int32Array(packed.offsets);
  return (index) => {
    const start = offsets[2 * index]!;
    const end = offsets[2 * index + 1]!;
    const abs = text.toString('utf8', start, end);
    // Bytes that are not UTF-8 decode to U+FFFD, a name no file has: such a path goes back as its bytes.
    const raw = abs.includes('\uFFFD') && !isUtf8(text.subarray(start, end));
    return {
      abs: raw ? Buffer.from(text.subarray(start, end)) : abs,
      shown: text.toString('utf8', end, offsets[2 * index + 2]!),
    };
  };
}

export function* unpackedPaths(packed: PackedPaths): Generator<PackedFile> {
  const read = packedPathReader(packed);
  for (let i = 0; i < packed.count; i++) yield read(i);
}
