import { describe, expect, it } from 'vitest';
import type { ContentItem } from '@keyward/core';
import { rng } from '@keyward/test-utils';
import { stdinSource, type StdinOptions } from '../src/stdin.js';

async function parts(input: Buffer, chunkSizes: () => number, options: Partial<StdinOptions> = {}) {
  async function* stream() {
    for (let at = 0; at < input.length;) {
      const size = Math.max(1, chunkSizes());
      yield input.subarray(at, at + size);
      at += size;
    }
  }
  const source = stdinSource({ stream: stream(), ...options });
  const out: Array<ContentItem & { copy: Buffer }> = [];
  for await (const item of source.items() as AsyncIterable<ContentItem>)
    out.push({ ...item, copy: Buffer.from(item.bytes) }); // bytes are valid until the next item
  return { items: out, stats: source.stats() };
}

/** The input's lines, each with its line end. */
const linesOf = (text: Buffer) => text.toString('latin1').split(/(?<=\n)/);

describe('stdin in parts', () => {
  it('is one plain item when it is short, as a file is (empty input too)', async () => {
    const one = await parts(Buffer.from('a\nb\n'), () => 3);
    expect(one.items.map((i) => [i.copy.toString(), i.part, i.addedLines])).toEqual([
      ['a\nb\n', undefined, undefined],
    ]);
    const none = await parts(Buffer.alloc(0), () => 1);
    expect(none.items).toHaveLength(1);
  });

  it('cuts long input into parts of whole lines that answer for every line once, with context around', async () => {
    const next = rng(77);
    for (let round = 0; round < 60; round++) {
      const lines = Array.from(
        { length: 50 + Math.floor(next() * 400) },
        (_, i) => `${i}:${'x'.repeat(Math.floor(next() ** 3 * 120))}\n`,
      );
      if (next() < 0.5) lines.push('no line end at the end');
      const input = Buffer.from(lines.join(''), 'latin1');
      const partBytes = 64 + Math.floor(next() * 2000);
      const contextBytes = 16 + Math.floor(next() * 300);
      const { items } = await parts(input, () => Math.floor(next() * 700), { partBytes, contextBytes });
      const all = linesOf(input);
      let answered = 0; // lines answered for so far
      let newBytes = 0;
      for (const [i, item] of items.entries()) {
        const firstLine = item.part?.firstLine ?? 1;
        const mine = linesOf(item.copy);
        // Whole lines of the input, at the line it says.
        expect(mine).toEqual(all.slice(firstLine - 1, firstLine - 1 + mine.length));
        const [[from, to]] = item.addedLines ?? [[1, mine.length]];
        // Answers for the lines after those answered before, in order, none twice, none left out.
        expect({ round, i, from: firstLine - 1 + from }).toEqual({ round, i, from: answered + 1 });
        answered = firstLine - 1 + to!;
        newBytes += item.part?.newBytes ?? item.copy.length;
        expect(item.part?.continued ?? false).toBe(i > 0);
        // Context: the whole lines within contextBytes before and after its own, as far as the input goes.
        const before = mine.slice(0, from! - 1).join('').length;
        const after = mine.slice(to).join('').length;
        const inputBefore = all.slice(0, firstLine - 1 + from! - 1).join('').length;
        const inputAfter = all.slice(firstLine - 1 + to!).join('').length;
        expect(before).toBeGreaterThanOrEqual(Math.min(inputBefore, contextBytes - 130));
        expect(after).toBeGreaterThanOrEqual(Math.min(inputAfter, contextBytes));
      }
      expect(answered).toBe(all.length);
      expect(newBytes).toBe(input.length);
      if (input.length > partBytes + 2 * contextBytes + 400) expect(items.length).toBeGreaterThan(1);
    }
  });

  it('skips a line over the cap, says so, and keeps counting lines after it', async () => {
    const input = Buffer.from(`one\ntwo\n${'z'.repeat(5000)}\nfour\nfive\n`);
    const { items, stats } = await parts(input, () => 100, {
      maxSize: 1000,
      partBytes: 64,
      contextBytes: 16,
    });
    const answered = items.flatMap((item) => {
      const [[from, to]] = item.addedLines ?? [[1, linesOf(item.copy).length]];
      return linesOf(item.copy)
        .slice(from! - 1, to)
        .map((line, i) => `${(item.part?.firstLine ?? 1) + from! - 1 + i}:${line.trim()}`);
    });
    expect(answered).toEqual(['1:one', '2:two', '4:four', '5:five']);
    expect(stats.skipped.tooLarge).toBe(1);
    expect(stats.incomplete).toBe(true);
    expect(stats.warnings).toEqual(['<stdin>: a line over the size cap; not scanned']);
  });
});
