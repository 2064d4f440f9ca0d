import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryRecord } from '@keyward/sources/history';
import type { StoreKeyParts } from './format.js';
import { keyChanges } from './key.js';
import { reasonOf, writeWhole } from './write.js';

/**
 * The history record beside a store (`--store`): what the last audit of one repository walked from,
 * the packs it listed, and where each blob with a finding came from (history/since.ts in the sources).
 * It holds object ids, commit ids and paths, never a secret or anything read from a blob with one. One
 * file a repository (and shard): a store folder may be shared, the record may not.
 *
 * | bytes | what                                                                     |
 * |-------|--------------------------------------------------------------------------|
 * | 8     | magic `KWRECRD\n`                                                       |
 * | 2     | format version (RECORD_FORMAT), then 2 bytes 0                           |
 * | 4     | length L of what follows                                                 |
 * | L     | JSON: { key, packDir, shard, record }                                    |
 * | 32    | SHA-256 of every byte before it                                          |
 */
const MAGIC = Buffer.from('KWRECRD\n', 'latin1');
export const RECORD_FORMAT = 1;
const HEAD = MAGIC.length + 4 + 4;
const CHECKSUM = 32;

interface RecordFile {
  key: StoreKeyParts;
  /** The repository's pack folder, absolute: the file's name is a hash of it, this is the proof. */
  packDir: string;
  shard: string | null;
  record: HistoryRecord;
}

export type RecordRead =
  | { ok: true; record: HistoryRecord | undefined }
  | { ok: false; error: { code: 'E_STORE_RECORD'; data: { file: string; reason: string } } };

/** The record's file in a store folder, for the repository whose pack folder is `packDir` and a shard. */
export function recordFile(dir: string, packDir: string, shard: string | undefined): string {
  const name = createHash('sha256')
    .update(`${packDir}\0${shard ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  return join(dir, `history-${name}.kwrecord`);
}

/**
 * The record the last audit of this repository left, if it was made under the same key (keyward,
 * rules, config, cap, filters): another key's record is no answer here (the store starts again too).
 * A file that is not a whole record is refused, as a damaged store is.
 */
export async function readRecord(
  file: string,
  key: StoreKeyParts,
  packDir: string,
  shard: string | undefined,
): Promise<RecordRead> {
  const refuse = (reason: string): RecordRead => ({
    ok: false,
    error: { code: 'E_STORE_RECORD', data: { file, reason } },
  });
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, record: undefined };
    return refuse(reasonOf(error));
  }
  const decoded = decodeRecord(bytes);
  if (typeof decoded === 'string') return refuse(decoded);
  const same = keyChanges(decoded.key, key).length === 0;
  const here = decoded.packDir === packDir && decoded.shard === (shard ?? null);
  return { ok: true, record: same && here ? decoded.record : undefined };
}

export async function writeRecord(
  file: string,
  key: StoreKeyParts,
  packDir: string,
  shard: string | undefined,
  record: HistoryRecord,
): Promise<void> {
  await writeWhole(file, encodeRecord({ key, packDir, shard: shard ?? null, record }));
}

export function encodeRecord(contents: RecordFile): Buffer {
  const json = Buffer.from(JSON.stringify(contents), 'utf8');
  const head = Buffer.alloc(HEAD);
  MAGIC.copy(head, 0);
  head.writeUInt16LE(RECORD_FORMAT, MAGIC.length);
  head.writeUInt32LE(json.length, MAGIC.length + 4);
  const body = Buffer.concat([head, json]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** The record in `bytes`, or why they are not one. */
export function decodeRecord(bytes: Buffer): RecordFile | string {
  if (bytes.length < HEAD + CHECKSUM || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    return 'it is not a keyward history record';
  const format = bytes.readUInt16LE(MAGIC.length);
  if (format !== RECORD_FORMAT) return `record format ${format}; this keyward reads ${RECORD_FORMAT}`;
  const body = bytes.subarray(0, bytes.length - CHECKSUM);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(body.length)))
    return 'its checksum does not match: truncated or changed';
  if (HEAD + bytes.readUInt32LE(MAGIC.length + 4) !== body.length) return 'its length does not match';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8', HEAD));
  } catch {
    return 'it is not readable';
  }
  return isRecordFile(parsed) ? parsed : 'it does not hold a record';
}

const HEX = /^[0-9a-f]+$/;
const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

/** A checksum proves the bytes whole, not their shape: every field is checked before the record is used. */
function isRecordFile(value: unknown): value is RecordFile {
  const file = value as Partial<RecordFile> | null;
  if (!file || typeof file !== 'object' || !file.key || !isString(file.packDir)) return false;
  if (file.shard !== null && !isString(file.shard)) return false;
  const record = file.record as Partial<HistoryRecord> | undefined;
  if (!record || (record.width !== 20 && record.width !== 32)) return false;
  const isId = (id: unknown) => isString(id) && id.length === record.width! * 2 && HEX.test(id);
  return (
    Array.isArray(record.tips) &&
    record.tips.every(isId) &&
    Array.isArray(record.aside) &&
    record.aside.every(isString) &&
    Array.isArray(record.packs) &&
    record.packs.every(isString) &&
    isCount(record.packed?.commits) &&
    isCount(record.packed?.tooLarge) &&
    Array.isArray(record.origins) &&
    record.origins.every(
      (o) =>
        isId(o?.oid) &&
        typeof o.reachable === 'boolean' &&
        (o.commit === undefined || isId(o.commit)) &&
        (o.path === undefined || isString(o.path)) &&
        (o.author === undefined || isString(o.author)) &&
        (o.date === undefined || isString(o.date)),
    )
  );
}
