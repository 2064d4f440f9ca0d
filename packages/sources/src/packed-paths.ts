/**
 * The working tree's file list packed into shared memory for worker threads: each reads it in place (no
 * structured clone per worker, and no JS objects whose number the heap would grow with).
 */
export interface PackedPaths {
  /** UTF-8 text: for each file its absolute path, then its reported path. */
  text: SharedArrayBuffer;
  /** Int32 offsets into `text`: file i's paths start at [2i] and [2i + 1]; [2i + 2] ends them. */
  offsets: SharedArrayBuffer;
  count: number;
}

export interface PackedFile {
  abs: string;
  shown: string;
}

export function packPaths(files: Iterable<PackedFile>): PackedPaths {
  let text = Buffer.allocUnsafe(1 << 16);
  let offsets = new Int32Array(1 << 10);
  let used = 0;
  let count = 0;
  const append = (value: string): void => {
    const need = Buffer.byteLength(value);
    if (used + need > text.length) {
      const grown = Buffer.allocUnsafe(Math.max(text.length * 2, used + need));
      text.copy(grown, 0, 0, used);
      text = grown;
    }
    used += text.write(value, used);
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
  return (index) => ({
    abs: text.toString('utf8', offsets[2 * index]!, offsets[2 * index + 1]!),
    shown: text.toString('utf8', offsets[2 * index + 1]!, offsets[2 * index + 2]!),
  });
}

export function* unpackedPaths(packed: PackedPaths): Generator<PackedFile> {
  const read = packedPathReader(packed);
  for (let i = 0; i < packed.count; i++) yield read(i);
}
