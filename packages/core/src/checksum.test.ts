import { describe, expect, it } from 'vitest';
import { base62, checksumApplies, checksumHolds, crc32, crc32Base62 } from './checksum.js';

describe('token checksums', () => {
  it('crc32 is zlib’s CRC-32 (IEEE)', () => {
    // Check values of the CRC-32 catalogue and of Python's zlib.crc32.
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
    expect(crc32('abcdefghijklmnopqrstuvwxyz0123')).toBe(0x806d9a54);
  });

  it('base62 uses digits, then upper, then lower case, zero-padded', () => {
    expect(base62(0, 6)).toBe('000000');
    expect(base62(61, 6)).toBe('00000z');
    expect(base62(62, 6)).toBe('000010');
    expect(crc32Base62('abcdefghijklmnopqrstuvwxyz0123')).toBe('2LolCm');
  });

  it('crc32-base62 holds for the last 36 characters: 30 random and their checksum', () => {
    const random = 'Zq3xV9mTpL2wR8nKc4bH7jD1fG6sY0';
    const token = `ghp_${random}${crc32Base62(random)}`;
    expect(checksumHolds('crc32-base62', token)).toBe(true);
    expect(checksumHolds('crc32-base62', `npm_${random}${crc32Base62(random)}`)).toBe(true);
    // One character changed in the random part or the checksum: it fails.
    expect(checksumHolds('crc32-base62', token.replace('Zq3', 'Zq4'))).toBe(false);
    expect(checksumHolds('crc32-base62', `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBe(
      false,
    );
    expect(checksumHolds('crc32-base62', 'ghp_short')).toBe(false);
  });

  it('is judged only on the published layout: 36 characters after the prefix', () => {
    expect(checksumApplies('crc32-base62', `ghp_${'a'.repeat(36)}`)).toBe(true);
    expect(checksumApplies('crc32-base62', `npm_${'a'.repeat(36)}`)).toBe(true);
    // GitHub's tokens may grow up to 255 characters; no layout is published for longer ones.
    expect(checksumApplies('crc32-base62', `ghp_${'a'.repeat(80)}`)).toBe(false);
  });
});
