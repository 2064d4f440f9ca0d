import { describe, expect, it } from 'vitest';
import { candidateBuckets, planTeddy, teddyPlanData, teddyPlanFromData } from './teddy.js';
import { refineTeddyPlan, teddyCandidateRate } from './teddy-refine.js';
import { WasmAnchorFinder } from './teddy-finder.js';
import { bruteForceHits, collect, plantedText, seededRandom, REAL } from './__tests__/reference.js';

const encode = (text: string) => new TextEncoder().encode(text);

describe('refineTeddyPlan', () => {
  it('parts literals whose bytes mix into a sequence common in the text, and the plan still finds them all', () => {
    // `pwd` and `auth` in one bucket accept `put` (p from pwd, u and t from auth): input, output, compute.
    const literals = ['pwd', 'auth', 'tvly-', 'key'];
    const mixed = teddyPlanFromData({ literals, buckets: [[0, 1], [2], [3], [], [], [], [], []] })!;
    const text = encode(
      'const input = read(); output.put(input); compute(output); '.repeat(200) + 'auth pwd key TVLY-',
    );
    const refined = refineTeddyPlan(mixed, text);
    const bucketOf = (id: number) => refined.buckets.findIndex((bucket) => bucket.includes(id));
    expect(bucketOf(0)).not.toBe(bucketOf(1));
    expect(teddyCandidateRate(refined, text)).toBeLessThan(teddyCandidateRate(mixed, text) / 4);
    const finder = new WasmAnchorFinder(literals, { plan: refined });
    expect(collect((onHit) => finder.find(text, 0, text.length, onHit))).toEqual(
      bruteForceHits(literals, text),
    );
  });

  it('lowers the candidate rate on its text, keeps each literal once, and is deterministic', () => {
    const random = seededRandom(31);
    const text = plantedText(random, REAL, 30_000);
    const plan = planTeddy(REAL);
    const refined = refineTeddyPlan(plan, text);
    expect(teddyCandidateRate(refined, text)).toBeLessThan(teddyCandidateRate(plan, text));
    expect(refined.buckets.flat().sort((a, b) => a - b)).toEqual(REAL.map((_, id) => id));
    expect(refined.buckets).toHaveLength(plan.buckets.length);
    expect(teddyPlanFromData(teddyPlanData(refined))).toBeDefined();
    expect(refineTeddyPlan(plan, text).buckets).toEqual(refined.buckets);
    const finder = new WasmAnchorFinder(REAL, { plan: refined });
    const other = plantedText(seededRandom(32), REAL, 50_000);
    expect(collect((onHit) => finder.find(other, 0, other.length, onHit))).toEqual(
      bruteForceHits(REAL, other),
    );
  });

  it('leaves a plan alone when no move lowers the count (text the literals never fire on)', () => {
    const plan = planTeddy(REAL);
    expect(refineTeddyPlan(plan, new Uint8Array(10_000)).buckets).toEqual(plan.buckets);
  });
});

describe('teddyCandidateRate', () => {
  it('counts the positions where some bucket fires, per MB', () => {
    const plan = planTeddy(REAL);
    const text = plantedText(seededRandom(33), REAL, 1 << 16);
    let count = 0;
    for (let p = 0; p + 3 <= text.length; p++) if (candidateBuckets(plan, text, p) !== 0) count++;
    expect(count).toBeGreaterThan(0);
    expect(teddyCandidateRate(plan, text)).toBeCloseTo(count * 16, 6);
  });
});
