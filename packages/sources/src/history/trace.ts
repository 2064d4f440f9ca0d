import type { GitContext } from '../git/exec.js';
import { RAW_LOG_FLAGS, streamLog } from '../git/log.js';
import { isZeroOid } from '../git/raw.js';

/** Where a blob first appeared: the commit that introduced it, and the path it had there. */
export interface BlobOrigin {
  commit: string;
  author: string;
  date: string;
  path: string;
}

/** Past this many blobs, log every change rather than list each blob as a `--find-object` filter. */
const MAX_FILTERS = 5000;

/**
 * Finds the commit that introduced each blob: walks history oldest first (parents before children) and
 * notes the first commit whose changes produce the blob, at any path (renames not followed: the blob
 * itself is what matters). Merges are looked at with `-c`, so a blob made while resolving a conflict is
 * credited to the merge. `--find-object` lets git skip every other change; the walk stops as soon as
 * every blob is found. `revs` are object ids or our own options (`--all`, `--reflog`); `input` feeds
 * more revisions on stdin.
 */
export async function traceBlobs(
  context: GitContext,
  revs: string[],
  blobs: Iterable<string>,
  options: { input?: string[] } = {},
): Promise<Map<string, BlobOrigin>> {
  const wanted = new Set(blobs);
  const found = new Map<string, BlobOrigin>();
  if (wanted.size === 0) return found;
  const filters = wanted.size <= MAX_FILTERS ? [...wanted].map((oid) => `--find-object=${oid}`) : [];
  const stdin = options.input ? ['--stdin'] : [];
  const args = [
    'log',
    ...RAW_LOG_FLAGS,
    '-c',
    '--no-renames',
    '--topo-order',
    '--reverse',
    ...filters,
    ...stdin,
    ...revs,
  ];
  const input = options.input ? `${options.input.join('\n')}\n` : '';
  for await (const commit of streamLog([...args, '--'], context, { input })) {
    for (const entry of commit.entries) {
      if (isZeroOid(entry.oid) || !wanted.has(entry.oid) || found.has(entry.oid)) continue;
      found.set(entry.oid, {
        commit: commit.oid,
        author: commit.author,
        date: commit.date,
        path: entry.path,
      });
    }
    if (found.size === wanted.size) break;
  }
  return found;
}
