import { RULES } from '@keyward/rules';
import { compileRules } from '../../compile.js';
/** Test helpers for the anchor finders: a brute-force reference search, a seeded PRNG and input builders. */

/** Every (anchorId, end) occurrence by brute force, ASCII case-insensitive, sorted by end then id. */
export function bruteForceHits(
  literals: readonly string[],
  bytes: Uint8Array,
  from = 0,
  to = bytes.length,
): number[] {
  const hits: Array<[number, number]> = [];
  literals.forEach((literal, id) => {
    const l = literal.toLowerCase();
    for (let p = from; p + l.length <= to; p++) {
      let i = 0;
      while (i < l.length && fold(bytes[p + i]!) === l.charCodeAt(i)) i++;
      if (i === l.length) hits.push([id, p + l.length]);
    }
  });
  hits.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return hits.flat();
}

function fold(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
}

/** Runs a finder-shaped search and returns its hits flattened as [id, end, id, end, …]. */
export function collect(search: (onHit: (anchorId: number, end: number) => void) => void): number[] {
  const hits: number[] = [];
  search((id, end) => hits.push(id, end));
  return hits;
}

/** mulberry32: a small seeded PRNG, so every failing case can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random bytes over the whole 0..255 range. */
export function randomBytes(random: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** Text-like bytes with anchors planted densely, each in a random ASCII case, some overlapping. */
export function plantedText(random: () => number, literals: readonly string[], length: number): Uint8Array {
  const filler = 'abcdefghijklmnopqrstuvwxyz_-0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ=:"\n';
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = filler.charCodeAt(Math.floor(random() * filler.length));
  const plants = Math.floor(length / 12);
  for (let k = 0; k < plants; k++) {
    const literal = literals[Math.floor(random() * literals.length)]!;
    const at = Math.floor(random() * Math.max(1, length - literal.length + 1));
    for (let i = 0; i < literal.length && at + i < length; i++) {
      const c = literal.charCodeAt(i);
      bytes[at + i] = random() < 0.5 ? c : c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
    }
  }
  return bytes;
}

/** Writes a literal at `at` in the given case (`upper` flips ASCII letters to upper case). */
export function plant(bytes: Uint8Array, literal: string, at: number, upper = false): void {
  for (let i = 0; i < literal.length; i++) {
    const c = literal.charCodeAt(i);
    bytes[at + i] = upper && c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  }
}

/** The scanner's real anchor set: every keyword of keyward's rules, lower-cased, as compileRules builds it. */
export const REAL: readonly string[] = compileRules(RULES).automaton.anchors;
