import { afterEach, describe, expect, it, vi } from 'vitest';

/** Every byte value, in an order that puts each next to others. */
const ALL = Uint8Array.from({ length: 256 * 3 }, (_, i) => (i * 89) % 256);
const spelled = (bytes: Uint8Array) => Array.from(bytes, (b) => String.fromCharCode(b)).join('');

/** WHATWG's "latin1": windows-1252, as a browser decodes it (0x80 becomes U+20AC and so on). */
class Windows1252 {
  decode(bytes: Uint8Array): string {
    return String.fromCharCode(...Array.from(bytes, (b) => (b >= 0x80 && b < 0xa0 ? 0x20ac : b)));
  }
}

describe('latin1', () => {
  afterEach(() => vi.unstubAllGlobals());

  for (const decoder of ['this runtime’s', 'a windows-1252'] as const) {
    it(`gives one character per byte, equal to it, with ${decoder} decoder`, async () => {
      vi.resetModules();
      if (decoder === 'a windows-1252') vi.stubGlobal('TextDecoder', Windows1252);
      const { latin1 } = await import('./latin1.js');
      for (const length of [0, 1, 23, 24, 25, 64, 300, 256 * 3]) {
        for (const start of [0, 7]) {
          const end = Math.min(ALL.length, start + length);
          expect(latin1(ALL, start, end)).toBe(spelled(ALL.subarray(start, end)));
        }
      }
      const long = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 31) % 256);
      expect(latin1(long, 5, 9_999)).toBe(spelled(long.subarray(5, 9_999)));
    });
  }
});
