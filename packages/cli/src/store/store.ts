import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeStore, encodeStore, type StoreKeyParts, type StoreProblem } from './format.js';
import { hasId, sortIds, unionIds } from './ids.js';
import { keyChanges } from './key.js';
import { withLock } from './lock.js';
import { reasonOf, writeWhole } from './write.js';

/** The store's file in its folder (`--store <dir>`): one store a folder, so one folder a repository. */
export const STORE_FILE = 'clean-blobs.kwstore';

/** A failure, as a value: a code of the messages table and its data. */
export type StoreError =
  | (StoreProblem & { data: { file: string } })
  | { code: 'E_STORE_MIXED'; data: { file: string; found: number; expected: number } }
  | { code: 'E_STORE_IO'; data: { file: string; reason: string } };

export type StoreResult<T> = { ok: true; value: T } | { ok: false; error: StoreError };

/**
 * An incremental audit's record of the blobs already scanned with no finding, under one key (see
 * storeKey). The whole API, for `scan --history --store` and for callers that audit many repositories:
 *
 *   const opened = await openStore(dir, key);      // refuses a damaged or foreign store
 *   opened.value.known(oid)                         // skip this blob: scanned clean before
 *   opened.value.record(ids, width)                 // blobs this audit found clean
 *   await opened.value.commit()                     // merged with the file as it is now, written whole
 *
 * Nothing is written before commit; a store whose key changed starts empty (`reset` says why).
 */
export interface Store {
  readonly file: string;
  /** Its folder, and the key it was opened under (a history record beside it shares both). */
  readonly dir: string;
  readonly key: StoreKeyParts;
  /** Why the store on disk was set aside (a changed key), or undefined. */
  readonly reset: string | undefined;
  /** Ids the store held when opened. */
  readonly size: number;
  /** Whether blob `oid` (hex) was scanned clean under this key. */
  known(oid: string): boolean;
  /** Adds raw ids (`width` bytes each, any order) of blobs scanned with no finding. */
  record(ids: Uint8Array, width: number): StoreResult<void>;
  /** Writes the store: what is on disk now, plus what was read and recorded. Returns the ids it holds. */
  commit(): Promise<StoreResult<number>>;
}

export async function openStore(dir: string, key: StoreKeyParts): Promise<StoreResult<Store>> {
  const file = join(dir, STORE_FILE);
  const io = (error: unknown): StoreResult<never> => ({
    ok: false,
    error: { code: 'E_STORE_IO', data: { file, reason: reasonOf(error) } },
  });
  const folder = await stat(dir).catch(() => undefined);
  if (folder && !folder.isDirectory()) {
    return {
      ok: false,
      error: { code: 'E_STORE_FOREIGN', data: { file: dir, reason: 'it is a file, not a folder' } },
    };
  }
  const read = await readStore(file);
  if (!read.ok) return read;
  let width = 0;
  let ids: Buffer = Buffer.alloc(0);
  let reset: string | undefined;
  /** The file as this process last read or wrote it: unchanged on disk, it need not be read again. */
  let stamp = read.value?.stamp;
  if (read.value) {
    const changed = keyChanges(read.value.key, key);
    if (changed.length === 0) ({ width, ids } = read.value);
    else reset = `${changed.join(', ')} changed since it was written`;
  }
  const size = width === 0 ? 0 : ids.length / width;
  let added: Buffer[] = [];
  const scratch = Buffer.alloc(32);
  const mixed = (expected: number): StoreResult<never> => ({
    ok: false,
    error: { code: 'E_STORE_MIXED', data: { file, found: width, expected } },
  });
  return {
    ok: true,
    value: {
      file,
      dir,
      key,
      reset,
      size,
      known: (oid) => width !== 0 && oid.length === width * 2 && hasId(ids, width, oid, scratch),
      record(raw, idWidth) {
        if (raw.length === 0) return { ok: true, value: undefined };
        if (width !== 0 && idWidth !== width) return mixed(idWidth);
        width = idWidth;
        added.push(sortIds(raw, width));
        return { ok: true, value: undefined };
      },
      async commit() {
        try {
          await mkdir(dir, { recursive: true });
          return await withLock(file, async () => {
            // Under the lock: a file no other writer replaced since (a rename makes a new inode) holds
            // what this process read, and nothing to add leaves it as it is.
            const same = stamp !== undefined && stamp === (await stampOf(file));
            if (same && reset === undefined && added.length === 0) return { ok: true, value: size } as const;
            const now = same ? undefined : await readStore(file);
            if (now && !now.ok) return now;
            let all = ids;
            // Another writer's ids under the same key are kept; a store under another key is replaced.
            if (now?.value && keyChanges(now.value.key, key).length === 0 && now.value.width !== 0) {
              if (width !== 0 && now.value.width !== width) return mixed(width);
              width = now.value.width;
              all = unionIds(now.value.ids, all, width);
            }
            for (const more of added) all = unionIds(all, more, width);
            added = [];
            await writeWhole(file, encodeStore({ key, width, ids: all }));
            ids = all;
            reset = undefined;
            stamp = await stampOf(file);
            return { ok: true, value: width === 0 ? 0 : all.length / width } as const;
          });
        } catch (error) {
          return io(error);
        }
      },
    },
  };
}

/** The store on disk, undefined when there is none yet; refused when it is not a whole store. */
async function readStore(
  file: string,
): Promise<StoreResult<{ key: StoreKeyParts; width: number; ids: Buffer; stamp: string } | undefined>> {
  let bytes: Buffer;
  let stamp: string | undefined;
  try {
    stamp = await stampOf(file);
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, value: undefined };
    return { ok: false, error: { code: 'E_STORE_IO', data: { file, reason: reasonOf(error) } } };
  }
  const decoded = decodeStore(bytes);
  if (!decoded.ok) {
    const { code, data } = decoded.problem;
    return { ok: false, error: { code, data: { ...data, file } } as StoreError };
  }
  return { ok: true, value: { ...decoded.store, stamp: stamp ?? '' } };
}

/** What tells one version of the file from another: its inode, size and time of change. */
async function stampOf(file: string): Promise<string | undefined> {
  const s = await stat(file, { bigint: true }).catch(() => undefined);
  return s && `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}
