import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceError } from '../errors.js';
import type { RepoQuery } from '../git/query.js';
import type { MissingObjects } from '../source.js';
import type { Missing } from './walked.js';

/** How a repository may be missing history: a shallow clone, or a partial clone (objects left on a remote). */
export interface HistoryShape {
  shallow: boolean;
  /** The promisor remote of a partial (e.g. blobless) clone; `''` when only a `.promisor` pack says so. */
  promisor: string | undefined;
  /** Bytes of the object store's packs (loose objects not counted): how large a scan to expect. */
  packBytes: number;
  /** The store's pack folder (`objects/pack`, wherever GIT_OBJECT_DIRECTORY puts it). */
  packDir: string;
}

export async function historyShape(query: RepoQuery): Promise<HistoryShape> {
  const { shallow, path: packDir } = await query.shallowAndGitPath('objects/pack');
  const files = await readdir(packDir).catch(() => [] as string[]);
  // A partial clone keeps what it fetched in `.promisor` packs; only then is its remote's name asked for
  // (for the hint: a git process less for every other repository).
  let promisor: string | undefined;
  if (files.some((f) => f.endsWith('.promisor'))) {
    promisor = '';
    const config = await query.configMatching('^(remote\\..*\\.promisor|extensions\\.partialclone)$');
    for (const [key, value] of config) {
      if (key === 'extensions.partialclone' && value !== '') promisor = value;
      else if (key.endsWith('.promisor') && value === 'true' && promisor === '')
        promisor = key.slice('remote.'.length, -'.promisor'.length);
    }
  }
  const sizes = await Promise.all(
    files
      .filter((f) => f.endsWith('.pack'))
      .map((f) =>
        stat(join(packDir, f)).then(
          (s) => s.size,
          () => 0,
        ),
      ),
  );
  return { shallow, promisor, packBytes: sizes.reduce((sum, size) => sum + size, 0), packDir };
}

/** A shallow clone cannot be audited: its history stops at the boundary. */
export function shallowError(): SourceError {
  return new SourceError('E_HISTORY_INCOMPLETE', {
    reason: 'the clone is shallow',
    hint: 'fetch the whole history (`git fetch --unshallow`; actions/checkout: `fetch-depth: 0`) and scan again',
  });
}

/** Objects the history needs but the repository does not have: say which, and where to get them. */
export function missingError(reach: Missing, shape: HistoryShape): SourceError {
  const { reason, hint } = missingObjects(reach, shape);
  return new SourceError('E_HISTORY_INCOMPLETE', { reason, hint });
}

/** The same, for a partial audit's report: the objects the walk named, how many in all, what to do. */
export function missingObjects(reach: Missing, shape: HistoryShape): MissingObjects {
  const some = reach.missing
    .slice(0, 5)
    .map((oid) => oid.slice(0, 12))
    .join(', ');
  const count = reach.missingCount;
  const what = `${count} object${count === 1 ? ' is' : 's are'} missing, e.g. ${some}`;
  const named = { ids: reach.missing, count };
  if (shape.promisor !== undefined) {
    const remote = shape.promisor || '<remote>';
    return {
      ...named,
      reason: `${what}: a partial clone`,
      hint: `fetch them (\`git fetch --refetch ${remote}\`, or clone again without --filter) and scan again`,
    };
  }
  return {
    ...named,
    reason: what,
    hint: 'fetch them from a complete copy (`git fetch <remote>`), or check the repository with `git fsck`, and scan again',
  };
}
