import { describe, expect, it } from 'vitest';
import { buildAutomaton, findAnchors } from './anchors.js';
import {
  bruteForceHits,
  collect,
  plantedText,
  randomBytes,
  seededRandom,
} from './wasm/__tests__/reference.js';

const bytesOf = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('findAnchors (JS automaton)', () => {
  it('reports anchors ending at the same byte in anchor-id order, whatever their lengths', () => {
    // 'sk-ant-' (id 1) ends where 'ant-' (id 0) ends; ids, not lengths, decide the order.
    const literals = ['ant-', 'sk-ant-', 'nt-', 'ANT-'];
    const automaton = buildAutomaton(literals);
    const text = bytesOf('x SK-Ant- y');
    expect(collect((onHit) => findAnchors(automaton, text, 0, text.length, onHit))).toEqual([
      0, 9, 1, 9, 2, 9, 3, 9,
    ]);
  });

  it('agrees with brute force on planted text and random bytes (overlaps, mixed case, sub-ranges)', () => {
    const random = seededRandom(11);
    const literals = [
      'sk-',
      'gsk_',
      'sk-ant-',
      'ant',
      'key',
      'KEY',
      'keykey',
      'eyk',
      'aaa',
      'x@y',
      'a_b',
      'ab',
    ];
    const automaton = buildAutomaton(literals);
    for (let round = 0; round < 20; round++) {
      const bytes = round % 2 ? plantedText(random, literals, 500) : randomBytes(random, 500);
      const from = Math.floor(random() * 100);
      const to = 400 + Math.floor(random() * 100);
      expect(collect((onHit) => findAnchors(automaton, bytes, from, to, onHit))).toEqual(
        bruteForceHits(literals, bytes, from, to),
      );
    }
  });
});
