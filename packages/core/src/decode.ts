/**
 * Encoded values: what a base64, base64url, hex or percent-encoded candidate says once decoded. Random
 * bytes almost never decode to printable text (each byte has a ~37% chance; 12 bytes together under 10^-5),
 * so a value that does is encoded text, and that text can be judged (decoded-text.ts). Only candidates that
 * already passed the generic gate get here: a few per MB.
 */

export type Encoding = 'base64' | 'base64url' | 'hex' | 'percent';

export interface Decoded {
  encoding: Encoding;
  text: string;
}

const HEX = /^(?:[0-9a-f]{2})+$|^(?:[0-9A-F]{2})+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const PERCENT = /%[0-9A-Fa-f]{2}/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Shortest decoded text judged: shorter texts say too little. */
const MIN_TEXT = 4;

/**
 * The printable text a value encodes, or undefined when it is not an encoding of text. Percent-encoding is
 * undone first, and what it leaves may itself be base64 (`dGVzdA%3D%3D`): at most two layers.
 */
export function decodeText(value: string): Decoded | undefined {
  if (PERCENT.test(value)) {
    const inner = percentDecode(value);
    if (inner === undefined) return undefined;
    return decodeLayer(inner) ?? (printable(inner) ? { encoding: 'percent', text: inner } : undefined);
  }
  return decodeLayer(value);
}

function decodeLayer(value: string): Decoded | undefined {
  let bytes: Uint8Array | undefined;
  let encoding: Encoding;
  if (HEX.test(value)) {
    bytes = hexBytes(value);
    encoding = 'hex';
  } else if (BASE64.test(value)) {
    bytes = base64Bytes(value, false);
    encoding = 'base64';
  } else if (BASE64URL.test(value)) {
    bytes = base64Bytes(value, true);
    encoding = 'base64url';
  } else {
    return undefined;
  }
  if (bytes === undefined || bytes.length < MIN_TEXT) return undefined;
  const text = utf8(bytes);
  return text !== undefined && printable(text) ? { encoding, text } : undefined;
}

function hexBytes(value: string): Uint8Array {
  const bytes = new Uint8Array(value.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(value.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Standard or URL-safe base64, padded or not; undefined for an impossible length or stray padding. */
function base64Bytes(value: string, url: boolean): Uint8Array | undefined {
  const body = value.replace(/=+$/, '');
  const padding = value.length - body.length;
  if (body.length % 4 === 1 || (padding > 0 && value.length % 4 !== 0)) return undefined;
  const alphabet = BASE64_DIGITS + (url ? '-_' : '+/');
  const bytes = new Uint8Array(Math.floor((body.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let out = 0;
  for (let i = 0; i < body.length; i++) {
    acc = (acc << 6) | alphabet.indexOf(body[i]!);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero in a canonical encoding; random text seldom is one.
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return bytes;
}

function percentDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Text with no control characters but tab and line ends, and at least MIN_TEXT characters. */
function printable(text: string): boolean {
  if (text.length < MIN_TEXT) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c < 0xa0) || c === 0xfffd)
      return false;
  }
  return true;
}
