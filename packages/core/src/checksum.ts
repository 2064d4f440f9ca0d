/**
 * Checksums some token formats carry, so that a match can be told from a string that only looks like one.
 * GitHub's tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm's (`npm_`) end in 6 base62 characters:
 * the CRC32 of the 30 random characters before them, zero-padded. Every token the issuer makes passes; a
 * random or hand-edited string passes once in 62^6.
 */

export type ChecksumName = 'crc32-base62';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE, as zlib's `crc32`) of a string's UTF-16 code units taken as bytes (ASCII input). */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` in base62 (digits, then upper, then lower case), left-padded with `0` to `width` characters. */
export function base62(n: number, width: number): string {
  let out = '';
  for (let v = n; v > 0; v = Math.floor(v / 62)) out = BASE62[v % 62]! + out;
  return out.padStart(width, '0');
}

/** The 6-character checksum GitHub and npm append to a token's 30 random characters. */
export function crc32Base62(random: string): string {
  return base62(crc32(random), 6);
}

/**
 * Whether the checksum can be judged on this token. `crc32-base62`: when the part after the prefix's last
 * `_` is 36 characters, the published layout. GitHub says its tokens may grow (up to 255 characters) and
 * publishes no layout for longer ones: those are not judged.
 */
export function checksumApplies(name: ChecksumName, secret: string): boolean {
  return name === 'crc32-base62' && secret.length - secret.lastIndexOf('_') - 1 === 36;
}

/**
 * Whether a token's checksum holds. `crc32-base62`: the last 36 characters are 30 random ones and their
 * checksum.
 */
export function checksumHolds(name: ChecksumName, secret: string): boolean {
  if (name !== 'crc32-base62' || secret.length < 36) return false;
  const tail = secret.slice(-36);
  return crc32Base62(tail.slice(0, 30)) === tail.slice(30);
}
