import type { ContentItem } from '@keyward/core';
import { newSourceStats, type ScanSource } from './source.js';

export interface StdinOptions {
  /** Standard input (or any byte stream): logs, pasted text. */
  stream: AsyncIterable<Uint8Array | string>;
  /** Path to report the content under (`--stdin-name`); default `<stdin>`. */
  name?: string;
  /** A line longer than this is not scanned (counted, and the scan marked incomplete). */
  maxSize?: number;
  /** Bytes each part answers for (default PART_BYTES); for tests. */
  partBytes?: number;
  /** Bytes of whole lines each part also holds before and after those (default CONTEXT_BYTES); for tests. */
  contextBytes?: number;
}

export const STDIN_NAME = '<stdin>';

/** What one part answers for: an input up to about this size is one item, as a file is. */
export const PART_BYTES = 16 << 20;
/**
 * Whole lines a part also holds before and after its own: more than any secret with the context its rule
 * looks at (a window reaches ~1 KiB around an anchor; a PEM key block is a few KiB).
 */
export const CONTEXT_BYTES = 64 << 10;

const LF = 0x0a;

/**
 * Standard input, as one item when it is short and in parts when it is long (a log piped in can run to
 * gigabytes, and was refused whole over the size cap): each part answers for about PART_BYTES of whole
 * lines and holds CONTEXT_BYTES of lines before and after them, so a secret across a cut is whole in the
 * part that answers for its first line, with the context before it. Findings' lines are those of the whole
 * input. Memory stays near a part's size, or the longest line's. Binary bytes are scanned too (a log may
 * hold a stray NUL). A line longer than `maxSize` is skipped, counted and said.
 */
export function stdinSource(options: StdinOptions): ScanSource {
  const stats = newSourceStats();
  const path = options.name ?? STDIN_NAME;
  const max = options.maxSize ?? Number.POSITIVE_INFINITY;
  const partBytes = options.partBytes ?? PART_BYTES;
  const context = options.contextBytes ?? CONTEXT_BYTES;

  async function* items(): AsyncGenerator<ContentItem> {
    // The input from the start of the next part's context: `text`, then `chunks` not yet joined to it.
    let text: Buffer = Buffer.alloc(0);
    let chunks: Buffer[] = [];
    let length = 0;
    let own = 0; // where the next part's own lines start, in text
    let firstLine = 1; // the line of the whole input that text[0] is in
    let tail = 0; // bytes since the last line end
    let tryAt = 0; // the length at which to try to cut a part again
    let parts = 0;
    let skipping = false; // inside a line over the cap, until its end
    let skipped = false;

    const join = () => {
      if (chunks.length > 0) text = Buffer.concat([text, ...chunks], length);
      chunks = [];
    };
    const part = (end: number, to: number): ContentItem => {
      const bytes = text.subarray(0, end);
      if (parts === 0 && firstLine === 1 && own === 0 && to === end && end === length) return { path, bytes };
      const first = 1 + countLines(text, 0, own);
      const last = first + countLines(text, own, to - 1);
      return {
        path,
        bytes,
        addedLines: [[first, last]],
        part: { firstLine, newBytes: to - own, continued: parts > 0 },
      };
    };
    /** Drops text before the context of the lines from `cut` on, which the next part answers for. */
    const advance = (cut: number) => {
      const start = lineStartAtOrAfter(text, Math.max(own, cut - context));
      firstLine += countLines(text, 0, start);
      text = Buffer.from(text.subarray(start));
      length = text.length;
      own = cut - start;
    };

    for await (const chunk of options.stream) {
      let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
      if (skipping) {
        const lf = bytes.indexOf(LF);
        if (lf === -1) continue;
        bytes = bytes.subarray(lf + 1);
        skipping = false;
        firstLine++; // the line skipped
      }
      const lf = bytes.lastIndexOf(LF);
      tail = lf === -1 ? tail + bytes.length : bytes.length - lf - 1;
      chunks.push(bytes);
      length += bytes.length;
      if (tail > max) {
        // A line over the cap, and no end to it yet: the lines before it are scanned, then it is dropped.
        join();
        const start = length - tail;
        if (start > own) {
          yield part(start, start);
          parts++;
        }
        firstLine += countLines(text, 0, start);
        text = Buffer.alloc(0);
        length = own = tail = tryAt = 0;
        skipping = skipped = true;
        stats.skipped.tooLarge++;
        stats.incomplete = true;
        stats.warnings.push(`${path}: a line over the size cap; not scanned`);
        continue;
      }
      // A part is cut at a line end once its own bytes and the context after them are in.
      while (length >= own + partBytes + context && length >= tryAt) {
        join();
        const cut = lineEndAfter(text, own + partBytes);
        const end = cut === -1 ? -1 : lineEndAfter(text, cut + context);
        if (end === -1) {
          tryAt = length + Math.max(context, partBytes >> 4); // long lines: wait for more, not a join per chunk
          break;
        }
        yield part(end, cut);
        parts++;
        advance(cut);
        tryAt = 0;
      }
    }
    join();
    if (length > own || (parts === 0 && !skipped)) yield part(length, length);
  }

  return { mode: 'stdin', items, stats: () => stats };
}

/** The index just past the first line end at or after `at`, or -1 if the text has none there yet. */
function lineEndAfter(text: Buffer, at: number): number {
  if (at >= text.length) return -1;
  const lf = text.indexOf(LF, at);
  return lf === -1 ? -1 : lf + 1;
}

/** The first line start at or after `at` (0, or just past a line end). */
function lineStartAtOrAfter(text: Buffer, at: number): number {
  if (at <= 0 || text[at - 1] === LF) return Math.max(0, at);
  const lf = text.indexOf(LF, at);
  return lf === -1 ? text.length : lf + 1;
}

/** Line ends in text[from, to). */
function countLines(text: Buffer, from: number, to: number): number {
  let n = 0;
  for (let at = text.indexOf(LF, from); at !== -1 && at < to; at = text.indexOf(LF, at + 1)) n++;
  return n;
}
