/**
 * A set of object ids stored as raw bytes in one open-addressing table: ~50 bytes an id instead of ~100
 * for a Set of hex strings, so the reachable blobs of a very large repository fit in bounded memory.
 * Ids are SHA-1 (40 hex) or SHA-256 (64 hex); git ids are uniformly random, so their first bytes hash.
 */
export class OidSet {
  private width = 0;
  private keys = new Uint8Array(0);
  private used = new Uint8Array(0);
  private capacity = 0;
  private count = 0;

  constructor(expected = 1024) {
    this.capacity = 1 << Math.max(4, Math.ceil(Math.log2(Math.max(1, expected) * 2)));
    this.used = new Uint8Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  add(hex: string): void {
    const raw = this.encode(hex);
    if (raw === undefined) return;
    if ((this.count + 1) * 2 > this.capacity) this.grow();
    if (this.insert(raw)) this.count++;
  }

  has(hex: string): boolean {
    if (this.width === 0 || hex.length !== this.width * 2) return false;
    const raw = Buffer.from(hex, 'hex');
    if (raw.length !== this.width) return false;
    const mask = this.capacity - 1;
    for (let slot = raw.readUInt32BE(0) & mask; ; slot = (slot + 1) & mask) {
      if (!this.used[slot]) return false;
      if (this.equals(slot, raw)) return true;
    }
  }

  private encode(hex: string): Buffer | undefined {
    if (this.width === 0) {
      if (hex.length !== 40 && hex.length !== 64) return undefined;
      this.width = hex.length / 2;
      this.keys = new Uint8Array(this.capacity * this.width);
    }
    if (hex.length !== this.width * 2) return undefined;
    const raw = Buffer.from(hex, 'hex');
    return raw.length === this.width ? raw : undefined;
  }

  /** Puts raw in its slot; false if it was there already. */
  private insert(raw: Buffer): boolean {
    const mask = this.capacity - 1;
    for (let slot = raw.readUInt32BE(0) & mask; ; slot = (slot + 1) & mask) {
      if (!this.used[slot]) {
        this.used[slot] = 1;
        this.keys.set(raw, slot * this.width);
        return true;
      }
      if (this.equals(slot, raw)) return false;
    }
  }

  private equals(slot: number, raw: Buffer): boolean {
    const base = slot * this.width;
    for (let i = 0; i < this.width; i++) if (this.keys[base + i] !== raw[i]) return false;
    return true;
  }

  private grow(): void {
    const { keys, used, capacity, width } = this;
    this.capacity = capacity * 2;
    this.used = new Uint8Array(this.capacity);
    this.keys = new Uint8Array(this.capacity * width);
    for (let slot = 0; slot < capacity; slot++) {
      if (used[slot]) this.insert(Buffer.from(keys.buffer, keys.byteOffset + slot * width, width));
    }
  }
}
