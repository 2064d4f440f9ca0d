import type { GitContext } from '../git/exec.js';
import { revListOver, type WalkRefs } from './reachable.js';
import { streamLines } from './trace.js';
import { MISSING_KEPT, type Missing } from './walked.js';

/**
 * Below the scan's own processes: the check runs beside the listing and the reading and is wanted only at
 * the end, so it takes the cores they leave (os.setPriority's niceness: 0 normal, 19 lowest).
 */
export const CHECK_NICENESS = 5;

/**
 * The readers' git while the check runs beside them: below the check. Where trees are wide and churn (the
 * generated histories), the check costs as much CPU as the reading and ended seconds after it, alone on one
 * core, when both ran at 10. With the check at 5 (three times the readers' share when they compete), 1M
 * blobs, eleven interleaved runs each: median 12.61 s at 10/10, 10.87 s at 5/10 (11.38 s at 0/10); 2M blobs,
 * three runs: 28.5 s against 24.8 s; git.git's mirror, three runs: 27.4 s against 25.8 s.
 */
export const READER_NICENESS = 10;

/**
 * The check beside a reading in this thread (a small store, read with blocking reads): at 10 it got a
 * tenth of a core the reading's git shared with it, then ran alone after the reading. 0.1M blobs, six
 * interleaved runs each: 1.45-1.58 s at 10, 1.33-1.42 s at 0.
 */
export const IN_THREAD_CHECK_NICENESS = 0;

/**
 * What git's own connectivity check says of the store (`rev-list --objects --quiet --missing=print`):
 * it reads every tree the refs reach, as the reachability walk does, and prints only the objects that
 * should be there and are not (`?<id>`; `--missing=print` never fetches them from a partial clone's
 * remote). On the 1-million-blob history it took 7.7 s of git's CPU where the walk took 11.6 s plus this
 * process's parsing. An audit with nothing to attribute needs no more than this answer (issue 18).
 * Undefined when git failed (a store it cannot read): the caller walks, which fails the same way with
 * its error. Stopped through `signal` once the walk runs anyway (a finding to attribute): the walk
 * answers the same question. Then undefined too.
 */
export async function checkStore(
  context: GitContext,
  refs: WalkRefs,
  signal?: AbortSignal,
  niceness = CHECK_NICENESS,
): Promise<Missing | undefined> {
  // Refs to blobs and trees too: what they hold must be there as well.
  const { args, input } = revListOver(refs, ['--objects', '--quiet', '--missing=print'], { aside: true });
  const found: Missing = { missing: [], missingCount: 0 };
  const take = (line: string) => {
    if (line.startsWith('?')) {
      found.missingCount++;
      if (found.missing.length < MISSING_KEPT) found.missing.push(line.slice(1));
    }
    return true;
  };
  const lines = input.map((line) => `${line}\n`).join('');
  const options = { niceness, ...(signal ? { signal } : {}) };
  const ran = await streamLines(args, context, lines, take, options).then(
    () => true,
    () => false,
  );
  return ran && !signal?.aborted ? found : undefined;
}
