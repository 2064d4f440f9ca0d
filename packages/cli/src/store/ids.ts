/**
 * Sets of blob ids as one sorted buffer of raw ids (`width` bytes each): 20 bytes an id in memory as on
 * disk, a lookup is a binary search, a union is one merge.
 */

/** Whether `hex` is among the sorted `ids`. `scratch` holds at least `width` bytes (reused, no allocation). */
export function hasId(ids: Buffer, width: number, hex: string, scratch: Buffer): boolean {
  scratch.write(hex, 0, width, 'hex');
  let low = 0;
  let high = ids.length / width - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const order = ids.compare(scratch, 0, width, mid * width, mid * width + width);
    if (order === 0) return true;
    if (order < 0) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

/**
 * Raw ids in any order, sorted and each once. As latin1 strings, one character a byte, JavaScript's
 * string order is the bytes' order: the engine's own sort does the work.
 */
export function sortIds(raw: Uint8Array, width: number): Buffer {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  const keys: string[] = [];
  for (let at = 0; at < bytes.length; at += width) keys.push(bytes.toString('latin1', at, at + width));
  keys.sort();
  const out = Buffer.allocUnsafe(keys.length * width);
  let length = 0;
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && keys[i] === keys[i - 1]) continue;
    out.write(keys[i]!, length, width, 'latin1');
    length += width;
  }
  return out.subarray(0, length);
}

/** The union of two sorted id buffers, sorted, each id once. */
export function unionIds(a: Buffer, b: Buffer, width: number): Buffer {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = Buffer.allocUnsafe(a.length + b.length);
  let i = 0;
  let j = 0;
  let length = 0;
  while (i < a.length && j < b.length) {
    const order = a.compare(b, j, j + width, i, i + width);
    if (order <= 0) {
      a.copy(out, length, i, i + width);
      i += width;
      if (order === 0) j += width;
    } else {
      b.copy(out, length, j, j + width);
      j += width;
    }
    length += width;
  }
  length += a.copy(out, length, i);
  length += b.copy(out, length, j);
  return out.subarray(0, length);
}
