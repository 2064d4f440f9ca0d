/**
 * The incremental-audit store (`scan --history --store <dir>`), for any command that audits a repository
 * (scan, fleet). One folder a store; each module one job:
 *
 * - key.ts     storeKey(): what a verdict depends on (version, rules, detection config, size cap, filters)
 * - store.ts   openStore(dir, key) -> { known(oid), record(ids, width), commit() }, failures as values
 * - format.ts  the file's bytes (magic, format version, key, sorted raw ids, checksum)
 * - ids.ts     sorted raw-id sets (lookup, sort, union)
 * - lock.ts    the writers' lock file
 * - audit.ts   the scan's use of it: open (refusals and the "rebuilding" line), record after the scan
 *
 * A caller passes `known` to historySource({ known }) and, after the pipeline has resolved the findings,
 * records `source.cleanBlobs()` (recordAudit does both steps' bookkeeping for a scan).
 */
export { storeKey, keyChanges, type StoreKeyInput } from './key.js';
export { openStore, STORE_FILE, type Store, type StoreError, type StoreResult } from './store.js';
export { STORE_FORMAT, type StoreKeyParts } from './format.js';
export { openAuditStore, recordAudit } from './audit.js';
