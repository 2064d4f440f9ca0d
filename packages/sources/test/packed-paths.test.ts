import { describe, expect, it } from 'vitest';
import { packPaths, packedPathReader } from '../src/packed-paths.js';

describe('packed path lists', () => {
  it('give back every file, in order, with non-ASCII names, across buffer growth', () => {
    const files = Array.from({ length: 3000 }, (_, i) => ({
      abs: `/repo/dir-${i % 7}/fïle-${i}-${'x'.repeat(i % 50)}.ts`,
      shown: `dir-${i % 7}/fïle-${i}-${'x'.repeat(i % 50)}.ts`,
    }));
    const packed = packPaths(files);
    expect(packed.count).toBe(files.length);
    expect(packed.text).toBeInstanceOf(SharedArrayBuffer);
    const read = packedPathReader(packed);
    expect(Array.from({ length: packed.count }, (_, i) => read(i))).toEqual(files);
  });

  it('gives a path that is not valid UTF-8 back as its bytes, and one holding U+FFFD itself as text', () => {
    const raw = Buffer.concat([Buffer.from('/repo/caf'), Buffer.from([0xe9]), Buffer.from('/k.ts')]);
    const files = [
      { abs: raw, shown: 'caf\uFFFD/k.ts' },
      { abs: '/repo/\uFFFD.ts', shown: '\uFFFD.ts' },
      { abs: '/repo/plain.ts', shown: 'plain.ts' },
    ];
    const read = packedPathReader(packPaths(files));
    expect([read(0), read(1), read(2)]).toEqual(files);
    expect(Buffer.isBuffer(read(0).abs)).toBe(true);
  });

  it('packs an empty list', () => {
    const packed = packPaths([]);
    expect(packed.count).toBe(0);
  });

  it('is read in place by another thread: the buffers are shared, not copied', () => {
    const packed = packPaths([{ abs: '/a/b.txt', shown: 'b.txt' }]);
    const clone = structuredClone(packed);
    new Uint8Array(packed.text)[3] = 'B'.charCodeAt(0);
    expect(packedPathReader(clone)(0)).toEqual({ abs: '/a/B.txt', shown: 'b.txt' });
  });
});
