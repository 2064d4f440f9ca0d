import { RULES } from '@keyward/rules';
import { compileRules } from '../../compile.js';
import { CLASS, type AssignmentGate } from '../../generic.js';
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

/**
 * The WASM finder's assignment gate (anchors.wat) in JS, seeing bytes [0, n): whether it keeps the hit of a
 * gated keyword that ends at `end`. Wherever it would read past n it keeps the hit (JS decides then).
 */
export function gateKeeps(bytes: Uint8Array, end: number, gate: AssignmentGate, n = bytes.length): boolean {
  const is = (i: number, bits: number) => (CLASS[bytes[i]!]! & bits) !== 0;
  let j = end;
  while (j < n && j < end + 80 && is(j, NAME)) j++;
  if (j >= n) return true;
  if (is(j, BLANK) && gate.scheme) return true;
  if (is(j, QUOTE)) j++;
  if (j < n && bytes[j] === 0x5d) j++;
  while (j < n && is(j, BLANK)) j++;
  if (j >= n) return true;
  const op = bytes[j];
  if (op !== 0x3a && op !== 0x3d) return false;
  if (++j >= n) return true;
  if (bytes[j] === op) return false; // `::`, `==`
  if ((op === 0x3a && bytes[j] === 0x3d) || (op === 0x3d && bytes[j] === 0x3e)) j++;
  if (gate.minValue === 0) return true;
  while (j < n && is(j, BLANK)) j++;
  if (j >= n) return true;
  if (is(j, QUOTE)) j++;
  const value = j;
  while (j < n && j < value + gate.minValue && is(j, VALUE)) j++;
  if (j >= n || j >= value + gate.minValue) return true;
  // Too short for a value: a word and a blank may still be an auth scheme before one.
  j = value;
  while (j < n && is(j, NAME)) j++;
  return j >= n || (j > value && is(j, BLANK));
}

const NAME = 1;
const VALUE = 2;
const BLANK = 4;
const QUOTE = 8;

/**
 * Lines of would-be assignments from fragments: names holding the generic rules' keywords (and auth scheme
 * words), closing quotes and brackets, every operator the gate and matchAssignment tell apart (and near
 * misses), blanks, quotes, values of every length around the shortest, and scheme words before them.
 */
export function assignmentText(random: () => number, lines: number): Uint8Array {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const names = [
    'api_key',
    'API_KEY',
    'token',
    'Token',
    'secret',
    'db.password',
    'pwd',
    'auth',
    'bearer',
    'Bearer',
    'basic',
    'credKey',
    'keys',
    'x-api-key',
    'monkey',
    `${'k'.repeat(78)}key`,
    'key',
  ];
  const afterName = ['', '', '"', "'", '`', ']', '"]', "']", ' ', '\t', '  '];
  const ops = ['=', ':', ':=', '=>', '==', '::', '===', '(', '.', ',', ' ', '', '=\n', ':\t'];
  const values = ['', ' ', '  ', '"', "'", '`', 'Bearer ', 'token ', 'basic\t', '>'];
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.~+/=%';
  const ends = ['', '\n', '"', "'", ',', ';', ')', ' x', '(', '.', '\\n'];
  let text = '';
  for (let i = 0; i < lines; i++) {
    let value = '';
    const length = Math.floor(random() * 24);
    for (let k = 0; k < length; k++) value += alphabet[Math.floor(random() * alphabet.length)];
    text += pick(names) + pick(afterName) + pick(afterName.slice(0, 3)) + pick(ops) + pick(values) + value;
    text += pick(ends) + (random() < 0.7 ? '\n' : '');
  }
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
