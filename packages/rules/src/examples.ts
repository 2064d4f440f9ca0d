/**
 * Rule examples never hold a literal key: `{{alphabet:length}}` is replaced by seeded random characters at
 * test time (and by `keyward rules check`), so no scanner or push protection sees a live-looking key here.
 */

import { crc32Base62 } from '@keyward/core';

export const ALPHABETS = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
  hex: '0123456789abcdef',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  upperAlnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  base32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  base58: '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz',
  digits: '0123456789',
} as const;
export type AlphabetName = keyof typeof ALPHABETS;

/** mulberry32: a tiny deterministic PRNG; the same seed gives the same characters on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random string of `length` characters drawn from a named alphabet or a literal set of characters. */
export function randomString(next: () => number, alphabet: AlphabetName | string, length: number): string {
  const chars: string = Object.hasOwn(ALPHABETS, alphabet) ? ALPHABETS[alphabet as AlphabetName] : alphabet;
  let out = '';
  for (let i = 0; i < length; i++) out += chars[Math.floor(next() * chars.length)];
  return out;
}

export interface ExpandedExample {
  text: string;
  /** The part marked with « », if any: the exact secret the rule must report. */
  secret?: string;
}

const PLACEHOLDER = /\{\{([A-Za-z0-9]+):(\d+)\}\}/g;
/**
 * `{{base64(text)}}`: text encoded at test time (encoded test words are negatives of the generic rule). The
 * text holds no `{{`, so nested encodings are replaced innermost first.
 */
const ENCODED = /\{\{(base64|base64url|hex|percent|crc32b62)\(((?:(?!\{\{).)*?)\)\}\}/g;

function encode(encoding: string, text: string): string {
  if (encoding === 'percent') return encodeURIComponent(text);
  // GitHub's and npm's token checksum: the text followed by the base62 CRC32 of it.
  if (encoding === 'crc32b62') return text + crc32Base62(text);
  return Buffer.from(text).toString(encoding as 'base64' | 'base64url' | 'hex');
}

/**
 * Replaces `{{alphabet:n}}` with seeded random characters, then `{{base64(…)}}` (also `base64url`, `hex`,
 * `percent`) with the encoding of what it holds, removes `{{join}}` (it splits a hand-typed key-shaped string
 * into fragments, so the file never holds it whole) and strips the « » secret markers.
 */
export function expandExample(template: string, seed: number): ExpandedExample {
  const next = rng(seed);
  let text = template
    .replaceAll('{{join}}', '')
    .replace(PLACEHOLDER, (whole, name: string, length: string) => {
      if (!Object.hasOwn(ALPHABETS, name))
        throw new Error(`unknown alphabet in example placeholder ${whole}`);
      return randomString(next, name, Number(length));
    });
  for (let before = ''; before !== text;) {
    before = text;
    text = text.replace(ENCODED, (_whole, encoding: string, inner: string) => encode(encoding, inner));
  }
  const open = text.indexOf('«');
  const close = text.indexOf('»');
  if (open === -1 && close === -1) return { text };
  if (open === -1 || close < open) throw new Error(`unbalanced « » in example: ${template}`);
  return {
    text: text.slice(0, open) + text.slice(open + 1, close) + text.slice(close + 1),
    secret: text.slice(open + 1, close),
  };
}
