import { describe, expect, it } from 'vitest';
import { addedLines, allLines, lineCount, myersInserted } from './added-lines.js';

const enc = (text: string) => new TextEncoder().encode(text);
const added = (before: string, after: string) => addedLines(enc(before), enc(after));

/** Reference: insertions of a longest-common-subsequence diff, by dynamic programming (small inputs only). */
function lcsInsertCount(a: number[], b: number[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  return b.length - dp[0]![0]!;
}

describe('lineCount / allLines', () => {
  it('counts a last line without a newline', () => {
    expect(lineCount(enc(''))).toBe(0);
    expect(lineCount(enc('a'))).toBe(1);
    expect(lineCount(enc('a\n'))).toBe(1);
    expect(lineCount(enc('a\nb'))).toBe(2);
    expect(lineCount(enc('\n\n'))).toBe(2);
    expect(allLines(enc(''))).toEqual([]);
    expect(allLines(enc('a\nb\n'))).toEqual([[1, 2]]);
  });
});

describe('addedLines', () => {
  it('finds insertions at the start, middle and end', () => {
    expect(added('a\nb\n', 'x\na\nb\n')).toEqual([[1, 1]]);
    expect(added('a\nb\n', 'a\nx\ny\nb\n')).toEqual([[2, 3]]);
    expect(added('a\nb\n', 'a\nb\nx\n')).toEqual([[3, 3]]);
  });

  it('reports a changed line as added, and nothing for deletions only', () => {
    expect(added('a\nb\nc\n', 'a\nB\nc\n')).toEqual([[2, 2]]);
    expect(added('a\nb\nc\n', 'a\nc\n')).toEqual([]);
    expect(added('same\n', 'same\n')).toEqual([]);
  });

  it('treats everything as added against an empty file, and a last line gaining a newline as unchanged', () => {
    expect(added('', 'a\nb')).toEqual([[1, 2]]);
    expect(added('a\nb', 'a\nb\nc\n')).toEqual([[3, 3]]);
  });

  it('handles repeated lines like a minimal diff', () => {
    expect(added('x\nx\n', 'x\nx\nx\n')).toEqual([[3, 3]]);
    expect(added('}\n}\n', '}\nnew\n}\n}\n')).toHaveLength(1);
  });

  it('counts a moved line as added (as git diff shows it)', () => {
    expect(added('a\nb\nc\n', 'c\na\nb\n')).toEqual([[1, 1]]);
  });

  it('keeps CRLF lines distinct from LF lines', () => {
    expect(added('a\nb\n', 'a\r\nb\n')).toEqual([[1, 1]]);
  });

  it('matches a reference LCS on random edits', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const a = Array.from({ length: rand(30) }, () => rand(6));
      const b = a.filter(() => rand(4) !== 0);
      for (let k = rand(6); k > 0; k--) b.splice(rand(b.length + 1), 0, rand(8));
      const inserted = myersInserted(a, b, 1000)!;
      expect(inserted.reduce((s, v) => s + v, 0)).toBe(lcsInsertCount(a, b));
      // The lines not inserted are a common subsequence of a.
      const kept = b.filter((_, j) => !inserted[j]);
      let i = 0;
      for (const x of kept) {
        while (i < a.length && a[i] !== x) i++;
        expect(i).toBeLessThan(a.length);
        i++;
      }
    }
  });

  it('gives as many added lines as a reference LCS diff of whole files, edits anywhere', () => {
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const words = ['x', 'y', 'z', '', 'key=1', '}', 'long line of text'];
    for (let round = 0; round < 400; round++) {
      const a = Array.from({ length: rand(40) }, () => words[rand(words.length)]!);
      const b = [...a];
      for (let k = rand(4); k > 0; k--) b.splice(rand(b.length + 1), rand(2), words[rand(words.length)]!);
      const text = (lines: string[]) => lines.join('\n') + (rand(2) ? '\n' : '');
      const ids = new Map<string, number>();
      const id = (l: string) => ids.get(l) ?? (ids.set(l, ids.size), ids.size - 1);
      const [before, after] = [text(a), text(b)];
      // The lines as a file holds them: a final newline ends the last line, it does not start one.
      const lines = (t: string) => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));
      const ranges = added(before, after);
      const count = ranges.reduce((sum, [start, end]) => sum + end - start + 1, 0);
      expect(count).toBe(lcsInsertCount(lines(before).map(id), lines(after).map(id)));
      for (const [start, end] of ranges) {
        expect(start).toBeGreaterThanOrEqual(1);
        expect(end).toBeLessThanOrEqual(lines(after).length);
      }
    }
  });

  it('gives up on the exact diff past the edit budget by marking every candidate line added', () => {
    expect(myersInserted([1, 2, 3, 4], [4, 3, 2, 1], 2)).toBeUndefined();
    const before = Array.from({ length: 3000 }, (_, i) => `l${i}`).join('\n');
    const after = Array.from({ length: 3000 }, (_, i) => `l${2999 - i}`).join('\n');
    expect(added(before, after)).toEqual([[1, 3000]]);
  });
});
