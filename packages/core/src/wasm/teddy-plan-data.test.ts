import { describe, expect, it } from 'vitest';
import { WASM_WARMUP_BYTES, WASM_WARMUP_BYTES_PLANNED, createAnchorFinder } from '../anchor-finder.js';
import { planTeddy, teddyPlanData, teddyPlanFromData } from './teddy.js';
import { bruteForceHits, collect, plantedText, seededRandom, REAL } from './__tests__/reference.js';

describe('Teddy plans as data (made at build time, read at run time)', () => {
  it('round-trip through JSON into the same plan: literals, buckets and nibble tables', () => {
    for (const literals of [REAL, REAL.slice(0, 5), [...REAL, 'brave', 'bsa', 'exa_api', 'tgp_v1_']]) {
      const plan = planTeddy(literals);
      const back = teddyPlanFromData(JSON.parse(JSON.stringify(teddyPlanData(plan))));
      expect(back).toEqual(plan);
    }
  });

  it('refuse data that is not a partition of the literals into 8 or 16 buckets, or literals Teddy cannot take', () => {
    const good = teddyPlanData(planTeddy(REAL));
    const ids = good.buckets.flat();
    const bad: unknown[] = [
      null,
      'plan',
      { ...good, literals: undefined },
      { ...good, buckets: good.buckets.slice(0, 7) },
      { ...good, buckets: good.buckets.map((b, i) => (i === 0 ? [...b, ids[ids.length - 1]] : b)) },
      { ...good, buckets: good.buckets.map((b) => b.filter((id) => id !== ids[0])) },
      { ...good, buckets: good.buckets.map((b, i) => (i === 0 ? [...b, good.literals.length] : b)) },
      { ...good, buckets: good.buckets.map((b, i) => (i === 0 ? [...b, 0.5] : b)) },
      { ...good, literals: [...good.literals.slice(1), 'ab'] },
      { ...good, literals: good.literals.slice(1) },
    ];
    for (const data of bad) expect(teddyPlanFromData(data)).toBeUndefined();
  });

  it('any partition finds every literal: the tables are rebuilt from the buckets, never read', () => {
    const literals = REAL;
    // Literals dealt round-robin into 8 buckets: a plan no planner would choose, still a correct one.
    const buckets = Array.from({ length: 8 }, (_, b) =>
      literals.map((_, id) => id).filter((id) => id % 8 === b),
    );
    const plan = teddyPlanFromData({ literals, buckets })!;
    expect(plan).toBeDefined();
    const bytes = plantedText(seededRandom(7), literals, 200_000);
    const finder = createAnchorFinder(literals, { engine: 'wasm', plan });
    expect(collect((onHit) => finder.find(bytes, 0, bytes.length, onHit))).toEqual(
      bruteForceHits(literals, bytes, 0, bytes.length),
    );
  });

  it('a finder asks for a plan only when it sets WASM up, and uses it only if made for its literals', () => {
    const bytes = plantedText(seededRandom(8), REAL, 1_000_000);
    const expected = bruteForceHits(REAL, bytes, 0, bytes.length);
    for (const [made, fits] of [
      [planTeddy(REAL), true],
      [planTeddy(REAL.slice(1)), false],
    ] as const) {
      let asked = 0;
      let bucketsRead = 0;
      // Counts reads of the buckets: only a finder building its tables from this plan reads them.
      const watched = Object.defineProperty({ ...made }, 'buckets', {
        get: () => (bucketsRead++, made.buckets),
      });
      const finder = createAnchorFinder(REAL, {
        planFor: () => (asked++, watched),
      });
      finder.find(bytes, 0, 64, () => {});
      expect(finder.lastEngine).toBe('js');
      expect(asked).toBe(0);
      // A large input past the wait sets WASM up, asking for the plan once.
      expect(collect((onHit) => finder.find(bytes, 0, bytes.length, onHit))).toEqual(expected);
      expect(finder.lastEngine).toBe('wasm');
      expect(asked).toBe(1);
      expect(collect((onHit) => finder.find(bytes, 0, bytes.length, onHit))).toEqual(expected);
      expect(asked).toBe(1);
      expect(bucketsRead > 0).toBe(fits);
    }
  });

  it('with a plan that fits, WASM is set up once 64 KB are seen (the input at hand counted); with none, 512 KB', () => {
    const chunk = plantedText(seededRandom(9), REAL, 16 * 1024);
    const engineAfter = (made: ReturnType<typeof planTeddy>) => {
      const finder = createAnchorFinder(REAL, { planFor: () => made });
      let seen = 0;
      for (;;) {
        finder.find(chunk, 0, chunk.length, () => {});
        if (finder.lastEngine === 'wasm') return seen;
        seen += chunk.length;
      }
    };
    expect(engineAfter(planTeddy(REAL))).toBe(WASM_WARMUP_BYTES_PLANNED - chunk.length);
    expect(engineAfter(planTeddy(REAL.slice(1)))).toBe(WASM_WARMUP_BYTES - chunk.length);
  });
});
