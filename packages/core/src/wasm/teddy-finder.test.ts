import { beforeEach, describe, expect, it } from 'vitest';
import { buildAutomaton, findAnchors, type AnchorAutomaton } from '../anchors.js';
import {
  WasmAnchorFinder,
  compiledAnchorsModule,
  defaultAnchorsSimd,
  type AnchorsSimd,
  type WasmFinderOptions,
} from './teddy-finder.js';
import { planTeddy } from './teddy.js';
import { RULES } from '@keyward/rules';
import { compileRules } from '../compile.js';
import type { AssignmentGate } from '../generic.js';
import { assignmentGates } from '../scanner.js';
import {
  assignmentText,
  bruteForceHits,
  collect,
  gateKeeps,
  plant,
  plantedText,
  randomBytes,
  seededRandom,
  REAL,
} from './__tests__/reference.js';

/**
 * Overlaps, suffixes, duplicates (`key`/`KEY` are two ids), a literal repeating itself, literals of 8, 16 and 21
 * bytes (verification words), and bytes one 0x20 away from letters (`@`/`` ` ``, `[`/`{`, `_`/DEL) that must not
 * be folded.
 */
const TRICKY = [
  'sk-',
  'gsk_',
  'sk-ant-',
  'ant',
  'sk-ant-api',
  'key',
  'KEY',
  'keykey',
  'eyk',
  'aaa',
  'aaaa',
  'x@y',
  '[q]',
  'a_b',
  'abcdefgh',
  'abcdefghijklmnop',
  'abcdefghijklmnopqrstu',
  'ant-api',
];

const cache = new Map<string, [WasmAnchorFinder, AnchorAutomaton]>();

/** The build every finder below runs (each describe block sets it for its tests). */
let simdUnderTest: AnchorsSimd = 'strict';

function makeFinder(literals: readonly string[], options: WasmFinderOptions = {}): WasmAnchorFinder {
  return new WasmAnchorFinder(literals, { ...options, simd: simdUnderTest });
}

/** Checks the WASM finder against both the JS automaton and brute force. */
function expectSameHits(
  literals: readonly string[],
  bytes: Uint8Array,
  options: WasmFinderOptions = {},
  from = 0,
  to = bytes.length,
): void {
  const key = JSON.stringify([literals, options, simdUnderTest]);
  let engines = cache.get(key);
  if (!engines) cache.set(key, (engines = [makeFinder(literals, options), buildAutomaton(literals)]));
  const [finder, automaton] = engines;
  const expected = bruteForceHits(literals, bytes, from, to);
  expect(collect((onHit) => findAnchors(automaton, bytes, from, to, onHit))).toEqual(expected);
  expect(collect((onHit) => finder.find(bytes, from, to, onHit))).toEqual(expected);
}

describe('the builds of anchors.wat', () => {
  it('are both available to these tests (vitest.config.ts enables relaxed SIMD on V8 before 11.4)', () => {
    expect(compiledAnchorsModule('strict')).not.toBeNull();
    expect(compiledAnchorsModule('relaxed')).not.toBeNull();
  });

  it('default to the relaxed one where the runtime validates it', () => {
    expect(defaultAnchorsSimd()).toBe('relaxed');
    expect(new WasmAnchorFinder(['sk-', 'key']).find).toBeTypeOf('function');
  });
});

describe.each(['strict', 'relaxed'] as const)('WasmAnchorFinder, %s swizzles', (simd) => {
  beforeEach(() => {
    simdUnderTest = simd;
  });

  it('finds every anchor of a small text, in (end, id) order', () => {
    const text = new TextEncoder().encode('const API_KEY = "x"; // SK-ANT-API key');
    const finder = makeFinder(TRICKY);
    const hits = collect((onHit) => finder.find(text, 0, text.length, onHit));
    const names = [];
    for (let k = 0; k < hits.length; k += 2) names.push(`${TRICKY[hits[k]!]}@${hits[k + 1]}`);
    expect(names).toEqual([
      'key@13',
      'KEY@13',
      'sk-@27',
      'ant@30',
      'sk-ant-@31',
      'sk-ant-api@34',
      'ant-api@34',
      'key@38',
      'KEY@38',
    ]);
  });

  it('agrees with the automaton and brute force on every length 0..64, anchors at 0 and at the very end', () => {
    const random = seededRandom(1);
    for (let length = 0; length <= 64; length++) {
      for (let round = 0; round < 4; round++) {
        const bytes = plantedText(random, TRICKY, length);
        if (length >= 3) plant(bytes, 'sk-ant-'.slice(0, Math.min(7, length)), 0, round % 2 === 1);
        if (length >= 4) plant(bytes, 'gsk_', length - 4, round % 2 === 0);
        expectSameHits(TRICKY, bytes);
        expectSameHits(REAL, bytes);
      }
    }
  });

  it('agrees on lengths around multiples of 16 and of the chunk size', () => {
    const random = seededRandom(2);
    for (const base of [16, 32, 48, 256, 4096]) {
      for (const length of [base - 2, base - 1, base, base + 1, base + 2, base + 15]) {
        const bytes = plantedText(random, TRICKY, length);
        plant(bytes, 'abcdefghijklmnopqrstu', Math.max(0, length - 21), true);
        expectSameHits(TRICKY, bytes, { chunkBytes: base });
      }
    }
  });

  it('neither loses nor doubles hits across chunk borders (anchors straddling every border)', () => {
    const random = seededRandom(3);
    for (const [literals, chunkSizes] of [
      [REAL, [16, 17, 31, 64]],
      [TRICKY, [48, 64, 100]],
    ] as const) {
      for (const chunkBytes of chunkSizes) {
        const bytes = plantedText(random, literals, 3000);
        // Border k gets literal k (the longest among them) starting j = 1 + (k mod (length - 1)) bytes before it:
        // from "only its first byte in this chunk" to "only its last byte in the next one".
        const byLength = [...literals].sort((a, b) => b.length - a.length);
        for (let k = 0, border = chunkBytes; border < bytes.length - 30; k++, border += chunkBytes) {
          const literal = byLength[k % byLength.length]!;
          plant(bytes, literal, border - 1 - (k % (literal.length - 1)), k % 2 === 0);
        }
        expectSameHits(literals, bytes, { chunkBytes });
      }
    }
  });

  it('agrees on random bytes (all 256 values) and on text with many planted mixed-case anchors', () => {
    const random = seededRandom(4);
    for (let round = 0; round < 6; round++) {
      const length = 1000 + Math.floor(random() * 20000);
      expectSameHits(REAL, randomBytes(random, length));
      expectSameHits(TRICKY, plantedText(random, TRICKY, length), { chunkBytes: 1024 });
      expectSameHits(REAL, plantedText(random, REAL, length), { chunkBytes: 777 });
    }
    const all = new Uint8Array(256 * 4);
    for (let i = 0; i < all.length; i++) all[i] = (i * 7) & 0xff;
    expectSameHits(TRICKY, all);
  });

  it('does not fold bytes that are not letters (@ vs `, [ vs {, _ vs DEL) and folds only ASCII letters', () => {
    const bytes = new TextEncoder().encode('x`y x@y X@Y {q} [q] [Q] a\x7fb a_b A_B');
    expectSameHits(TRICKY, bytes);
    const finder = makeFinder(['x@y', '[q]', 'a_b']);
    expect(collect((onHit) => finder.find(bytes, 0, bytes.length, onHit))).toEqual([
      0, 7, 0, 11, 1, 19, 1, 23, 2, 31, 2, 35,
    ]);
    const latin1 = Uint8Array.from([0xcb, 0xc5, 0xd9, 0x6b, 0x65, 0x79]); // "KEY" with bit 7 set, then "key"
    expect(collect((onHit) => finder.find(latin1, 0, latin1.length, onHit))).toEqual([]);
    expectSameHits(['key'], latin1);
  });

  it('handles long runs of one byte, with hits on every position, through a small hit buffer', () => {
    for (const byte of ['a', 'k', 'A', '\0', '\xff']) {
      const bytes = new Uint8Array(5000).fill(byte.charCodeAt(0));
      expectSameHits(TRICKY, bytes, { hitCapacity: 1, chunkBytes: 1500 });
      expectSameHits(['aaa', 'aaaa', 'AAAAA', 'aaa'], bytes, { hitCapacity: 1 });
    }
    const keys = new TextEncoder().encode('keY'.repeat(3000));
    expectSameHits(TRICKY, keys, { hitCapacity: 1, chunkBytes: 1000 });
  });

  it('scans a sub-range [from, to) only, reporting offsets in the whole array', () => {
    const random = seededRandom(5);
    const bytes = plantedText(random, TRICKY, 3000);
    for (const [from, to] of [
      [0, 0],
      [5, 5],
      [1, 2999],
      [17, 1800],
      [1234, 3000],
    ] as const) {
      expectSameHits(TRICKY, bytes, { chunkBytes: 256 }, from, to);
    }
  });

  it('scans an inputView in place, at any offset, and agrees with a copy', () => {
    const random = seededRandom(6);
    const finder = makeFinder(REAL, { chunkBytes: 64 });
    const source = plantedText(random, REAL, 10_000);
    const view = finder.inputView(source.length);
    expect(finder.owns(view)).toBe(true);
    view.set(source);
    const expected = bruteForceHits(REAL, source);
    expect(collect((onHit) => finder.find(view, 0, view.length, onHit))).toEqual(expected);
    expect(collect((onHit) => finder.find(view.subarray(100), 0, 9_900, onHit))).toEqual(
      bruteForceHits(REAL, source.subarray(100)),
    );
    expect(collect((onHit) => finder.find(view, 333, 7777, onHit))).toEqual(
      bruteForceHits(REAL, source, 333, 7777),
    );
  });

  it('grows its memory for a large inputView; older views are detached', () => {
    const finder = makeFinder(REAL);
    const small = finder.inputView(16);
    const big = finder.inputView(8 << 20);
    expect(big.length).toBe(8 << 20);
    expect(small.length).toBe(0);
    plant(big, 'bearer', (8 << 20) - 6, true);
    expect(collect((onHit) => finder.find(big, 0, big.length, onHit))).toEqual([
      REAL.indexOf('bearer'),
      8 << 20,
    ]);
  });

  it('copies inputs larger than its default 1 MiB chunk in pieces', () => {
    const random = seededRandom(7);
    const bytes = plantedText(random, REAL, (1 << 20) + 100_000);
    expectSameHits(REAL, bytes);
  });

  it('rejects a range outside the array', () => {
    const finder = makeFinder(REAL);
    const bytes = new Uint8Array(10);
    expect(() => finder.find(bytes, 0, 11, () => {})).toThrow(RangeError);
    expect(() => finder.find(bytes, 5, 4, () => {})).toThrow(RangeError);
    expect(() => finder.find(bytes, -1, 4, () => {})).toThrow(RangeError);
  });

  it('takes up to 128 literals in 16 buckets: agrees with the automaton and brute force for every count 1..128', () => {
    const random = seededRandom(8);
    // Few distinct bytes (so prefixes collide and buckets crowd), letters next to non-letters 0x20 away, and
    // literals that share a 3-byte prefix, repeat another one, or hold one as a suffix.
    const alphabet = 'etaoinshrdlu_-0@`';
    const word = (): string => {
      let s = '';
      const length = 3 + Math.floor(random() * 14);
      for (let i = 0; i < length; i++) s += alphabet[Math.floor(random() * alphabet.length)];
      return s;
    };
    for (let count = 1; count <= 128; count += count < 60 ? 7 : 1) {
      const literals: string[] = [];
      while (literals.length < count) {
        const pick = random();
        const other = literals[Math.floor(random() * literals.length)];
        if (other === undefined || pick < 0.7) literals.push(word());
        else if (pick < 0.8) literals.push(other.slice(0, 3) + word());
        else if (pick < 0.85) literals.push(other.toUpperCase());
        else if (pick < 0.9 && other.length > 3) literals.push(other.slice(1));
        else literals.push(word() + other);
      }
      const plan = planTeddy(literals);
      expect(plan.buckets.flat().sort((a, b) => a - b)).toEqual(literals.map((_, id) => id));
      const chunkBytes = 256 + Math.floor(random() * 4096);
      expectSameHits(literals, plantedText(random, literals, 6000), { chunkBytes });
      expectSameHits(literals, randomBytes(random, 3000), { chunkBytes, hitCapacity: 1 });
    }
  });

  it('takes the real anchors with more rules beside them (the rule set of issue 20 and beyond)', () => {
    const random = seededRandom(10);
    // Anchors like the real ones: a suffix of one and a number (`k-----7`, `ai-33`).
    const more = [
      ...REAL,
      ...Array.from({ length: 128 }, (_, i) => `${REAL[i % REAL.length]!.slice(1)}${i}`),
    ];
    for (const count of [REAL.length + 1, 80, 100, 128].filter((n) => n <= 128)) {
      const literals = more.slice(0, count);
      expectSameHits(literals, plantedText(random, literals, 20_000), { chunkBytes: 4096 });
    }
  });

  it('takes a plan made earlier for the same literals, reuses its own for a repeated list, rejects a foreign one', () => {
    const plan = planTeddy(REAL);
    const finder = makeFinder(REAL, { plan });
    expect(finder.plan).toBe(plan);
    const bytes = plantedText(seededRandom(9), REAL, 5000);
    expect(collect((onHit) => finder.find(bytes, 0, bytes.length, onHit))).toEqual(
      bruteForceHits(REAL, bytes),
    );
    expect(makeFinder(TRICKY).plan).toBe(makeFinder(TRICKY).plan);
    expect(() => makeFinder(TRICKY, { plan })).toThrow(/made for other anchor literals/);
    expect(() => makeFinder([...REAL.slice(1), REAL[0]!], { plan })).toThrow(/other anchor literals/);
  });

  it('leaves out the hits of gated keywords that no assignment follows, as the reference gate does', () => {
    const literals = ['key', 'token', 'secret', 'passw', 'auth', 'bearer', 'sk-', 'api_'];
    const gates = literals.map((l): AssignmentGate | undefined =>
      l === 'sk-' ? undefined : { scheme: l === 'token' || l === 'bearer', minValue: l === 'auth' ? 0 : 16 },
    );
    expectGatedHits(literals, gates, 11);
  });

  it('gates the real anchors as the scanner does (16 buckets), and keeps every hit of the format rules', () => {
    const gates = assignmentGates(compileRules(RULES));
    expect(gates.filter(Boolean).length).toBeGreaterThan(3);
    expectGatedHits(REAL, gates, 12);
  });
});

/**
 * A finder with `gates` reports the automaton's hits less the gated ones the reference gate drops: exactly
 * so when it scans a whole input in place; when it copies small chunks in, at most the automaton's hits and
 * at least those (the gate keeps a hit it cannot judge before a chunk's end).
 */
function expectGatedHits(
  literals: readonly string[],
  gates: ReadonlyArray<AssignmentGate | undefined>,
  seed: number,
): void {
  const random = seededRandom(seed);
  const automaton = buildAutomaton(literals);
  const whole = makeFinder(literals, { gates });
  const chunked = makeFinder(literals, { gates, chunkBytes: 64 });
  let dropped = 0;
  let kept = 0;
  for (let round = 0; round < 12; round++) {
    const bytes = concat(assignmentText(random, 150), plantedText(random, literals, 1000));
    const all = collect((onHit) => findAnchors(automaton, bytes, 0, bytes.length, onHit));
    const expected = pairs(all).filter(([id, end]) => {
      const gate = gates[id];
      const keep = gate === undefined || gateKeeps(bytes, end, gate);
      if (gate && keep) kept++;
      else if (gate) dropped++;
      return keep;
    });
    const view = whole.inputView(bytes.length);
    view.set(bytes);
    expect(pairs(collect((onHit) => whole.find(view, 0, bytes.length, onHit)))).toEqual(expected);
    const copied = pairs(collect((onHit) => chunked.find(bytes, 0, bytes.length, onHit))).map(String);
    const allKeys = new Set(pairs(all).map(String));
    expect(copied.filter((hit) => !allKeys.has(hit))).toEqual([]);
    const copiedKeys = new Set(copied);
    expect(expected.map(String).filter((hit) => !copiedKeys.has(hit))).toEqual([]);
  }
  // Not vacuous: the texts hold gated hits of both kinds.
  expect(dropped).toBeGreaterThan(100);
  expect(kept).toBeGreaterThan(100);
}

function pairs(flat: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
