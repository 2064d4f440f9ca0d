/**
 * A map from object ids to small numbers (a set, when the values are not used), stored as raw bytes in
 * one open-addressing table: ~50 bytes an id instead of ~100 for a Map of hex strings, so the reachable
 * blobs of a very large repository fit in bounded memory. Ids are SHA-1 (40 hex) or SHA-256 (64 hex); git
 * ids are uniformly random, so their first bytes are a good hash.
 */
export class OidMap {
  private width = 0;
  private keys = new Uint8Array(0);
  private used = new Uint8Array(0);
  private values = new Uint32Array(0);
  private capacity = 0;
  private count = 0;

  constructor(expected = 1024) {
    this.capacity = 1 << Math.max(4, Math.ceil(Math.log2(Math.max(1, expected) * 2)));
    this.used = new Uint8Array(this.capacity);
    this.values = new Uint32Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds an id (keeping its value if it was there). */
  add(hex: string): void {
    this.put(hex, undefined);
  }

  /** Adds an id with a value (replacing its value if it was there). */
  set(hex: string, value: number): void {
    this.put(hex, value);
  }

  /** Adds the raw id at `bytes[offset…offset + width]`, `width` bytes (20 or 32). */
  addRaw(bytes: Uint8Array, offset: number, width = 20): void {
    if (this.width === 0) {
      this.width = width;
      this.keys = new Uint8Array(this.capacity * width);
    }
    this.putRaw(Buffer.from(bytes.buffer, bytes.byteOffset + offset, this.width), undefined);
  }

  has(hex: string): boolean {
    return this.slotOf(hex) !== -1;
  }

  get(hex: string): number | undefined {
    const slot = this.slotOf(hex);
    return slot === -1 ? undefined : this.values[slot];
  }

  /** The value of the raw id at `bytes[offset…offset + width]` (this map's width), or undefined. */
  getRaw(bytes: Uint8Array, offset: number): number | undefined {
    if (this.width === 0 || this.count === 0) return undefined;
    const slot = this.find(bytes, offset);
    return slot === -1 ? undefined : this.values[slot];
  }

  private put(hex: string, value: number | undefined): void {
    const raw = this.encode(hex);
    if (raw !== undefined) this.putRaw(raw, value);
  }

  private putRaw(raw: Buffer, value: number | undefined): void {
    // Up to 3/4 full: linear probing stays short with random keys, and git.git's 266,000 reachable
    // commits and blobs fit 2^19 slots (13 MB), not 2^20.
    if ((this.count + 1) * 4 > this.capacity * 3) this.grow();
    const slot = this.insert(raw);
    if (slot >= 0) this.count++;
    if (value !== undefined) this.values[slot < 0 ? -slot - 1 : slot] = value;
  }

  private slotOf(hex: string): number {
    if (this.width === 0 || hex.length !== this.width * 2) return -1;
    const raw = Buffer.from(hex, 'hex');
    return raw.length === this.width ? this.find(raw, 0) : -1;
  }

  /** The slot holding the raw id at `bytes[offset…]` (this map's width), or -1. */
  private find(bytes: Uint8Array, offset: number): number {
    const mask = this.capacity - 1;
    for (let slot = firstSlot(bytes, offset) & mask; ; slot = (slot + 1) & mask) {
      if (!this.used[slot]) return -1;
      if (this.equals(slot, bytes, offset)) return slot;
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

  /** Puts raw in a slot: returns the new slot, or `-slot - 1` for the slot it already had. */
  private insert(raw: Buffer): number {
    const mask = this.capacity - 1;
    for (let slot = firstSlot(raw, 0) & mask; ; slot = (slot + 1) & mask) {
      if (!this.used[slot]) {
        this.used[slot] = 1;
        this.keys.set(raw, slot * this.width);
        return slot;
      }
      if (this.equals(slot, raw, 0)) return -slot - 1;
    }
  }

  private equals(slot: number, bytes: Uint8Array, offset: number): boolean {
    const base = slot * this.width;
    for (let i = 0; i < this.width; i++) if (this.keys[base + i] !== bytes[offset + i]) return false;
    return true;
  }

  private grow(): void {
    const { keys, used, values, capacity, width } = this;
    this.capacity = capacity * 2;
    this.used = new Uint8Array(this.capacity);
    this.keys = new Uint8Array(this.capacity * width);
    this.values = new Uint32Array(this.capacity);
    for (let slot = 0; slot < capacity; slot++) {
      if (!used[slot]) continue;
      const at = this.insert(Buffer.from(keys.buffer, keys.byteOffset + slot * width, width));
      this.values[at] = values[slot] as number;
    }
  }
}

/** An id's first four bytes as an unsigned number: ids are uniformly random, so a good hash. */
function firstSlot(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>>
    0
  );
}
