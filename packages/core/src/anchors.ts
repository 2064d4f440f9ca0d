/**
 * One pass over the bytes finds every anchor literal (the OpenAI marker, provider prefixes, secret-like
 * keywords), case-insensitively, with no string copy: an Aho–Corasick automaton turned into a dense DFA over
 * byte classes, small enough to stay in L1. DESIGN §7: one `indexOf` per literal costs ~15x ripgrep; this
 * single pass is what makes generic keywords affordable. It is load-latency bound (~300-450 MB/s here); large
 * inputs go to the WebAssembly SIMD finder instead (createAnchorFinder in anchor-finder.ts), which reports the
 * same hits in the same order. This automaton stays the reference and the engine for small inputs.
 */

export interface AnchorAutomaton {
  /** Lower-cased anchor literals, indexed by anchor id. */
  readonly anchors: readonly string[];
  /** byte → class (0: a byte that occurs in no anchor). Upper-case ASCII letters share their lower-case class. */
  readonly classOf: Uint8Array;
  readonly classCount: number;
  /** next[state * classCount + class] = next state * classCount (pre-multiplied, so the loop never multiplies). */
  readonly next: Int32Array;
  /** States numbered from acceptFrom (pre-multiplied) on emit at least one anchor. */
  readonly acceptFrom: number;
  /** For a pre-multiplied accepting state s: outputs[outStart[s / classCount - firstAccept] …] anchor ids. */
  readonly outStart: Int32Array;
  readonly outIds: Int32Array;
  readonly firstAccept: number;
}

/** Throws unless every anchor literal is non-empty ASCII (what both anchor engines require). */
export function validateAnchors(literals: readonly string[]): void {
  for (const a of literals) {
    if (a.length === 0) throw new Error('an anchor literal cannot be empty');
    for (let i = 0; i < a.length; i++) {
      if (a.charCodeAt(i) > 0x7f) throw new Error(`anchor ${JSON.stringify(a.toLowerCase())} must be ASCII`);
    }
  }
}

/** Builds the automaton. Anchors are matched case-insensitively for ASCII letters. */
export function buildAutomaton(literals: readonly string[]): AnchorAutomaton {
  validateAnchors(literals);
  const anchors = literals.map((l) => l.toLowerCase());

  // Byte classes: every distinct (folded) byte used by an anchor gets its own class.
  const classOf = new Uint8Array(256);
  let classCount = 1;
  for (const a of anchors) {
    for (let i = 0; i < a.length; i++) {
      const b = a.charCodeAt(i);
      if (classOf[b] === 0) classOf[b] = classCount++;
    }
  }
  for (let b = 0x41; b <= 0x5a; b++) classOf[b] = classOf[b + 0x20]!;

  // Trie over classes.
  const children: Array<Map<number, number>> = [new Map()];
  const outputs: number[][] = [[]];
  anchors.forEach((a, id) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const c = classOf[a.charCodeAt(i)]!;
      let t = children[s]!.get(c);
      if (t === undefined) {
        t = children.length;
        children.push(new Map());
        outputs.push([]);
        children[s]!.set(c, t);
      }
      s = t;
    }
    outputs[s]!.push(id);
  });

  // Breadth-first failure links, then a dense transition table (the classic AC → DFA construction).
  const n = children.length;
  const fail = new Int32Array(n);
  const dense = new Int32Array(n * classCount);
  const order: number[] = [0];
  for (let c = 0; c < classCount; c++) {
    const t = children[0]!.get(c);
    dense[c] = t ?? 0;
    if (t !== undefined) {
      fail[t] = 0;
      order.push(t);
    }
  }
  for (let qi = 1; qi < order.length; qi++) {
    const s = order[qi]!;
    outputs[s]!.push(...outputs[fail[s]!]!);
    for (let c = 0; c < classCount; c++) {
      const t = children[s]!.get(c);
      if (t !== undefined) {
        fail[t] = dense[fail[s]! * classCount + c]!;
        dense[s * classCount + c] = t;
        order.push(t);
      } else {
        dense[s * classCount + c] = dense[fail[s]! * classCount + c]!;
      }
    }
  }

  // Renumber: non-accepting states first, so "is accepting" is one comparison in the hot loop.
  const rank = new Int32Array(n);
  const accepting: number[] = [];
  let next = 0;
  for (let s = 0; s < n; s++) if (outputs[s]!.length === 0) rank[s] = next++;
  const firstAccept = next;
  for (let s = 0; s < n; s++) {
    if (outputs[s]!.length === 0) continue;
    rank[s] = next++;
    accepting.push(s);
  }
  const table = new Int32Array(n * classCount);
  for (let s = 0; s < n; s++) {
    for (let c = 0; c < classCount; c++)
      table[rank[s]! * classCount + c] = rank[dense[s * classCount + c]!]! * classCount;
  }
  const outStart = new Int32Array(accepting.length + 1);
  const ids: number[] = [];
  accepting.forEach((s, i) => {
    outStart[i] = ids.length;
    // Anchors ending at the same byte are reported in id order (the WASM finder reports them the same way).
    ids.push(...outputs[s]!.sort((a, b) => a - b));
  });
  outStart[accepting.length] = ids.length;
  // The root must stay state 0: it has no outputs, so it ranks first among the non-accepting states.
  return {
    anchors,
    classOf,
    classCount,
    next: table,
    acceptFrom: firstAccept * classCount,
    outStart,
    outIds: Int32Array.from(ids),
    firstAccept,
  };
}

/**
 * Calls `onHit(anchorId, endOffset)` for every anchor occurrence in bytes[from, to), overlapping ones too,
 * where endOffset is the offset just past the anchor's last byte: by increasing endOffset, and for one
 * endOffset by increasing anchor id. Returns nothing; the hot loop allocates nothing.
 */
export function findAnchors(
  automaton: AnchorAutomaton,
  bytes: Uint8Array,
  from: number,
  to: number,
  onHit: (anchorId: number, end: number) => void,
): void {
  const { classOf, next, acceptFrom, classCount, outStart, outIds, firstAccept } = automaton;
  let s = 0;
  for (let i = from; i < to; i++) {
    s = next[s + classOf[bytes[i]!]!]!;
    if (s >= acceptFrom) {
      const k = s / classCount - firstAccept;
      for (let j = outStart[k]!; j < outStart[k + 1]!; j++) onHit(outIds[j]!, i + 1);
    }
  }
}
