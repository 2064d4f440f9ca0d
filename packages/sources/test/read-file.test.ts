import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '@keyward/test-utils';
import { FileReader } from '../src/read-file.js';

const MiB = 1 << 20;
const dir = tempDir('keyward-read-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Files whose sizes fall on and around the reader's 1 MiB start and its doublings. */
const SIZES = [0, 1, 4095, MiB - 1, MiB, MiB + 1, 2 * MiB, 3 * MiB + 5];
const files = SIZES.map((size, i) => {
  const bytes = Buffer.alloc(size);
  for (let j = 0; j < size; j++) bytes[j] = (j * 31 + i * 7) & 0xff;
  const path = join(dir, `f${i}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, bytes);
  return { path, bytes };
});

function readAll(reader: FileReader, order: typeof files): void {
  for (const { path, bytes } of order) {
    const result = reader.read(path, 64 * MiB);
    expect('bytes' in result && Buffer.from(result.bytes).equals(bytes)).toBe(true);
  }
}

describe('FileReader', () => {
  it('reads every size whole into its own buffer, in growing and shrinking order', () => {
    const reader = new FileReader();
    readAll(reader, files);
    readAll(reader, [...files].reverse());
  });

  it('reads into WebAssembly memory that grows under it (the old view detached, its bytes kept in place)', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const provided: number[] = [];
    const reader = new FileReader((size) => {
      provided.push(size);
      const missing = size - memory.buffer.byteLength;
      if (missing > 0) memory.grow(Math.ceil(missing / 65536));
      return new Uint8Array(memory.buffer, 0, size);
    });
    readAll(reader, files);
    readAll(reader, [...files].reverse());
    expect(Math.max(...provided)).toBe(4 * MiB); // 3 MiB + 5 needed two doublings past 1 MiB
  });

  it('reads into memory that a provider replaces when it grows (the bytes so far copied over)', () => {
    let current = new Uint8Array(0);
    const reader = new FileReader((size) => {
      if (current.length < size) current = new Uint8Array(size);
      return current.subarray(0, size);
    });
    readAll(reader, files);
  });

  it('stops one byte past the cap, whichever memory it reads into', () => {
    const big = files[files.length - 1]!;
    expect(new FileReader().read(big.path, MiB)).toEqual({ skip: 'tooLarge' });
    const memory = new WebAssembly.Memory({ initial: 1 });
    const reader = new FileReader((size) => {
      const missing = size - memory.buffer.byteLength;
      if (missing > 0) memory.grow(Math.ceil(missing / 65536));
      return new Uint8Array(memory.buffer, 0, size);
    });
    expect(reader.read(big.path, 2 * MiB)).toEqual({ skip: 'tooLarge' });
    expect(reader.read(join(dir, 'absent'), MiB)).toMatchObject({ skip: 'unreadable' });
  });
});
