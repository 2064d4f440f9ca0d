/**
 * Which lines of a new version of a file are added relative to an old version: the lines a minimal line
 * diff (what `git diff` shows) marks `+`. Computed here rather than by `git diff -U0` so that staged and
 * range scans need no extra git process, and so that `.gitattributes` (binary, textconv, external drivers)
 * can never hide a change from the scanner.
 *
 * Method: common prefix and suffix are stripped; a line whose text does not occur in the other side is
 * added outright (it cannot be in any common subsequence); Myers' O(ND) diff matches the rest. When the
 * rest differs too much (a large reordering), every remaining line counts as added: a key is never missed,
 * only lines moved within the file may be reported too.
 */

/** 1-based, inclusive line ranges. */
export type LineRanges = Array<[number, number]>;

/** Edit distance beyond which the exact diff is given up for the safe over-approximation. */
const MAX_EDITS = 1000;

/** Every line of the content, as a range (empty content: none). */
export function allLines(bytes: Uint8Array): LineRanges {
  const count = lineCount(bytes);
  return count === 0 ? [] : [[1, count]];
}

/** Number of lines: newlines, plus one for a last line without one. */
export function lineCount(bytes: Uint8Array): number {
  let count = 0;
  let pos = -1;
  for (;;) {
    pos = bytes.indexOf(10, pos + 1);
    if (pos === -1) break;
    count++;
  }
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 10) count++;
  return count;
}

/** Lines of `after` added relative to `before`. */
export function addedLines(before: Uint8Array, after: Uint8Array): LineRanges {
  // Most changes touch a few lines of a long file: skip the common head and tail byte-wise (natively),
  // at line boundaries, and split only what is left into lines.
  const head = lineAlignedPrefix(before, after);
  const tail = lineAlignedSuffix(before, after, head);
  const firstLine = countNewlines(after, 0, head);
  const middle = middleAddedLines(
    before.subarray(head, before.length - tail),
    after.subarray(head, after.length - tail),
  );
  return middle.map(([start, end]) => [start + firstLine, end + firstLine]);
}

function middleAddedLines(before: Uint8Array, after: Uint8Array): LineRanges {
  const ids = new Map<string, number>();
  const a = lineIds(before, ids);
  const b = lineIds(after, ids);
  const added = new Uint8Array(b.length);

  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }

  // Lines only one side has are edits outright; only lines both sides have need the diff.
  const inA = new Set<number>();
  for (let i = start; i < endA; i++) inA.add(a[i] as number);
  const inB = new Set<number>();
  for (let j = start; j < endB; j++) inB.add(b[j] as number);
  const keptA: number[] = [];
  for (let i = start; i < endA; i++) if (inB.has(a[i] as number)) keptA.push(a[i] as number);
  const keptB: number[] = [];
  const keptBIndex: number[] = [];
  for (let j = start; j < endB; j++) {
    const id = b[j] as number;
    if (inA.has(id)) {
      keptB.push(id);
      keptBIndex.push(j);
    } else added[j] = 1;
  }

  const inserted = myersInserted(keptA, keptB, MAX_EDITS);
  for (let k = 0; k < keptB.length; k++) {
    if (inserted === undefined || inserted[k]) added[keptBIndex[k] as number] = 1;
  }
  return toRanges(added);
}

/** Bytes both start with, cut back to the end of the last whole line among them. */
function lineAlignedPrefix(a: Uint8Array, b: Uint8Array): number {
  const same = commonLength(a, b, Math.min(a.length, b.length), (x, from, to) => x.subarray(from, to));
  if (same === a.length && same === b.length) return same;
  return same === 0 ? 0 : a.lastIndexOf(10, same - 1) + 1;
}

/** Bytes both end with (not overlapping the prefix), cut to start at a line start in both. */
function lineAlignedSuffix(a: Uint8Array, b: Uint8Array, prefix: number): number {
  const tailOf = (x: Uint8Array, from: number, to: number) => x.subarray(x.length - to, x.length - from);
  const same = commonLength(a, b, Math.min(a.length, b.length) - prefix, tailOf);
  if (same === 0) return 0;
  const startA = a.length - same;
  const startB = b.length - same;
  const atLineStart = (bytes: Uint8Array, at: number) => at === prefix || bytes[at - 1] === 10;
  if (atLineStart(a, startA) && atLineStart(b, startB)) return same;
  // Start the tail after its first newline: that position is a line start in both.
  const nl = a.indexOf(10, startA);
  return nl === -1 ? 0 : a.length - (nl + 1);
}

/**
 * How many leading units (bytes `[0, n)` as `slice` maps them) both have in common, found with native
 * comparisons only: whole 64 KiB chunks first, then a binary search inside the first chunk that differs.
 * (A byte loop would run cold in the interpreter on the hook's one-shot path.)
 */
function commonLength(
  a: Uint8Array,
  b: Uint8Array,
  n: number,
  slice: (x: Uint8Array, from: number, to: number) => Uint8Array,
): number {
  const equal = (from: number, to: number) => Buffer.compare(slice(a, from, to), slice(b, from, to)) === 0;
  let same = 0;
  const chunk = 64 * 1024;
  while (same < n && equal(same, Math.min(n, same + chunk))) same = Math.min(n, same + chunk);
  let high = Math.min(n, same + chunk); // [same, high) holds the first difference, if any
  while (high - same > 1) {
    const mid = (same + high) >>> 1;
    if (equal(same, mid)) same = mid;
    else high = mid;
  }
  if (same < n && equal(same, same + 1)) same++;
  return same;
}

function countNewlines(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let pos = bytes.indexOf(10, from); pos !== -1 && pos < to; pos = bytes.indexOf(10, pos + 1)) count++;
  return count;
}

/** Line texts as small integers (equal text, equal id), `\n` excluded. */
function lineIds(bytes: Uint8Array, ids: Map<string, number>): Int32Array {
  const out = new Int32Array(lineCount(bytes));
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let line = 0;
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end === -1) end = bytes.length;
    const key = text.toString('latin1', start, end);
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    out[line++] = id;
    start = end + 1;
  }
  return out;
}

/**
 * Myers' greedy diff: which elements of `b` are insertions in a shortest edit script from `a` to `b`.
 * Undefined when more than `maxEdits` edits are needed.
 */
export function myersInserted(a: number[], b: number[], maxEdits: number): Uint8Array | undefined {
  const n = a.length;
  const m = b.length;
  const inserted = new Uint8Array(m);
  if (n === 0) {
    inserted.fill(1);
    return inserted;
  }
  if (m === 0) return inserted;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    // V as it was before step d, for diagonals -d-1..d+1: what the backtrack reads.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
      let x = down ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        backtrack(trace, d, n, m, inserted);
        return inserted;
      }
    }
  }
  return undefined;
}

function backtrack(trace: Int32Array[], dFinal: number, n: number, m: number, inserted: Uint8Array): void {
  let x = n;
  let y = m;
  for (let d = dFinal; d > 0; d--) {
    const before = trace[d] as Int32Array;
    const at = (k: number) => before[k + d + 1] as number;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    if (down) inserted[prevY] = 1;
    x = prevX;
    y = prevY;
  }
}

function toRanges(flags: Uint8Array): LineRanges {
  const ranges: LineRanges = [];
  let i = 0;
  while (i < flags.length) {
    if (!flags[i]) {
      i++;
      continue;
    }
    const start = i;
    while (i < flags.length && flags[i]) i++;
    ranges.push([start + 1, i]);
  }
  return ranges;
}
