/**
 * The WebAssembly anchor finder: owns one instance of anchors.wat and its memory, copies input in (or scans a
 * view of its own memory in place) and hands hits to JS in the order the JS automaton reports them.
 *
 * Memory layout: [config (teddy.ts) | hit keys (i64: end << 32 | id) | input region + padding].
 * Not reentrant: an onHit callback must not call find() or inputView() of the same finder.
 */
import { ANCHORS_WASM_BASE64, ANCHORS_WASM_RELAXED_BASE64 } from './anchors-wasm.generated.js';
import { decodeBase64 } from './base64.js';
import type { AssignmentGate } from '../generic.js';
import { encodeTeddyConfig, planTeddy, type TeddyPlan } from './teddy.js';

/** The few WebAssembly JS-API members used here (the core compiles without DOM or Node type libraries). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmGlobal {
  value: number;
}
interface WasmExports {
  readonly memory: WasmMemory;
  readonly resume: WasmGlobal;
  scan(
    inAt: number,
    n: number,
    from: number,
    limit: number,
    out: number,
    count: number,
    stopAt: number,
    wide: number,
  ): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

const PAGE = 65536;
/** Bytes past the input that the scan may read (16-byte loads up to +18 of a 32-byte step; 8-byte words). */
const PADDING = 64;
const DEFAULT_CHUNK_BYTES = 1 << 20;
const DEFAULT_HIT_CAPACITY = 1 << 14;

/**
 * Which build of anchors.wat: with relaxed-SIMD swizzles (one pshufb each on x64, where the strict swizzle
 * costs three instructions; the tables are only ever looked up with nibbles, where the two agree), or strict.
 * Relaxed SIMD is in V8 from 11.4 (Node 22); Node 20 takes it only with --experimental-wasm-relaxed-simd.
 * Measured on the worktree bench's text, in one process, the relaxed build alternating with the strict one:
 * 0.83x the time (0.72-0.76x on text with no candidate).
 */
export type AnchorsSimd = 'relaxed' | 'strict';

const modules: { relaxed?: object | null; strict?: object | null } = {};
let preferred: AnchorsSimd | undefined;

/**
 * Compiles a build once per process, on first use (not at import): ~1 ms that small inputs never pay. By
 * default the relaxed build where this runtime validates it, else the strict one. Returns null when this
 * runtime cannot take the build (no WebAssembly, no SIMD, or no relaxed SIMD).
 */
export function compiledAnchorsModule(simd?: AnchorsSimd): object | null {
  if (simd !== undefined) return compileBuild(simd);
  preferred ??= compileBuild('relaxed') === null ? 'strict' : 'relaxed';
  return compileBuild(preferred);
}

/** The build finders use here by default, or null when there is no WebAssembly SIMD at all. */
export function defaultAnchorsSimd(): AnchorsSimd | null {
  return compiledAnchorsModule() === null ? null : preferred!;
}

function compileBuild(simd: AnchorsSimd): object | null {
  const known = modules[simd];
  if (known !== undefined) return known;
  modules[simd] = null;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  const bytes = decodeBase64(simd === 'relaxed' ? ANCHORS_WASM_RELAXED_BASE64 : ANCHORS_WASM_BASE64);
  try {
    if (api.validate(bytes)) modules[simd] = new api.Module(bytes);
  } catch {
    modules[simd] = null;
  }
  return modules[simd];
}

const plans = new Map<string, TeddyPlan>();

/** planTeddy, remembered for the last few literal lists of this process (finders are often made per file set). */
function cachedPlan(literals: readonly string[]): TeddyPlan {
  const key = JSON.stringify(literals);
  let plan = plans.get(key);
  if (!plan) {
    plan = planTeddy(literals);
    if (plans.size >= 8) plans.delete(plans.keys().next().value!);
    plans.set(key, plan);
  }
  return plan;
}

export interface WasmFinderOptions {
  /**
   * A plan made earlier by planTeddy() for the same literals (plain data: it can be made once and sent to
   * worker threads), which skips planning (3-20 ms while the planner still runs in V8's interpreter).
   */
  plan?: TeddyPlan;
  /** Input copied in per scan by find() (default 1 MiB); chunks overlap by (longest literal - 1) bytes. */
  chunkBytes?: number;
  /** Hits buffered before they are handed to JS (default 16384); a scan pauses when the buffer is full. */
  hitCapacity?: number;
  /** The build of anchors.wat to run (default: defaultAnchorsSimd()). */
  simd?: AnchorsSimd;
  /**
   * Per anchor id, the assignment gate of a keyword that only generic rules use (generic.ts): its hits that
   * no assignment follows are not reported. Anchors without one are reported at every occurrence.
   */
  gates?: ReadonlyArray<AssignmentGate | undefined>;
}

export class WasmAnchorFinder {
  readonly plan: TeddyPlan;
  private readonly exports: WasmExports;
  private readonly outAt: number;
  private readonly inAt: number;
  private readonly stopAt: number;
  private readonly chunkBytes: number;
  /** 1 when the plan uses buckets 8-15 (the scan then looks up the second set of tables), else 0. */
  private readonly wide: number;
  private inCapacity = 0;
  private buffer: ArrayBuffer | undefined;
  private u8 = new Uint8Array(0);
  private i32 = new Int32Array(0);

  /** Throws when WebAssembly SIMD is unavailable or the literals do not suit Teddy (teddyUnsupportedReason). */
  constructor(literals: readonly string[], options: WasmFinderOptions = {}) {
    this.plan = options.plan ?? cachedPlan(literals);
    const lower = literals.map((l) => l.toLowerCase());
    if (this.plan.literals.length !== lower.length || this.plan.literals.some((l, id) => l !== lower[id])) {
      throw new Error('the Teddy plan was made for other anchor literals');
    }
    const module = compiledAnchorsModule(options.simd);
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (module === null || api === undefined) {
      throw new Error(`WebAssembly ${options.simd === 'relaxed' ? 'relaxed ' : ''}SIMD is not available`);
    }
    this.exports = new api.Instance(module, {}).exports as WasmExports;

    const config = encodeTeddyConfig(this.plan, options.gates);
    this.wide = this.plan.buckets.length > 8 ? 1 : 0;
    const literalCount = this.plan.literals.length;
    // A paused scan keeps the hits it cannot hand out yet (those that may still tie with later ones, at most
    // maxLength starts' worth) and must still have room for a whole double block's hits (32 starts).
    const carried = (this.plan.maxLength + 1) * literalCount;
    const capacity = Math.max(options.hitCapacity ?? DEFAULT_HIT_CAPACITY, carried + 64 * literalCount + 1);
    this.stopAt = capacity - 32 * literalCount - 1;
    this.outAt = align(config.length, 64);
    this.inAt = align(this.outAt + 8 * capacity, 64);
    this.chunkBytes = Math.max(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, 16);
    this.reserve(Math.min(this.chunkBytes + this.plan.maxLength, DEFAULT_CHUNK_BYTES + this.plan.maxLength));
    this.u8.set(config, 0);
  }

  /**
   * A view of `size` bytes of the finder's input region, for a reader to fill in place (e.g. fs.readSync);
   * find(view, from, to) then scans it without a copy. The view is invalidated by the next inputView() that
   * grows memory and overwritten by the next find() of another array.
   */
  inputView(size: number): Uint8Array {
    this.reserve(size);
    return new Uint8Array(this.exports.memory.buffer, this.inAt, size);
  }

  /** Whether `bytes` lies in this finder's memory (an inputView), which find() scans without a copy. */
  owns(bytes: Uint8Array): boolean {
    return bytes.buffer === this.exports.memory.buffer;
  }

  /**
   * Same contract as findAnchors (JS automaton): every occurrence, by end offset, ties by anchor id; but a
   * gated anchor's (options.gates) only where an assignment may follow.
   */
  find(bytes: Uint8Array, from: number, to: number, onHit: (anchorId: number, end: number) => void): void {
    if (!(from >= 0 && from <= to && to <= bytes.length)) {
      throw new RangeError(`anchor search range [${from}, ${to}) outside 0..${bytes.length}`);
    }
    if (to === from) return;
    this.refreshViews();
    const at = bytes.byteOffset + from;
    if (bytes.buffer === this.buffer && at >= this.inAt && at + (to - from) <= this.inAt + this.inCapacity) {
      this.scanRegion(at, to - from, to - from, from, true, 0, onHit);
      return;
    }
    let carry = 0;
    for (let s = from; s < to;) {
      const limit = Math.min(this.chunkBytes, to - s);
      const n = Math.min(limit + this.plan.maxLength - 1, to - s);
      this.reserve(n);
      this.u8.set(bytes.subarray(s, s + n), this.inAt);
      const last = s + limit >= to;
      carry = this.scanRegion(this.inAt, n, limit, s, last, carry, onHit);
      // Hits kept for the next chunk get that chunk's base.
      for (let k = 0; k < carry; k++) this.i32[(this.outAt >> 2) + 2 * k + 1]! -= limit;
      s += limit;
    }
  }

  /**
   * Scans candidate starts [0, limit) of the n bytes at inAt, handing hits to onHit with `base` added. Hits that
   * may still be followed by a smaller (end, id) from the next region stay buffered unless `last`; returns how
   * many stay (at the front of the hit buffer, their ends relative to inAt).
   */
  private scanRegion(
    inAt: number,
    n: number,
    limit: number,
    base: number,
    last: boolean,
    carry: number,
    onHit: (anchorId: number, end: number) => void,
  ): number {
    const { exports, outAt, stopAt } = this;
    const minLength = this.plan.minLength;
    const out = outAt >> 2;
    for (let pos = 0; ;) {
      const count = exports.scan(inAt, n, pos, limit, outAt, carry, stopAt, this.wide);
      const resume = exports.resume.value;
      const i32 = this.i32;
      let ready = count;
      if (!(last && resume >= limit)) {
        // Later hits start at `resume` or after, so they end at resume + minLength or after.
        const threshold = resume + minLength;
        while (ready > 0 && i32[out + 2 * ready - 1]! >= threshold) ready--;
      }
      for (let k = 0; k < ready; k++) onHit(i32[out + 2 * k]!, i32[out + 2 * k + 1]! + base);
      if (ready > 0 && ready < count) i32.copyWithin(out, out + 2 * ready, out + 2 * count);
      carry = count - ready;
      if (resume >= limit) return carry;
      pos = resume;
    }
  }

  /** Ensures the input region holds `size` bytes plus padding. */
  private reserve(size: number): void {
    if (size <= this.inCapacity) return;
    const memory = this.exports.memory;
    const needed = this.inAt + size + PADDING;
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
    this.inCapacity = memory.buffer.byteLength - this.inAt - PADDING;
    this.refreshViews();
  }

  private refreshViews(): void {
    const buffer = this.exports.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.u8 = new Uint8Array(buffer);
    this.i32 = new Int32Array(buffer);
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
