import { createHash } from 'node:crypto';
import { compareIds } from './ids.js';

/**
 * The store's file format, bytes in and out (no I/O). Little-endian throughout:
 *
 * | bytes      | what                                                                    |
 * |------------|-------------------------------------------------------------------------|
 * | 8          | magic `KWSTORE\n`                                                      |
 * | 2          | format version (STORE_FORMAT)                                           |
 * | 1          | id width: 20 (SHA-1 repositories), 32 (SHA-256), 0 while empty          |
 * | 1          | 0                                                                       |
 * | 4          | key length K                                                            |
 * | K          | the key, JSON (StoreKeyParts: hashes and numbers, nothing from a blob)  |
 * | 8          | id count N                                                              |
 * | N x width  | blob ids, raw bytes, sorted, each once                                  |
 * | 32         | SHA-256 of every byte before it                                         |
 *
 * So a store's size is ~ its ids (20 bytes each) plus ~300 bytes. The ids are those of blobs scanned with
 * no finding at all: never a secret, redacted or not.
 */
export const STORE_MAGIC = Buffer.from('KWSTORE\n', 'latin1');
export const STORE_FORMAT = 1;
const CHECKSUM = 32;
const FIXED = STORE_MAGIC.length + 2 + 1 + 1 + 4;

/** What a verdict depends on (see storeKey): compared part by part, so a change can be named. */
export interface StoreKeyParts {
  /** keyward's version. */
  keyward: string;
  /** SHA-256 of the rules in effect (ids and compiled specs). */
  rules: string;
  /** SHA-256 of the config settings that change what the engine finds. */
  config: string;
  /** The blob size cap: blobs over it are never read, so never recorded. */
  maxBlobSize: number;
  /** The precision filters on (default) or off (`--no-filters`). */
  filters: boolean;
}

export interface StoreContents {
  key: StoreKeyParts;
  /** 20 or 32; 0 for a store with no ids yet. */
  width: number;
  /** Sorted raw ids, `width` bytes each. */
  ids: Buffer;
}

/** Why a file cannot be read as a store: the messages table's code and its data. */
export type StoreProblem =
  | { code: 'E_STORE_FOREIGN'; data: { reason: string } }
  | { code: 'E_STORE_CORRUPT'; data: { reason: string } }
  | { code: 'E_STORE_VERSION'; data: { found: number; expected: number } };

export type Decoded = { ok: true; store: StoreContents } | { ok: false; problem: StoreProblem };

export function encodeStore({ key, width, ids }: StoreContents): Buffer {
  const keyBytes = Buffer.from(JSON.stringify(key), 'utf8');
  const count = width === 0 ? 0 : ids.length / width;
  const head = Buffer.alloc(FIXED);
  STORE_MAGIC.copy(head, 0);
  head.writeUInt16LE(STORE_FORMAT, 8);
  head.writeUInt8(width, 10);
  head.writeUInt32LE(keyBytes.length, 12);
  const countBytes = Buffer.alloc(8);
  countBytes.writeBigUInt64LE(BigInt(count));
  const body = Buffer.concat([head, keyBytes, countBytes, ids]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/**
 * Reads a store's bytes. Refuses, never guesses: another file (no magic), another format version, and a
 * store whose checksum, length, key or order is wrong (truncated, changed by hand, a torn copy).
 */
export function decodeStore(bytes: Buffer): Decoded {
  const refuse = (problem: StoreProblem): Decoded => ({ ok: false, problem });
  const corrupt = (reason: string) => refuse({ code: 'E_STORE_CORRUPT', data: { reason } });
  if (bytes.length < STORE_MAGIC.length || !bytes.subarray(0, STORE_MAGIC.length).equals(STORE_MAGIC)) {
    return refuse({ code: 'E_STORE_FOREIGN', data: { reason: 'it does not start with a store header' } });
  }
  if (bytes.length < FIXED + 8 + CHECKSUM) return corrupt(`truncated: ${bytes.length} bytes`);
  const format = bytes.readUInt16LE(8);
  if (format !== STORE_FORMAT)
    return refuse({ code: 'E_STORE_VERSION', data: { found: format, expected: STORE_FORMAT } });
  const body = bytes.subarray(0, bytes.length - CHECKSUM);
  const sum = createHash('sha256').update(body).digest();
  if (!sum.equals(bytes.subarray(bytes.length - CHECKSUM)))
    return corrupt('its checksum does not match: truncated or changed');
  const width = bytes.readUInt8(10);
  const keyLength = bytes.readUInt32LE(12);
  const idsAt = FIXED + keyLength + 8;
  if (idsAt > body.length) return corrupt('its key runs past the end');
  const count = Number(bytes.readBigUInt64LE(FIXED + keyLength));
  if (![0, 20, 32].includes(width) || (width === 0 && count !== 0)) return corrupt(`id width ${width}`);
  if (idsAt + count * width !== body.length) return corrupt(`${count} ids do not fit its length`);
  let key: StoreKeyParts;
  try {
    key = JSON.parse(bytes.toString('utf8', FIXED, FIXED + keyLength)) as StoreKeyParts;
  } catch {
    return corrupt('its key is not readable');
  }
  const ids = Buffer.from(body.subarray(idsAt));
  for (let i = width; i < ids.length; i += width) {
    if (compareIds(ids, i - width, ids, i, width) >= 0) return corrupt('its ids are not in order');
  }
  return { ok: true, store: { key, width, ids } };
}
