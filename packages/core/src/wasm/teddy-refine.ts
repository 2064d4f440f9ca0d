import { TEDDY_WINDOW, candidateBuckets, nibbleTables, teddyPlanFromData, type TeddyPlan } from './teddy.js';

/**
 * Moves a plan's literals between buckets while that lowers how often some bucket fires on `text`: each
 * firing is a candidate lane, which the scan pays for beyond its block loop (a hash probe, often a check).
 * planTeddy scores buckets with bytes taken as independent, so it cannot see that `put` (input, output) or
 * `api` are common: literals whose bytes mix into such sequences are best kept apart. Counted here on real
 * text, every 3-byte sequence of it, through the plan's own nibble tables. Deterministic; each pass moves
 * each literal (in id order) to the bucket that lowers the count most, until a pass moves none or `passes`
 * ran. The result is a plan like any other: every literal in exactly one bucket (teddyPlanFromData checks).
 */
export function refineTeddyPlan(plan: TeddyPlan, text: Uint8Array, passes = 4): TeddyPlan {
  const { literals } = plan;
  const buckets = plan.buckets.map((bucket) => [...bucket]);
  const sample = sequencesThatMayFire(literals, text);
  const n = sample.counts.length;
  const firing = buckets.map((bucket) => firingOf(literals, bucket, sample.sequences));
  // How many buckets fire on each sequence: a sequence costs when at least one does.
  const firingCount = new Uint8Array(n);
  for (const fires of firing) for (let i = 0; i < n; i++) firingCount[i]! += fires[i]!;

  for (let pass = 0; pass < passes; pass++) {
    let moved = 0;
    for (let id = 0; id < literals.length; id++) {
      const from = buckets.findIndex((bucket) => bucket.includes(id));
      const rest = buckets[from]!.filter((other) => other !== id);
      const firesWithout = firingOf(literals, rest, sample.sequences);
      let best: { to: number; delta: number; members: number[]; fires: Uint8Array } | undefined;
      for (let to = 0; to < buckets.length; to++) {
        if (to === from) continue;
        const members = [...buckets[to]!, id].sort((a, b) => a - b);
        const fires = firingOf(literals, members, sample.sequences);
        let delta = 0;
        for (let i = 0; i < n; i++) {
          const before = firingCount[i]!;
          const after = before - firing[from]![i]! - firing[to]![i]! + firesWithout[i]! + fires[i]!;
          if (before === 0 && after > 0) delta += sample.counts[i]!;
          else if (before > 0 && after === 0) delta -= sample.counts[i]!;
        }
        if (delta < (best?.delta ?? 0)) best = { to, delta, members, fires };
      }
      if (!best) continue;
      for (let i = 0; i < n; i++) {
        firingCount[i] =
          firingCount[i]! - firing[from]![i]! - firing[best.to]![i]! + firesWithout[i]! + best.fires[i]!;
      }
      buckets[from] = rest;
      buckets[best.to] = best.members;
      firing[from] = firesWithout;
      firing[best.to] = best.fires;
      moved++;
    }
    if (moved === 0) break;
  }
  const refined = teddyPlanFromData({ literals: [...literals], buckets });
  if (!refined) throw new Error('refineTeddyPlan lost a literal'); // cannot happen: moves keep each literal once
  return refined;
}

/** Candidate positions per MB of `text` under `plan` (any bucket firing), for reports and tests. */
export function teddyCandidateRate(plan: TeddyPlan, text: Uint8Array): number {
  let count = 0;
  for (let p = 0; p + TEDDY_WINDOW <= text.length; p++) if (candidateBuckets(plan, text, p) !== 0) count++;
  return text.length === 0 ? 0 : count / (text.length / (1 << 20));
}

/**
 * The distinct 3-byte sequences of `text` that some bucket of some plan for `literals` could fire on, one after
 * another in `sequences`, each with how often it occurs.
 */
function sequencesThatMayFire(
  literals: readonly string[],
  text: Uint8Array,
): { sequences: Uint8Array; counts: Float64Array } {
  const all = nibbleTables(literals, [literals.map((_, id) => id)]);
  const counts = new Map<number, number>();
  for (let p = 0; p + TEDDY_WINDOW <= text.length; p++) {
    if (candidateBuckets(all, text, p) === 0) continue;
    const key = text[p]! | (text[p + 1]! << 8) | (text[p + 2]! << 16);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const keys = Int32Array.from(counts.keys()).sort();
  const sequences = new Uint8Array(TEDDY_WINDOW * keys.length);
  keys.forEach((key, i) => {
    for (let k = 0; k < TEDDY_WINDOW; k++) sequences[TEDDY_WINDOW * i + k] = (key >> (8 * k)) & 255;
  });
  return { sequences, counts: Float64Array.from(keys, (key) => counts.get(key)!) };
}

/** For each sequence, 1 when the one bucket `members` (of `literals`) fires on it, else 0. */
function firingOf(
  literals: readonly string[],
  members: readonly number[],
  sequences: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(sequences.length / TEDDY_WINDOW);
  if (members.length === 0) return out;
  const tables = nibbleTables(literals, [members]);
  for (let i = 0; i < out.length; i++) out[i] = candidateBuckets(tables, sequences, TEDDY_WINDOW * i) & 1;
  return out;
}
