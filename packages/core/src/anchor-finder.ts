/**
 * One entry point for anchor search, choosing the engine: the WebAssembly SIMD finder (Teddy prefilter,
 * wasm/teddy-finder.ts) for large inputs, the JS automaton (anchors.ts) for small ones and as the fallback.
 * Both report the same hits in the same order (by end offset, ties by anchor id).
 */
import { buildAutomaton, findAnchors, validateAnchors, type AnchorAutomaton } from './anchors.js';
import { teddyUnsupportedReason, type TeddyPlan } from './wasm/teddy.js';
import { WasmAnchorFinder, compiledAnchorsModule, type WasmFinderOptions } from './wasm/teddy-finder.js';

export { planTeddy, type TeddyPlan } from './wasm/teddy.js';

export type AnchorEngine = 'auto' | 'wasm' | 'js';

export interface AnchorFinderOptions extends WasmFinderOptions {
  /**
   * 'auto' (default): WASM for inputs of WASM_MIN_INPUT bytes or more once WASM_WARMUP_BYTES were scanned, and
   * the JS automaton otherwise or when WASM cannot take the literals (shorter than 3 bytes, more than 128) or
   * the runtime lacks WebAssembly SIMD; 'wasm' throws in those cases; 'js' never uses WASM.
   */
  engine?: AnchorEngine;
  /** The JS automaton for these literals, if the caller has built it already (compileRules does). */
  automaton?: AnchorAutomaton;
  /**
   * A plan made before (at build time, for the built-in rules), asked for only when WASM is set up; used
   * when it was made for these literals, else the finder plans its own. Spares 20-30 ms of planning in
   * each thread that scans enough to set WASM up.
   */
  planFor?: () => TeddyPlan | undefined;
}

export interface AnchorFinder {
  /** Lower-cased anchor literals, indexed by anchor id. */
  readonly anchors: readonly string[];
  /**
   * Calls onHit(anchorId, endOffset) for every anchor occurrence in bytes[from, to), overlapping ones too:
   * by increasing end offset, ties by increasing anchor id. Case-insensitive for ASCII letters only.
   * Occurrences of a gated anchor (options.gates) that no assignment follows may be left out: the WASM
   * finder leaves them out, the JS automaton reports them. Not reentrant: onHit must not call this finder.
   */
  find(bytes: Uint8Array, from: number, to: number, onHit: (anchorId: number, end: number) => void): void;
  /**
   * A buffer of `size` bytes to read a file into; find(view, 0, n) then scans it with no copy when it lies in
   * WASM memory. Valid until the next inputView() or find() call of this finder.
   */
  inputView(size: number): Uint8Array;
  /** The engine that served the last non-empty find(), for benchmarks and tests. */
  readonly lastEngine: 'wasm' | 'js' | undefined;
}

/**
 * Inputs below this many bytes go to the JS automaton even when WASM is ready: a WASM call costs ~250 ns
 * whatever its size, about what the automaton needs for 64 bytes (bench/anchors.mjs: equal at 64 bytes, WASM
 * ~1.2x faster at 128, ~2x at 256).
 */
export const WASM_MIN_INPUT = 128;
/**
 * WASM is set up only once this many bytes were seen, the input at hand counted (a first input this large
 * goes to WASM itself): compiling the module (~1 ms), planning the buckets (on first use, while V8 still
 * interprets the planner: ~3 ms for 22 literals, ~14 for 60, ~20 for 80; pass `plan` to skip it) and the
 * first calls in V8's baseline tier cost about what the automaton spends on 1 to 2 MB. A pre-commit hook
 * over a few small files never pays for it; a large scan pays it once per finder's process.
 */
export const WASM_WARMUP_BYTES = 512 * 1024;
/**
 * With a plan made before (`planFor`, or `plan`), setting WASM up costs only the module and its first calls:
 * it starts after this many bytes. git.git's files in memory, first pass, 12 alternating runs: median
 * 152 ms at 64 KB against 163 ms at 512 KB (155 ms with no wait at all).
 */
export const WASM_WARMUP_BYTES_PLANNED = 64 * 1024;

/** Throws at once for literals no engine takes (empty, not ASCII); the engines themselves are set up lazily. */
export function createAnchorFinder(
  literals: readonly string[],
  options: AnchorFinderOptions = {},
): AnchorFinder {
  return new SwitchingAnchorFinder(literals, options);
}

class SwitchingAnchorFinder implements AnchorFinder {
  readonly anchors: readonly string[];
  lastEngine: 'wasm' | 'js' | undefined;
  private automaton: AnchorAutomaton | undefined;
  /** undefined: not created yet; null: not available (or engine 'js'). */
  private wasm: WasmAnchorFinder | null | undefined;
  private readonly minInput: number;
  private readonly warmup: number;
  private jsBuffer = new Uint8Array(0);
  private seen = 0;
  /** planFor's answer when it fits these literals (undefined: not asked yet; null: none that fits). */
  private madePlan: TeddyPlan | null | undefined;

  constructor(
    private readonly literals: readonly string[],
    private readonly options: AnchorFinderOptions,
  ) {
    validateAnchors(literals);
    this.anchors = literals.map((l) => l.toLowerCase());
    this.automaton = options.automaton;
    const engine = options.engine ?? 'auto';
    if (engine === 'js' || teddyUnsupportedReason(literals) !== undefined) this.wasm = null;
    if (engine === 'wasm') {
      this.wasm = this.newWasmFinder();
      this.minInput = 0;
      this.warmup = 0;
    } else {
      this.minInput = WASM_MIN_INPUT;
      this.warmup = options.plan || options.planFor ? WASM_WARMUP_BYTES_PLANNED : WASM_WARMUP_BYTES;
    }
  }

  find(bytes: Uint8Array, from: number, to: number, onHit: (anchorId: number, end: number) => void): void {
    if (!(from >= 0 && from <= to && to <= bytes.length)) {
      throw new RangeError(`anchor search range [${from}, ${to}) outside 0..${bytes.length}`);
    }
    if (to === from) return;
    const wasm = this.wasm?.owns(bytes) ? this.wasm : this.wasmFor(to - from);
    if (wasm) {
      this.lastEngine = 'wasm';
      wasm.find(bytes, from, to, onHit);
      return;
    }
    this.lastEngine = 'js';
    this.seen += to - from;
    this.automaton ??= buildAutomaton(this.literals);
    findAnchors(this.automaton, bytes, from, to, onHit);
  }

  inputView(size: number): Uint8Array {
    const wasm = this.wasmFor(size);
    if (wasm) return wasm.inputView(size);
    if (this.jsBuffer.length < size) this.jsBuffer = new Uint8Array(Math.max(size, 2 * this.jsBuffer.length));
    return this.jsBuffer.subarray(0, size);
  }

  private wasmFor(size: number): WasmAnchorFinder | null {
    if (size < this.minInput || this.wasm === null) return null;
    if (this.wasm === undefined) {
      // Counting the input at hand: one input past the wait repays the set-up itself (a first file or
      // stdin part of 16 MB went through the automaton whole, at a fraction of WASM's speed).
      const after = this.seen + size;
      if (after < this.warmup) return null;
      // No plan to take after all: planning costs what it did, so wait as long as without one.
      if (after < WASM_WARMUP_BYTES && !this.options.plan && !this.fittingPlan()) return null;
      this.wasm = compiledAnchorsModule(this.options.simd) === null ? null : this.newWasmFinder();
    }
    return this.wasm;
  }

  /** planFor's plan, asked once, if it was made for these literals. */
  private fittingPlan(): TeddyPlan | undefined {
    if (this.madePlan === undefined) {
      const made = this.options.planFor?.();
      const fits =
        made !== undefined &&
        made.literals.length === this.anchors.length &&
        made.literals.every((literal, id) => literal === this.anchors[id]);
      this.madePlan = fits ? made : null;
    }
    return this.madePlan ?? undefined;
  }

  private newWasmFinder(): WasmAnchorFinder {
    const made = this.options.plan ? undefined : this.fittingPlan();
    return new WasmAnchorFinder(this.literals, made ? { ...this.options, plan: made } : this.options);
  }
}
