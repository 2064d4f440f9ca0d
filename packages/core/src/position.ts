/** 1-based line and UTF-16 column of byte offsets, computed lazily in one forward pass. */
export class LineIndex {
  private line = 1;
  private lineStart = 0;
  private scanned = 0;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly bytes: Uint8Array) {}

  /** Position of `offset`; offsets must be requested in non-decreasing order. */
  locate(offset: number): { line: number; column: number; lineStart: number } {
    if (offset < this.scanned) throw new Error('LineIndex.locate: offsets must not decrease');
    const bytes = this.bytes;
    for (let i = this.scanned; i < offset; i++) {
      if (bytes[i] === 0x0a) {
        this.line++;
        this.lineStart = i + 1;
      }
    }
    this.scanned = offset;
    const column = this.decoder.decode(bytes.subarray(this.lineStart, offset)).length + 1;
    return { line: this.line, column, lineStart: this.lineStart };
  }
}

/** End of the line that contains `offset` (index of its `\n`, or the length). */
export function lineEnd(bytes: Uint8Array, offset: number): number {
  const i = bytes.indexOf(0x0a, offset);
  return i === -1 ? bytes.length : i;
}
