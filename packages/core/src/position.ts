/**
 * 1-based line and UTF-16 column of byte offsets, computed lazily in one forward pass: newlines are found
 * with the native `indexOf`, and columns are counted incrementally, so several findings on one long
 * minified line do not decode it again and again.
 */
export class LineIndex {
  private line = 1;
  private lineStart = 0;
  private scanned = 0;
  /** UTF-16 code units between lineStart and scanned. */
  private units = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Position of `offset`; offsets must be requested in non-decreasing order. */
  locate(offset: number): { line: number; column: number; lineStart: number } {
    if (offset < this.scanned) throw new Error('LineIndex.locate: offsets must not decrease');
    const bytes = this.bytes;
    let from = this.scanned;
    for (let nl = bytes.indexOf(0x0a, from); nl !== -1 && nl < offset; nl = bytes.indexOf(0x0a, from)) {
      this.line++;
      this.lineStart = nl + 1;
      this.units = 0;
      from = nl + 1;
    }
    this.units += utf16Units(bytes, from, offset);
    this.scanned = offset;
    return { line: this.line, column: this.units + 1, lineStart: this.lineStart };
  }
}

/**
 * UTF-16 code units that the UTF-8 bytes[from, to) decode to: one per character, two for a character
 * outside the BMP (a 4-byte sequence). Continuation bytes add nothing.
 */
export function utf16Units(bytes: Uint8Array, from: number, to: number): number {
  let units = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if (b < 0x80 || b >= 0xc0) units += b >= 0xf0 ? 2 : 1;
  }
  return units;
}

/** End of the line that contains `offset` (index of its `\n`, or the length). */
export function lineEnd(bytes: Uint8Array, offset: number): number {
  const i = bytes.indexOf(0x0a, offset);
  return i === -1 ? bytes.length : i;
}
