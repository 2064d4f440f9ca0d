import type { ContentItem } from '@keyward/core';
import type { SourceStats } from '../source.js';
import { SourceError } from '../errors.js';
import { CatFileBatch } from './cat-file.js';
import { planChange, requestChange, takeChange, type ChangePlan } from './changes.js';
import type { GitContext } from './exec.js';
import { DIFF_LATER_BYTES, type LaterDiffs } from './later-diffs.js';
import { RAW_LOG_FLAGS, streamLog, type CommitRecord } from './log.js';

export interface CommitWalk {
  /**
   * Revisions for `git log`, e.g. `[<to>, ^<from>]`, or `[<sha>, --not, --remotes=origin]`. Only resolved
   * object ids and options of ours: never text a user typed (it could be an option).
   */
  revs: string[];
  /** Shallow-clone boundary commits: reaching one means the walk lost history. */
  shallow?: ReadonlySet<string>;
  /** Shown in errors: the range or push being scanned. */
  label: string;
}

/**
 * Flags for walking commits with their changes. `-M`: a renamed file's lines are not new. `-c`: a merge
 * lists only the paths whose merged blob differs from every parent, and a line counts as added by the
 * merge only if it is new relative to every parent, so a key written while resolving a conflict (or an
 * "evil" merge) is attributed to the merge, while lines brought in from a branch stay attributed to the
 * branch commit that wrote them (scanned too when it is in the range) and are not reported twice.
 */
const WALK_FLAGS = [...RAW_LOG_FLAGS, '-M', '-c'];

/**
 * Yields, for every commit of the walks, every blob it adds text to, with the added lines and the
 * commit's id, author and date. Each commit is scanned once even if several walks reach it.
 */
export async function* commitItems(
  walks: CommitWalk[],
  context: GitContext & {
    maxBlobSize?: number;
    ignore?: (path: string) => boolean;
    /** A partial audit: a blob missing from the store is handed here instead of failing the scan. */
    onMissing?: (oid: string, path: string, commit: string) => void;
    /** Where a large modified file scanned whole goes, to be diffed only if it has findings. */
    later?: LaterDiffs;
  },
  stats: SourceStats,
  onCommit?: (commit: CommitRecord) => void,
): AsyncGenerator<ContentItem> {
  const seen = new Set<string>();
  const maxBlobSize = context.maxBlobSize ?? Number.POSITIVE_INFINITY;
  let batch: CatFileBatch | undefined;
  let finished = false;
  try {
    for (const walk of walks) {
      for await (const commit of streamLog(['log', ...WALK_FLAGS, ...walk.revs, '--'], context)) {
        if (seen.has(commit.oid)) continue;
        seen.add(commit.oid);
        if (walk.shallow?.has(commit.oid)) {
          throw new SourceError('E_RANGE_SHALLOW', { range: walk.label, commit: commit.oid.slice(0, 12) });
        }
        stats.commits++;
        onCommit?.(commit);
        const plans: ChangePlan[] = [];
        for (const entry of commit.entries) {
          if (context.ignore?.(entry.path)) {
            stats.skipped.ignored++;
            continue;
          }
          const plan = planChange(entry, stats);
          if (plan) plans.push(plan);
        }
        if (plans.length === 0) continue;
        batch ??= new CatFileBatch(context);
        for (const plan of plans) requestChange(plan, batch, maxBlobSize);
        for (const plan of plans) {
          const item = await takeChange(plan, batch, stats, {
            commit: commit.oid,
            ...(context.onMissing
              ? { onMissing: (oid: string, path: string) => context.onMissing!(oid, path, commit.oid) }
              : {}),
            ...(context.later ? { wholeFrom: DIFF_LATER_BYTES } : {}),
          });
          if (!item) continue;
          const { whole, ...scanned } = item;
          if (whole) context.later!.add(plan, commit.oid);
          yield { ...scanned, commit: commit.oid, author: commit.author, date: commit.date };
        }
      }
    }
    await batch?.close();
    finished = true;
  } finally {
    if (!finished) batch?.kill();
  }
}
