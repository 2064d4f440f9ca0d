import { describe, expect, it } from 'vitest';
import { WASM_MIN_INPUT, WASM_WARMUP_BYTES, createAnchorFinder } from './anchor-finder.js';
import { bruteForceHits, collect, plantedText, seededRandom } from './wasm/__tests__/reference.js';

const LITERALS = ['sk-ant-', 'gsk_', 'hf_', 'key', 'token', 'secret', 'passw', 'bearer', 'cred'];

describe('createAnchorFinder', () => {
  const random = seededRandom(21);
  const small = plantedText(random, LITERALS, 100);
  const large = plantedText(random, LITERALS, WASM_WARMUP_BYTES + 1000);

  it("engine 'auto' scans small inputs in JS, and large ones in WASM once it has seen enough bytes", () => {
    const finder = createAnchorFinder(LITERALS);
    expect(collect((onHit) => finder.find(small, 0, small.length, onHit))).toEqual(
      bruteForceHits(LITERALS, small),
    );
    expect(finder.lastEngine).toBe('js');
    // An input that takes the bytes seen past the wait goes to WASM itself: it repays the set-up.
    expect(collect((onHit) => finder.find(large, 0, large.length, onHit))).toEqual(
      bruteForceHits(LITERALS, large),
    );
    expect(finder.lastEngine).toBe('wasm');
    const tiny = small.subarray(0, WASM_MIN_INPUT - 1);
    expect(collect((onHit) => finder.find(tiny, 0, tiny.length, onHit))).toEqual(
      bruteForceHits(LITERALS, tiny),
    );
    expect(finder.lastEngine).toBe('js');
  });

  it("engine 'auto' hands out WASM memory as inputView once warm (for inputs WASM would take), scanned in place", () => {
    const finder = createAnchorFinder(LITERALS);
    const cold = finder.inputView(5000);
    cold.set(large.subarray(0, 5000));
    finder.find(cold, 0, cold.length, () => {});
    expect(finder.lastEngine).toBe('js');
    const first = finder.inputView(large.length); // past the wait: WASM memory
    first.set(large);
    expect(collect((onHit) => finder.find(first, 0, first.length, onHit))).toEqual(
      bruteForceHits(LITERALS, large),
    );
    expect(finder.lastEngine).toBe('wasm');
    const medium = large.subarray(0, 5000);
    const warm = finder.inputView(medium.length);
    warm.set(medium);
    expect(collect((onHit) => finder.find(warm, 0, warm.length, onHit))).toEqual(
      bruteForceHits(LITERALS, medium),
    );
    expect(finder.lastEngine).toBe('wasm');
    const tiny = finder.inputView(WASM_MIN_INPUT - 1);
    tiny.set(small.subarray(0, tiny.length));
    finder.find(tiny, 0, tiny.length, () => {});
    expect(finder.lastEngine).toBe('js');
  });

  it("engine 'js' never uses WASM; engine 'wasm' always does", () => {
    const js = createAnchorFinder(LITERALS, { engine: 'js' });
    const wasm = createAnchorFinder(LITERALS, { engine: 'wasm' });
    for (let i = 0; i < 2; i++) {
      expect(collect((onHit) => js.find(large, 0, large.length, onHit))).toEqual(
        bruteForceHits(LITERALS, large),
      );
      expect(js.lastEngine).toBe('js');
    }
    expect(collect((onHit) => wasm.find(small, 3, 50, onHit))).toEqual(
      bruteForceHits(LITERALS, small, 3, 50),
    );
    expect(wasm.lastEngine).toBe('wasm');
    const view = js.inputView(10);
    expect(view.length).toBe(10);
  });

  it('falls back to JS for anchors the WASM finder cannot take; forcing WASM then throws', () => {
    const literals = ['ab', 'key'];
    const finder = createAnchorFinder(literals);
    for (let i = 0; i < 2; i++) {
      expect(collect((onHit) => finder.find(large, 0, large.length, onHit))).toEqual(
        bruteForceHits(literals, large),
      );
      expect(finder.lastEngine).toBe('js');
    }
    expect(() => createAnchorFinder(literals, { engine: 'wasm' })).toThrow(/"ab" is shorter than 3 bytes/);
  });

  it("engine 'auto' takes up to 128 literals in WASM and more than that in JS", () => {
    for (const [count, engine] of [
      [65, 'wasm'],
      [128, 'wasm'],
      [129, 'js'],
    ] as const) {
      const literals = Array.from({ length: count }, (_, i) => `${LITERALS[i % LITERALS.length]}${i}`);
      const text = plantedText(random, literals, WASM_WARMUP_BYTES + 1000);
      const finder = createAnchorFinder(literals);
      // The JS automaton is the reference here (it agrees with brute force in anchors.test.ts).
      const expected = collect((onHit) =>
        createAnchorFinder(literals, { engine: 'js' }).find(text, 0, text.length, onHit),
      );
      for (let i = 0; i < 2; i++) {
        expect(collect((onHit) => finder.find(text, 0, text.length, onHit))).toEqual(expected);
      }
      expect(expected.length).toBeGreaterThan(1000);
      expect(finder.lastEngine).toBe(engine);
    }
  });

  it('rejects literals no engine takes at once, before any search', () => {
    expect(() => createAnchorFinder(['key', ''])).toThrow('an anchor literal cannot be empty');
    expect(() => createAnchorFinder(['Clé'])).toThrow('anchor "clé" must be ASCII');
  });

  it('lower-cases its anchors and rejects a range outside the array', () => {
    const finder = createAnchorFinder(['KEY', 'Token']);
    expect(finder.anchors).toEqual(['key', 'token']);
    expect(() => finder.find(small, 0, small.length + 1, () => {})).toThrow(RangeError);
    finder.find(small, 5, 5, () => expect.unreachable());
  });
});
