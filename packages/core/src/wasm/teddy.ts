/**
 * Plans the Teddy prefilter for a set of anchor literals and encodes it into the bytes the WebAssembly scan
 * reads (layout documented in anchors.wat). Pure data, no WebAssembly here, so the tables are unit-testable.
 *
 * Teddy: each literal goes into one of 8 or 16 buckets (two sets of 8, "fat Teddy"; anchors.wat). For each of
 * the first 3 bytes of a literal, the bucket's bit is set in a "low nibble" and a "high nibble" table; a
 * position may start a literal of bucket b only if, for k = 0..2, byte p+k's low and high nibbles both have bit
 * b set at table k. Nibble tables over-approximate (a bucket accepts every low × high combination of its
 * literals' bytes), so which literals share a bucket decides how many false candidates reach verification: the
 * planner groups literals to keep that low.
 */
import { CLASS, type AssignmentGate } from '../generic.js';

export const TEDDY_BUCKETS = 16;
/** Bytes of each literal the SIMD tables look at; shorter literals are not supported by the WASM finder. */
export const TEDDY_WINDOW = 3;
/** More literals than this would crowd the buckets (and outgrow the configuration layout below). */
export const TEDDY_MAX_LITERALS = 128;

/**
 * Byte frequencies of source code (per 10,000 bytes, at least 1), measured on 78 MB of npm package files
 * (.js/.ts/.json/.md). Only used to estimate how often a bucket fires while grouping literals.
 */
const BYTE_WEIGHTS = [
  1, 1, 1, 1, 1, 1, 1, 1, 1, 79, 205, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1536, 13,
  94, 4, 8, 1, 23, 30, 122, 122, 63, 11, 120, 49, 136, 69, 45, 34, 36, 17, 15, 12, 14, 10, 13, 10, 68, 76, 6,
  102, 14, 14, 8, 123, 38, 61, 43, 61, 29, 13, 11, 58, 10, 13, 24, 25, 32, 26, 30, 26, 28, 50, 46, 15, 9, 10,
  3, 9, 3, 23, 22, 22, 2, 95, 32, 376, 65, 222, 185, 738, 124, 133, 126, 390, 17, 45, 233, 134, 416, 399, 180,
  12, 425, 372, 540, 184, 58, 47, 49, 92, 10, 55, 21, 55, 1, 1, 4, 4, 4, 2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1,
  1, 1, 2, 1, 1, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 11, 5, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 7, 1, 4, 2, 2, 1, 1, 1, 2, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1,
];

export interface TeddyPlan {
  /** Lower-cased literals, indexed by anchor id. */
  readonly literals: readonly string[];
  /**
   * Anchor ids of each bucket, each in increasing id order: 8 lists (some maybe empty) when the scan needs only
   * the first set of tables, else TEDDY_BUCKETS.
   */
  readonly buckets: readonly (readonly number[])[];
  /** lo[k * 16 + nibble] / hi[k * 16 + nibble]: bucket bits for window byte k (k < TEDDY_WINDOW). */
  readonly lo: Uint16Array;
  readonly hi: Uint16Array;
  readonly minLength: number;
  readonly maxLength: number;
}

/**
 * The part of a plan worth keeping (the bucket search is what planning spends its time on; the nibble
 * tables follow from the buckets): JSON-ready, made at build time and read at run time.
 */
export interface TeddyPlanData {
  literals: string[];
  buckets: number[][];
}

export function teddyPlanData(plan: TeddyPlan): TeddyPlanData {
  return { literals: [...plan.literals], buckets: plan.buckets.map((bucket) => [...bucket]) };
}

/**
 * The plan `data` describes, or undefined when no finder could use it. Whatever the file held, a plan built
 * here finds every literal: the buckets must hold each literal exactly once, and the tables are rebuilt from
 * them. A damaged file costs the planning it was meant to spare, never a missed key.
 */
export function teddyPlanFromData(data: unknown): TeddyPlan | undefined {
  const d = data as Partial<TeddyPlanData> | null;
  if (!d || typeof d !== 'object') return undefined;
  const { literals, buckets } = d;
  if (!Array.isArray(literals) || !literals.every((l) => typeof l === 'string')) return undefined;
  if (teddyUnsupportedReason(literals) !== undefined) return undefined;
  if (!Array.isArray(buckets) || (buckets.length !== 8 && buckets.length !== TEDDY_BUCKETS)) return undefined;
  if (!buckets.every((bucket) => Array.isArray(bucket))) return undefined;
  const ids = buckets.flat();
  if (!ids.every((id) => Number.isInteger(id) && id >= 0 && id < literals.length)) return undefined;
  if (ids.length !== literals.length || new Set(ids).size !== literals.length) return undefined;
  return planWithBuckets(
    literals.map((l) => l.toLowerCase()),
    buckets.map((bucket) => [...bucket].sort((a, b) => a - b)),
  );
}

/** Why the WASM finder cannot take these literals, or undefined when it can. */
export function teddyUnsupportedReason(literals: readonly string[]): string | undefined {
  if (literals.length === 0) return 'no anchor literals';
  if (literals.length > TEDDY_MAX_LITERALS) return `more than ${TEDDY_MAX_LITERALS} anchor literals`;
  for (const l of literals) {
    if (l.length < TEDDY_WINDOW) return `anchor ${JSON.stringify(l)} is shorter than ${TEDDY_WINDOW} bytes`;
    for (let i = 0; i < l.length; i++) {
      if (l.charCodeAt(i) > 0x7f) return `anchor ${JSON.stringify(l)} is not ASCII`;
    }
  }
  return undefined;
}

/** The byte values a literal byte matches: both cases for an ASCII letter. */
export function byteVariants(code: number): number[] {
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x7a ? [lower, lower & ~0x20] : [code];
}

/** Words per nibble-set record: [lo0, hi0, lo1, hi1, lo2, hi2], bit n set when nibble n is accepted. */
const SET_WORDS = 2 * TEDDY_WINDOW;

/** Nibble sets of each literal, SET_WORDS masks per literal; a bucket's sets are the OR of its literals'. */
function literalSets(literals: readonly string[]): Int32Array {
  const sets = new Int32Array(literals.length * SET_WORDS);
  literals.forEach((literal, id) => {
    for (let k = 0; k < TEDDY_WINDOW; k++) {
      for (const v of byteVariants(literal.charCodeAt(k))) {
        sets[id * SET_WORDS + 2 * k]! |= 1 << (v & 15);
        sets[id * SET_WORDS + 2 * k + 1]! |= 1 << (v >> 4);
      }
    }
  });
  return sets;
}

let quarterWeights: Int32Array | undefined;

/**
 * quarterWeightTable()[64 * h + 16 * q + m]: the total weight of the bytes 16 * h + 4 * q + i for every bit i set
 * in the 4-bit mask m, so that a bucket's weight over one high nibble is 4 look-ups, not one addition per low
 * nibble (the planner runs in V8's interpreter at start-up: ~1,000 additions here spare ~100,000 there; integers,
 * because a Float64Array's values become heap numbers there). Built on the first plan, not at import: the
 * pre-commit hook imports this module and never plans.
 */
function quarterWeightTable(): Int32Array {
  if (quarterWeights) return quarterWeights;
  const table = new Int32Array(16 * 64);
  for (let quarter = 0; quarter < 64; quarter++) {
    for (let m = 1; m < 16; m++) {
      table[16 * quarter + m] =
        table[16 * quarter + (m & (m - 1))]! + BYTE_WEIGHTS[4 * quarter + 31 - Math.clz32(m & -m)]!;
    }
  }
  return (quarterWeights = table);
}

/**
 * How often a bucket whose sets are `sets[at..]` OR `extra[extraAt..]` fires, per position of source code: the
 * product over window bytes of the accepted bytes' weight (bytes taken as independent: it underestimates the
 * rate measured on npm code by 1.2-2x, but ranks plans the same way).
 */
function bucketRate(sets: Int32Array, at: number, extra: Int32Array, extraAt: number): number {
  const weights = quarterWeightTable();
  let rate = 1;
  for (let k = 0; k < TEDDY_WINDOW; k++) {
    const lo = sets[at + 2 * k]! | extra[extraAt + 2 * k]!;
    let w = 0;
    for (let his = sets[at + 2 * k + 1]! | extra[extraAt + 2 * k + 1]!; his !== 0; his &= his - 1) {
      const row = 64 * (31 - Math.clz32(his & -his));
      w +=
        weights[row + (lo & 15)]! +
        weights[row + 16 + ((lo >> 4) & 15)]! +
        weights[row + 32 + ((lo >> 8) & 15)]! +
        weights[row + 48 + ((lo >> 12) & 15)]!;
    }
    rate *= w / 10_000;
  }
  return rate;
}

/**
 * Cost of a bucket holding `members` literals: its rate (bucketRate) times the work per firing (the lane, plus
 * one check per literal).
 */
function bucketCost(
  sets: Int32Array,
  at: number,
  extra: Int32Array,
  extraAt: number,
  members: number,
): number {
  return members === 0 ? 0 : bucketRate(sets, at, extra, extraAt) * (2 + members);
}

/**
 * Groups literals into buckets: greedy (cheapest literal first, each into the bucket it makes cheapest), then up
 * to 3 passes of single-literal moves that lower the total cost (measured on npm code: more passes gain little
 * and cost milliseconds at start-up, when this still runs in V8's interpreter). Deterministic. Returns the
 * buckets and their estimated rate (the sum of bucketRate over the buckets).
 */
function assignBuckets(
  literals: readonly string[],
  bucketCount: number,
): { buckets: number[][]; rate: number } {
  const sets = literalSets(literals);
  const none = new Int32Array(SET_WORDS);
  const unions = new Int32Array(bucketCount * SET_WORDS);
  const buckets: number[][] = Array.from({ length: bucketCount }, () => []);
  const costs = new Float64Array(bucketCount);
  const recompute = (b: number): void => {
    unions.fill(0, b * SET_WORDS, (b + 1) * SET_WORDS);
    for (const id of buckets[b]!) {
      for (let j = 0; j < SET_WORDS; j++) unions[b * SET_WORDS + j]! |= sets[id * SET_WORDS + j]!;
    }
    costs[b] = bucketCost(unions, b * SET_WORDS, none, 0, buckets[b]!.length);
  };
  /** Cheapest bucket other than `skip` to add literal `id` to, and what adding it costs. */
  const cheapest = (id: number, skip: number): [number, number] => {
    let best = -1;
    let bestDelta = Infinity;
    let triedEmpty = false;
    for (let b = 0; b < bucketCount; b++) {
      if (b === skip) continue;
      // Empty buckets are all alike: trying one is enough.
      if (buckets[b]!.length === 0) {
        if (triedEmpty) continue;
        triedEmpty = true;
      }
      const delta =
        bucketCost(unions, b * SET_WORDS, sets, id * SET_WORDS, buckets[b]!.length + 1) - costs[b]!;
      if (delta < bestDelta) {
        bestDelta = delta;
        best = b;
      }
    }
    return [best, bestDelta];
  };

  const alone = literals.map((_, id) => bucketCost(sets, id * SET_WORDS, none, 0, 1));
  const order = literals.map((_, id) => id).sort((a, b) => alone[a]! - alone[b]! || a - b);
  for (const id of order) {
    const [best] = cheapest(id, -1);
    buckets[best]!.push(id);
    recompute(best);
  }
  for (let pass = 0, improved = true; improved && pass < 3; pass++) {
    improved = false;
    for (let from = 0; from < bucketCount; from++) {
      for (const id of [...buckets[from]!]) {
        const before = costs[from]!;
        buckets[from] = buckets[from]!.filter((x) => x !== id);
        recompute(from);
        const [to, delta] = cheapest(id, from);
        // Move only for a clear gain (the tolerance keeps float noise from cycling).
        const target = before - costs[from]! > delta * (1 + 1e-9) ? to : from;
        buckets[target]!.push(id);
        recompute(target);
        improved ||= target !== from;
      }
    }
  }
  let rate = 0;
  for (let b = 0; b < bucketCount; b++) {
    if (buckets[b]!.length > 0) rate += bucketRate(unions, b * SET_WORDS, none, 0);
  }
  return { buckets: buckets.map((b) => b.sort((x, y) => x - y)), rate };
}

/**
 * Whether to plan 16 buckets or 8. Buckets 8-15 cost the scan a second set of table look-ups (~0.15 ms per MB,
 * measured on the npm corpus: 0.47 against 0.31 ms per MB); each false candidate costs ~22 ns. So 16 buckets pay
 * when they spare more than ~0.7 candidates per 100 bytes, ~0.55 in bucketRate's estimate (bench/README.md,
 * issue 20).
 */
const WIDE_MIN_RATE_GAIN = 0.0055;

/**
 * Up to 32 literals, 8 buckets are planned first (16 only when the 8 let enough through that 16 could gain);
 * beyond, 16 are planned and paired into 8 to estimate what 8 buckets would let through (from above: a plan
 * made for 8 does at least as well, as a rule), so that the planner, which runs in V8's interpreter at
 * start-up, makes one plan, not two, for a large rule set.
 */
function chooseBuckets(literals: readonly string[]): number[][] {
  if (literals.length <= 32) {
    const narrow = assignBuckets(literals, 8);
    if (narrow.rate <= WIDE_MIN_RATE_GAIN) return narrow.buckets;
    const wide = assignBuckets(literals, TEDDY_BUCKETS);
    return narrow.rate - wide.rate > WIDE_MIN_RATE_GAIN ? wide.buckets : narrow.buckets;
  }
  const wide = assignBuckets(literals, TEDDY_BUCKETS);
  if (pairedRate(literals, wide.buckets) - wide.rate > WIDE_MIN_RATE_GAIN) return wide.buckets;
  return assignBuckets(literals, 8).buckets;
}

/** The estimated rate of `buckets` once merged, two by two (the cheapest pair first), into 8. */
function pairedRate(literals: readonly string[], buckets: readonly (readonly number[])[]): number {
  const sets = literalSets(literals);
  const none = new Int32Array(SET_WORDS);
  const unions = buckets
    .filter((members) => members.length > 0)
    .map((members) => {
      const union = new Int32Array(SET_WORDS);
      for (const id of members) for (let j = 0; j < SET_WORDS; j++) union[j]! |= sets[id * SET_WORDS + j]!;
      return union;
    });
  const rates = unions.map((union) => bucketRate(union, 0, none, 0));
  while (unions.length > 8) {
    let best = [0, 1];
    let bestDelta = Infinity;
    for (let i = 0; i < unions.length; i++) {
      for (let j = i + 1; j < unions.length; j++) {
        const delta = bucketRate(unions[i]!, 0, unions[j]!, 0) - rates[i]! - rates[j]!;
        if (delta < bestDelta) [best, bestDelta] = [[i, j], delta];
      }
    }
    const [i, j] = best as [number, number];
    for (let w = 0; w < SET_WORDS; w++) unions[i]![w]! |= unions[j]![w]!;
    rates[i] = bucketRate(unions[i]!, 0, none, 0);
    unions.splice(j, 1);
    rates.splice(j, 1);
  }
  return rates.reduce((sum, rate) => sum + rate, 0);
}

/** Plans buckets and nibble tables; throws when teddyUnsupportedReason() gives a reason. */
export function planTeddy(rawLiterals: readonly string[]): TeddyPlan {
  const reason = teddyUnsupportedReason(rawLiterals);
  if (reason !== undefined) throw new Error(`the WASM anchor finder cannot take these anchors: ${reason}`);
  const literals = rawLiterals.map((l) => l.toLowerCase());
  return planWithBuckets(literals, chooseBuckets(literals));
}

/** The nibble tables for lower-cased `literals` placed in `buckets`. */
function planWithBuckets(literals: string[], buckets: number[][]): TeddyPlan {
  const { lo, hi } = nibbleTables(literals, buckets);
  const lengths = literals.map((l) => l.length);
  return { literals, buckets, lo, hi, minLength: Math.min(...lengths), maxLength: Math.max(...lengths) };
}

/**
 * The tables of `buckets` of lower-cased `literals`: lo[k * 16 + nibble] / hi[k * 16 + nibble] hold bit b when
 * a literal of bucket b has that low / high nibble at window byte k, in either case of a letter.
 */
export function nibbleTables(
  literals: readonly string[],
  buckets: readonly (readonly number[])[],
): { lo: Uint16Array; hi: Uint16Array } {
  const lo = new Uint16Array(TEDDY_WINDOW * 16);
  const hi = new Uint16Array(TEDDY_WINDOW * 16);
  buckets.forEach((members, b) => {
    for (const id of members) {
      for (let k = 0; k < TEDDY_WINDOW; k++) {
        for (const v of byteVariants(literals[id]!.charCodeAt(k))) {
          lo[k * 16 + (v & 15)]! |= 1 << b;
          hi[k * 16 + (v >> 4)]! |= 1 << b;
        }
      }
    }
  });
  return { lo, hi };
}

/**
 * Bucket bits the tables (a plan's, or nibbleTables') give to the 3 bytes at bytes[p..p+3) (what the SIMD scan
 * computes per lane).
 */
export function candidateBuckets(tables: Pick<TeddyPlan, 'lo' | 'hi'>, bytes: Uint8Array, p: number): number {
  let bits = 0xffff;
  for (let k = 0; k < TEDDY_WINDOW; k++) {
    const x = bytes[p + k] ?? 0;
    bits &= tables.lo[k * 16 + (x & 15)]! & tables.hi[k * 16 + (x >> 4)]!;
  }
  return bits;
}

/**
 * Configuration layout (anchors.wat): nibble tables of buckets 0-7, then of buckets 8-15; the prefix hash table;
 * group starts; the literal list; the byte classes of the assignment gate; literal records.
 */
export const TABLES_AT = 0;
/** Bytes of one set of nibble tables (lo and hi for each window byte). */
export const TABLE_SET_BYTES = 32 * TEDDY_WINDOW;
export const HASH_AT = 256;
export const HASH_SLOTS = 256;
export const GROUP_STARTS_AT = HASH_AT + 8 * HASH_SLOTS;
export const LITERAL_LIST_AT = align8(GROUP_STARTS_AT + 4 * (TEDDY_MAX_LITERALS + 1));
export const CLASSES_AT = LITERAL_LIST_AT + 4 * TEDDY_MAX_LITERALS;
const RECORDS_AT = CLASSES_AT + 256;

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** A literal's first 3 bytes, upper-cased the way the scan does it (& 0xdf on every byte), little-endian. */
export function prefixKey(literal: string): number {
  return (literal.charCodeAt(0) | (literal.charCodeAt(1) << 8) | (literal.charCodeAt(2) << 16)) & 0xdfdfdf;
}

/** The hash slot the scan probes first for a prefix key. */
export function prefixSlot(key: number): number {
  return Math.imul(key, 0x9e3779b1 | 0) >>> 24;
}

/**
 * The configuration block the scan reads from address 0 (see anchors.wat): nibble tables; a hash table from
 * each distinct 3-byte prefix to its group of literals; the byte classes of generic.ts; one verification
 * record per literal: its gate (`gates[id]`, flags: 1 gated, 2 may be an auth scheme, bits 8-15 the shortest
 * value), then for each 8-byte word, a mask (0xdf for letters, so case is ignored; 0xff for other bytes; 0
 * past the end) and the expected value (the upper-cased literal).
 */
export function encodeTeddyConfig(
  plan: TeddyPlan,
  gates: ReadonlyArray<AssignmentGate | undefined> = [],
): Uint8Array {
  const { literals } = plan;
  const recordAddress: number[] = [];
  let end = RECORDS_AT;
  for (const l of literals) {
    recordAddress.push(end);
    end += 16 + 16 * Math.ceil(l.length / 8);
  }
  const bytes = new Uint8Array(end);
  const view = new DataView(bytes.buffer);
  // Byte j of set s: the bits of buckets 8s..8s+7.
  for (let s = 0; s < 2; s++) {
    for (let k = 0; k < TEDDY_WINDOW; k++) {
      for (let j = 0; j < 16; j++) {
        const at = TABLES_AT + TABLE_SET_BYTES * s + 32 * k + j;
        bytes[at] = plan.lo[k * 16 + j]! >> (8 * s);
        bytes[at + 16] = plan.hi[k * 16 + j]! >> (8 * s);
      }
    }
  }

  // Groups of literals sharing a prefix key, in order of their first literal; ids ascending within a group.
  const groups = new Map<number, number[]>();
  literals.forEach((l, id) => {
    const key = prefixKey(l);
    const group = groups.get(key);
    if (group) group.push(id);
    else groups.set(key, [id]);
  });
  for (let slot = 0; slot < HASH_SLOTS; slot++) view.setInt32(HASH_AT + 8 * slot + 4, -1, true);
  let g = 0;
  let listed = 0;
  for (const [key, ids] of groups) {
    let slot = prefixSlot(key);
    while (view.getInt32(HASH_AT + 8 * slot + 4, true) >= 0) slot = (slot + 1) % HASH_SLOTS;
    view.setInt32(HASH_AT + 8 * slot, key, true);
    view.setInt32(HASH_AT + 8 * slot + 4, g, true);
    view.setInt32(GROUP_STARTS_AT + 4 * g, listed, true);
    for (const id of ids) view.setInt32(LITERAL_LIST_AT + 4 * listed++, recordAddress[id]!, true);
    g++;
  }
  view.setInt32(GROUP_STARTS_AT + 4 * g, listed, true);
  bytes.set(CLASS, CLASSES_AT);

  literals.forEach((l, id) => {
    const at = recordAddress[id]!;
    const words = Math.ceil(l.length / 8);
    view.setInt32(at, l.length, true);
    view.setInt32(at + 4, id, true);
    view.setInt32(at + 8, words, true);
    const gate = gates[id];
    if (gate) view.setInt32(at + 12, 1 | (gate.scheme ? 2 : 0) | (Math.min(gate.minValue, 255) << 8), true);
    for (let i = 0; i < l.length; i++) {
      const code = l.charCodeAt(i);
      const letter = byteVariants(code).length === 2;
      const word = at + 16 + 16 * (i >> 3);
      bytes[word + (i & 7)] = letter ? 0xdf : 0xff;
      bytes[word + 8 + (i & 7)] = letter ? code & 0xdf : code;
    }
  });
  return bytes;
}
