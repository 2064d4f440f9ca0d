import type { GitContext } from '../git/exec.js';
import type { HistoryWork } from '../source.js';
import type { BlobList } from './blob-list.js';

/**
 * The listed blobs as work for scan workers: `runs` byte-balanced runs, each in pack order (so each
 * cat-file keeps its delta cache warm). The ids are in shared memory: every worker sees the one copy.
 */
export function historyWork(
  context: GitContext,
  blobs: BlobList,
  runs: number,
  pipes: string[] | undefined,
  niceness?: number,
): HistoryWork {
  // The list's own ids: already shared memory, so no copy (20 bytes a blob, issue 18).
  const ids = blobs.idBytes();
  return {
    kind: 'history',
    git: { cwd: context.cwd, ...(context.env ? { env: { ...context.env } } : {}) },
    ids,
    width: blobs.idWidth,
    runs: blobs.split(runs),
    ...(pipes ? { pipes } : {}),
    ...(niceness === undefined ? {} : { niceness }),
  };
}
