import { describe, expect, it } from 'vitest';
import { RULES } from '@keyward/rules';
import { captureGroupCount } from './capture-groups.js';
import { seededRandom } from './wasm/__tests__/reference.js';

/** What V8 says: the match array of `source|` against '' has one entry per group, plus the match. */
function v8Count(source: string): number {
  return new RegExp(`${source}|`).exec('')!.length - 1;
}

/** Pieces of regex syntax that open, close or hide groups, glued at random. */
const PIECES = [
  '(',
  ')',
  '(?:',
  '(?=',
  '(?!',
  '(?<=',
  '(?<!',
  '(?<name',
  '>',
  '[',
  ']',
  '[^',
  '\\(',
  '\\)',
  '\\[',
  '\\]',
  '\\\\',
  '\\d',
  'a',
  'b',
  '|',
  '*',
  '+',
  '?',
  '{2}',
  '<',
  '=',
  '!',
  '^',
  '$',
  '.',
  '-',
];

describe('captureGroupCount', () => {
  it('agrees with V8 on every built-in rule pattern, allowlist entry and confident pattern', () => {
    const sources = RULES.flatMap((rule) => [
      ...(rule.pattern === undefined ? [] : [rule.pattern]),
      ...(rule.allowlist ?? []),
      ...(rule.confidentPattern === undefined ? [] : [rule.confidentPattern]),
    ]);
    expect(sources.length).toBeGreaterThan(60);
    for (const source of sources) expect(captureGroupCount(source), source).toBe(v8Count(source));
  });

  it('agrees with V8 on escapes, classes, lookarounds and named groups', () => {
    const cases = [
      ['', 0],
      ['a(b)c', 1],
      ['(?:a)(b)', 1],
      ['(?<key>x)(?<=y)(?<!z)(?=w)(?!v)', 1],
      ['\\(not\\)', 0],
      ['[(]', 0],
      ['[\\]()]', 0],
      ['[]()', 1], // `[]` is an empty class in JS, not the start of `[]()]`
      ['[^]()', 1],
      ['\\\\(a)', 1],
      ['((a)(?:b(c)))', 3],
      ['(?<a>(?<b>x))', 2],
    ] as const;
    for (const [source, count] of cases) {
      expect(v8Count(source), source).toBe(count);
      expect(captureGroupCount(source), source).toBe(count);
    }
  });

  it('agrees with V8 on 20,000 random sources that compile', () => {
    const random = seededRandom(18);
    let compared = 0;
    for (let n = 0; n < 20_000; n++) {
      let source = '';
      const length = 1 + Math.floor(random() * 12);
      for (let k = 0; k < length; k++) source += PIECES[Math.floor(random() * PIECES.length)];
      let expected: number;
      try {
        expected = v8Count(source);
      } catch {
        continue; // not a regex: compileRule rejects it before counting
      }
      compared++;
      expect(captureGroupCount(source), source).toBe(expected);
    }
    expect(compared).toBeGreaterThan(3_000);
  });
});
