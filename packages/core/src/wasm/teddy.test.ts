import { readFileSync } from 'node:fs';
import { CLASS } from '../generic.js';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { WAT_PATH } from '../../scripts/gen-wasm.mjs';
import {
  CLASSES_AT,
  GROUP_STARTS_AT,
  HASH_AT,
  HASH_SLOTS,
  LITERAL_LIST_AT,
  TABLE_SET_BYTES,
  TEDDY_BUCKETS,
  byteVariants,
  candidateBuckets,
  encodeTeddyConfig,
  planTeddy,
  prefixKey,
  prefixSlot,
  teddyUnsupportedReason,
} from './teddy.js';
import { REAL } from './__tests__/reference.js';

const bytesOf = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('byteVariants', () => {
  it('gives both cases for ASCII letters and the byte alone otherwise', () => {
    expect(byteVariants(0x61)).toEqual([0x61, 0x41]);
    expect(byteVariants(0x5a)).toEqual([0x7a, 0x5a]);
    for (const c of '@[`{_-0 \x7f') expect(byteVariants(c.charCodeAt(0))).toEqual([c.charCodeAt(0)]);
  });
});

describe('teddyUnsupportedReason', () => {
  it('accepts 1..128 ASCII literals of 3 bytes or more', () => {
    expect(teddyUnsupportedReason(REAL)).toBeUndefined();
    expect(teddyUnsupportedReason(['abc'])).toBeUndefined();
  });
  it('names what it cannot take', () => {
    expect(teddyUnsupportedReason([])).toBe('no anchor literals');
    expect(teddyUnsupportedReason(['key', 'ab'])).toBe('anchor "ab" is shorter than 3 bytes');
    expect(teddyUnsupportedReason(['clé'])).toBe('anchor "clé" is not ASCII');
    expect(teddyUnsupportedReason(Array.from({ length: 128 }, (_, i) => `k${i}x`))).toBeUndefined();
    expect(teddyUnsupportedReason(Array.from({ length: 129 }, (_, i) => `k${i}x`))).toBe(
      'more than 128 anchor literals',
    );
    expect(() => planTeddy(['ab'])).toThrow(/shorter than 3 bytes/);
  });
});

describe('planTeddy', () => {
  const plan = planTeddy(REAL);

  it('puts every literal in exactly one of the buckets, ids ascending within a bucket', () => {
    expect(plan.buckets).toHaveLength(TEDDY_BUCKETS);
    expect(plan.buckets.flat().sort((a, b) => a - b)).toEqual(REAL.map((_, id) => id));
    for (const bucket of plan.buckets) expect([...bucket]).toEqual([...bucket].sort((a, b) => a - b));
    expect(plan.minLength).toBe(Math.min(...REAL.map((l) => l.length)));
    expect(plan.maxLength).toBe(Math.max(...REAL.map((l) => l.length)));
  });

  it("sets each literal's bucket bit for both cases of its first 3 bytes, and no bit of an empty bucket", () => {
    plan.buckets.forEach((members, b) => {
      for (const id of members) {
        const literal = REAL[id]!;
        for (let k = 0; k < 3; k++) {
          for (const v of byteVariants(literal.charCodeAt(k))) {
            expect(plan.lo[k * 16 + (v & 15)]! & (1 << b)).not.toBe(0);
            expect(plan.hi[k * 16 + (v >> 4)]! & (1 << b)).not.toBe(0);
          }
        }
      }
    });
    const used = plan.buckets.reduce((bits, members, b) => (members.length > 0 ? bits | (1 << b) : bits), 0);
    for (const entry of [...plan.lo, ...plan.hi]) expect(entry & ~used).toBe(0);
  });

  it('gives a candidate at the start of every literal in any case, with its bucket', () => {
    plan.buckets.forEach((members, b) => {
      for (const id of members) {
        for (const text of [REAL[id]!, REAL[id]!.toUpperCase()]) {
          expect(candidateBuckets(plan, bytesOf(text), 0) & (1 << b)).not.toBe(0);
        }
      }
    });
  });

  it('sets exactly the nibbles of one literal when there is one', () => {
    const single = planTeddy(['k_Z']);
    const bucket = single.buckets.findIndex((m) => m.length === 1);
    const bit = 1 << bucket;
    const set = (table: Uint8Array, k: number): number[] =>
      [...table.subarray(k * 16, k * 16 + 16)].flatMap((v, nibble) => (v & bit ? [nibble] : []));
    expect([set(single.lo, 0), set(single.hi, 0)]).toEqual([[0xb], [0x4, 0x6]]); // k, K
    expect([set(single.lo, 1), set(single.hi, 1)]).toEqual([[0xf], [0x5]]); // _ only
    expect([set(single.lo, 2), set(single.hi, 2)]).toEqual([[0xa], [0x5, 0x7]]); // Z, z
    expect(candidateBuckets(single, bytesOf('K_z'), 0)).toBe(bit);
    expect(candidateBuckets(single, bytesOf('k\x7fz'), 0)).toBe(0);
  });

  it('keeps clean code mostly free of candidates (a coarse check of the grouping)', () => {
    const code = bytesOf(
      'function parse(input, options) { return input.split("\\n").map((line) => line.trim()); }\n',
    );
    let candidates = 0;
    for (let p = 0; p + 3 <= code.length; p++) if (candidateBuckets(plan, code, p) !== 0) candidates++;
    expect(candidates).toBeLessThan(code.length / 8);
  });

  it('plans 8 buckets when the second set of tables would not pay (few literals), 16 for the real anchors', () => {
    const issue2 = [
      't3blbkfj',
      'sk-ant-',
      'gsk_',
      'sk-or-v1-',
      'hf_',
      'api_org_',
      'aiza',
      'xai-',
      'pplx-',
      'r8_',
    ];
    const small = planTeddy([...issue2, 'deepseek', 'azure', 'mistral', 'key', 'token', 'secret', 'auth']);
    expect(small.buckets).toHaveLength(8);
    expect([...small.lo, ...small.hi].every((bits) => bits < 0x100)).toBe(true);
    expect(planTeddy(['key', 'token']).buckets).toHaveLength(8);
    const wide = planTeddy(REAL.slice(0, 60));
    expect(wide.buckets).toHaveLength(16);
    expect(wide.buckets.slice(8).every((bucket) => bucket.length > 0)).toBe(true);
    expect([...wide.lo, ...wide.hi].some((bits) => bits >= 0x100)).toBe(true);
  });

  it('is deterministic', () => {
    expect(planTeddy(REAL)).toEqual(plan);
  });
});

describe('encodeTeddyConfig', () => {
  it('lays out tables, the prefix hash table, groups and literal records as anchors.wat reads them', () => {
    const literals = ['Key', 'abcdefghij', 'x@y', 'KEYS', 'abd'];
    const plan = planTeddy(literals);
    const bytes = encodeTeddyConfig(plan);
    const view = new DataView(bytes.buffer);
    const i32 = (at: number): number => view.getInt32(at, true);
    // Buckets 0-7 in the low byte of each table entry, buckets 8-15 in the high byte, one set after the other.
    const wide = planTeddy(REAL.slice(0, 60));
    expect(wide.buckets.slice(8).flat()).not.toEqual([]);
    const wideBytes = encodeTeddyConfig(wide);
    for (let k = 0; k < 3; k++) {
      for (const [table, at] of [
        [wide.lo, 32 * k],
        [wide.hi, 32 * k + 16],
      ] as const) {
        const entries = [...table.subarray(16 * k, 16 * k + 16)];
        expect([...wideBytes.subarray(at, at + 16)]).toEqual(entries.map((v) => v & 0xff));
        const high = TABLE_SET_BYTES + at;
        expect([...wideBytes.subarray(high, high + 16)]).toEqual(entries.map((v) => v >> 8));
      }
    }
    expect([...bytes.subarray(0, 16)]).toEqual([...plan.lo.subarray(0, 16)]);
    expect([...bytes.subarray(80, 96)]).toEqual([...plan.hi.subarray(32, 48)]);

    // Probing as the scan does: from prefixSlot(key), linear, until the key or an empty slot (group -1).
    const groupOf = (key: number): number => {
      for (let slot = prefixSlot(key); ; slot = (slot + 1) % HASH_SLOTS) {
        const group = i32(HASH_AT + 8 * slot + 4);
        if (group < 0 || i32(HASH_AT + 8 * slot) === key) return group;
      }
    };
    const idsOf = (group: number): number[] =>
      Array.from(
        { length: i32(GROUP_STARTS_AT + 4 * group + 4) - i32(GROUP_STARTS_AT + 4 * group) },
        (_, i) => i32(i32(LITERAL_LIST_AT + 4 * (i32(GROUP_STARTS_AT + 4 * group) + i)) + 4),
      );
    expect(prefixKey('key')).toBe(0x59454b); // 'K' 'E' 'Y', little-endian
    expect(idsOf(groupOf(prefixKey('key')))).toEqual([0, 3]); // 'Key' and 'KEYS' share a prefix
    expect(idsOf(groupOf(prefixKey('abc')))).toEqual([1]);
    expect(idsOf(groupOf(prefixKey('abd')))).toEqual([4]);
    expect(idsOf(groupOf(prefixKey('x@y')))).toEqual([2]);
    expect(groupOf(prefixKey('xyz'))).toBe(-1);
    let used = 0;
    for (let slot = 0; slot < HASH_SLOTS; slot++) if (i32(HASH_AT + 8 * slot + 4) >= 0) used++;
    expect(used).toBe(4);

    const record = (id: number): number => {
      for (let i = 0; i < literals.length; i++)
        if (i32(i32(LITERAL_LIST_AT + 4 * i) + 4) === id) return i32(LITERAL_LIST_AT + 4 * i);
      throw new Error(`no record for ${id}`);
    };
    const key = record(0);
    expect(key % 8).toBe(0);
    expect([i32(key), i32(key + 8)]).toEqual([3, 1]);
    expect([...bytes.subarray(key + 16, key + 24)]).toEqual([0xdf, 0xdf, 0xdf, 0, 0, 0, 0, 0]);
    expect([...bytes.subarray(key + 24, key + 32)]).toEqual([...bytesOf('KEY'), 0, 0, 0, 0, 0]);
    const long = record(1);
    expect([i32(long), i32(long + 8)]).toEqual([10, 2]);
    expect([...bytes.subarray(long + 40, long + 48)]).toEqual([...bytesOf('IJ'), 0, 0, 0, 0, 0, 0]);
    const at = record(2);
    expect([...bytes.subarray(at + 16, at + 24)]).toEqual([0xdf, 0xff, 0xdf, 0, 0, 0, 0, 0]);
    expect([...bytes.subarray(at + 24, at + 27)]).toEqual([...bytesOf('X@Y')]);

    // The assignment gate: generic.ts's byte classes, and each gated literal's flags in its record.
    expect([...bytes.subarray(CLASSES_AT, CLASSES_AT + 256)]).toEqual([...CLASS]);
    expect([0, 1, 2, 3, 4].map((id) => i32(record(id) + 12))).toEqual([0, 0, 0, 0, 0]);
    const gated = encodeTeddyConfig(plan, [
      { scheme: true, minValue: 16 },
      undefined,
      { scheme: false, minValue: 300 },
    ]);
    const flags = new DataView(gated.buffer);
    expect([0, 1, 2, 3].map((id) => flags.getInt32(record(id) + 12, true))).toEqual([
      1 | 2 | (16 << 8),
      0,
      1 | (255 << 8), // at most 255: a longer value still passes the check of 255
      0,
    ]);
  });

  it('uses the addresses anchors.wat reads (hand-written there)', () => {
    const wat = readFileSync(WAT_PATH, 'utf8');
    for (const offset of [HASH_AT, HASH_AT + 4, GROUP_STARTS_AT, GROUP_STARTS_AT + 4, LITERAL_LIST_AT]) {
      expect(wat).toContain(`offset=${offset} `);
    }
    // The assignment gate's byte classes, each read as offset=<CLASSES_AT> and nowhere else.
    const classReads = wat.match(/i32\.load8_u offset=(\d+)/g) ?? [];
    expect(classReads.length).toBeGreaterThan(3);
    expect(new Set(classReads)).toEqual(new Set([`i32.load8_u offset=${CLASSES_AT}`]));
    expect(wat).toContain(`(i32.const 0x9e3779b1)) (i32.const ${32 - Math.log2(HASH_SLOTS)}))`);
    expect(wat).toContain(`(i32.const 1)) (i32.const ${HASH_SLOTS - 1}))`);
    for (let table = 0; table < 12; table++) expect(wat).toContain(`(v128.load (i32.const ${16 * table})))`);
    expect(TABLE_SET_BYTES).toBe(96);
  });

  it('keeps every prefix findable with 128 distinct prefixes, probing past collisions', () => {
    const literals = Array.from(
      { length: 128 },
      (_, i) => `${'kq'[i >> 6]}${String.fromCharCode(0x21 + (i & 63))}x`,
    );
    const bytes = encodeTeddyConfig(planTeddy(literals));
    const view = new DataView(bytes.buffer);
    let displaced = 0;
    for (const literal of literals) {
      const key = prefixKey(literal);
      let slot = prefixSlot(key);
      while (view.getInt32(HASH_AT + 8 * slot, true) !== key) {
        expect(view.getInt32(HASH_AT + 8 * slot + 4, true)).toBeGreaterThanOrEqual(0);
        slot = (slot + 1) % HASH_SLOTS;
        displaced++;
      }
    }
    expect(displaced).toBeGreaterThan(0);
  });
});
