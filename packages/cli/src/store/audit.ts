import { resolve } from 'node:path';
import type { ScanSource, SourceStats } from '@keyward/sources';
import type { HistorySource } from '@keyward/sources/history';
import type { Io } from '../io.js';
import { KeywardError } from '../errors.js';
import { storeKey, type StoreKeyInput } from './key.js';
import { openStore, type Store, type StoreError } from './store.js';

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
 * After the scan: the blobs it read and found clean are added to the store, which is written. Nothing is
 * recorded from a scan with errors, nor from a source that did not list its blobs.
 */
export async function recordAudit(
  store: Store,
  source: ScanSource,
  stats: SourceStats,
  io: Io,
  quiet: boolean,
): Promise<void> {
  const clean = (source as Partial<HistorySource>).cleanBlobs?.();
  if (!clean || stats.errors.length > 0) return;
  const recorded = store.record(clean.ids, clean.width);
  if (!recorded.ok) throw storeFailure(recorded.error);
  const written = await store.commit();
  if (!written.ok) throw storeFailure(written.error);
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
