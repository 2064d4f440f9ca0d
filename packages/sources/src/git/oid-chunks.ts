/** Raw ids per chunk: 64 Ki of them (1.25 MiB of SHA-1), so growing never copies what is held. */
const CHUNK_IDS = 1 << 16;

/**
 * Object ids in the order they were added, as raw bytes in fixed chunks: 20 bytes an id (32 for SHA-256)
 * and nothing else, where a hash table of them takes 50 and doubles as it grows. Made for lists that are
 * only appended to and searched rarely, all at once (`scan`).
 */
export class OidChunks {
  private readonly chunks: Uint8Array[] = [];
  private width = 0;
  length = 0;

  /** Adds a hex id (40 or 64 digits; anything else, or another width than the first, is left out). */
  push(hex: string): void {
    if (this.width === 0) {
      if (hex.length !== 40 && hex.length !== 64) return;
      this.width = hex.length / 2;
    }
    if (hex.length !== this.width * 2) return;
    const at = this.length % CHUNK_IDS;
    if (at === 0) this.chunks.push(Buffer.allocUnsafe(CHUNK_IDS * this.width));
    const chunk = this.chunks[this.chunks.length - 1] as Buffer;
    if (chunk.write(hex, at * this.width, this.width, 'hex') !== this.width) return;
    this.length++;
  }

  /** Bytes per raw id (0 while empty). */
  get idWidth(): number {
    return this.width;
  }

  oid(index: number): string {
    const chunk = this.chunks[Math.floor(index / CHUNK_IDS)] as Buffer;
    const start = (index % CHUNK_IDS) * this.width;
    return chunk.toString('hex', start, start + this.width);
  }

  /** Visits every id in order: its index, and the chunk and offset its raw bytes are at. */
  scan(visit: (index: number, bytes: Uint8Array, offset: number) => void): void {
    for (let index = 0; index < this.length; index++) {
      const chunk = this.chunks[Math.floor(index / CHUNK_IDS)] as Uint8Array;
      visit(index, chunk, (index % CHUNK_IDS) * this.width);
    }
  }
}
