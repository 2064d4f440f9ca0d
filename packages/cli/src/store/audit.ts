import { resolve } from 'node:path';
import type { ScanSource, SourceStats } from '@keyward/sources';
import type { HistoryRecord, HistorySource } from '@keyward/sources/history';
import type { Io } from '../io.js';
import { KeywardError } from '../errors.js';
import { storeKey, type StoreKeyInput } from './key.js';
import { openStore, type Store, type StoreError } from './store.js';
import { readRecord, recordFile, writeRecord } from './record.js';
import { reasonOf } from './write.js';

/**
 * `scan --history --store <dir>`: the store opened before the scan (refused, one line and exit 2, when it
 * is damaged or foreign; started again, saying so, when its key changed).
 */
export async function openAuditStore(dir: string, input: StoreKeyInput, io: Io): Promise<Store> {
  const opened = await openStore(resolve(io.cwd, dir), storeKey(input));
  if (!opened.ok) throw storeFailure(opened.error);
  const store = opened.value;
  if (store.reset) io.stderr.write(`keyward: store ${store.file}: ${store.reset}; rebuilding it\n`);
  return store;
}

/**
 * The history record beside the store (store/record.ts), for the history source's `recording`: read
 * when the source names its repository (`load`), written after the scan (`save`).
 */
export interface AuditRecording {
  load(packDir: string): Promise<HistoryRecord | undefined>;
  save(record: HistoryRecord): Promise<void>;
}

export function auditRecording(store: Store, shard: string | undefined): AuditRecording {
  let place: { file: string; packDir: string } | undefined;
  return {
    async load(packDir) {
      place = { file: recordFile(store.dir, packDir, shard), packDir };
      const read = await readRecord(place.file, store.key, packDir, shard);
      if (!read.ok) throw new KeywardError(read.error.code, read.error.data);
      return read.record;
    },
    async save(record) {
      if (!place) return;
      try {
        await writeRecord(place.file, store.key, place.packDir, shard, record);
      } catch (error) {
        throw storeFailure({
          code: 'E_STORE_IO',
          data: { file: place.file, reason: reasonOf(error) },
        });
      }
    },
  };
}

/**
 * After the scan: the blobs it read and found clean are added to the store, which is written, and the
 * history record beside it (`recording`). Nothing is recorded from a scan with errors, nor from a source
 * that did not list its blobs.
 */
export async function recordAudit(
  store: Store,
  source: ScanSource,
  stats: SourceStats,
  io: Io,
  quiet: boolean,
  recording?: AuditRecording,
): Promise<void> {
  const history = source as Partial<HistorySource>;
  const clean = history.cleanBlobs?.();
  if (!clean || stats.errors.length > 0) return;
  const record = recording && history.record?.();
  const recorded = store.record(clean.ids, clean.width);
  if (!recorded.ok) throw storeFailure(recorded.error);
  const written = await store.commit();
  if (!written.ok) throw storeFailure(written.error);
  // After the store (which makes the folder): a record names blobs the store must know as clean.
  if (record) await recording.save(record);
  if (!quiet) {
    const fresh = clean.ids.length / Math.max(1, clean.width);
    io.stderr.write(
      `keyward: store ${store.file}: ${clean.known} blobs known clean were not read; ${fresh} found clean now; ${written.value} recorded\n`,
    );
  }
}

function storeFailure(error: StoreError): KeywardError {
  return new KeywardError(error.code, error.data);
}
