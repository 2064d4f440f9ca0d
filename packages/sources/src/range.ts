import { readFile } from 'node:fs/promises';
import type { ContentItem } from '@keyward/core';
import { newSourceStats, type MissingObjects, type ScanSource, type SourceStats } from './source.js';
import { SourceError } from './errors.js';
import { commitItems } from './git/commits.js';
import { LaterDiffs } from './git/later-diffs.js';
import type { GitContext } from './git/exec.js';
import { RepoQuery } from './git/query.js';
import type { ProgressListener } from './progress.js';

export interface RangeOptions extends GitContext {
  /** `A..B` (`A...B` means the same commits here; an empty side is HEAD). */
  range?: string;
  /** Shorthand for `<since>..HEAD`. */
  since?: string;
  maxBlobSize?: number;
  /** Repository-relative paths not to scan (config `ignorePaths`, `.keywardignore`), counted as ignored. */
  ignore?: (path: string) => boolean;
  onProgress?: ProgressListener;
  /**
   * `--require-complete`: a blob missing from the store fails the scan (E_HISTORY_INCOMPLETE). Otherwise
   * every blob present is scanned, and the stats name the missing ones (`missing`, `incomplete`).
   */
  requireComplete?: boolean;
}

/** Missing blobs a partial range scan names one by one (the rest are counted). */
const MISSING_KEPT = 1000;

export interface ParsedRange {
  text: string;
  from: string;
  to: string;
}

/** A revision as typed: no whitespace or control characters, not an option, no `..` of its own. */
function isRevText(side: string): boolean {
  if (side === '' || side.startsWith('-') || side.includes('..') || /\s/.test(side)) return false;
  for (let i = 0; i < side.length; i++) {
    const code = side.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

/** Checks range syntax (a malformed range is a usage error, exit 2) without asking git anything. */
export function parseRange(text: string): ParsedRange {
  const match = /^(.*?)\.\.\.?(.*)$/s.exec(text);
  const bad = () => new SourceError('E_RANGE_SYNTAX', { range: text });
  if (!match) throw bad();
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') throw bad();
  for (const side of [from, to]) {
    if (side !== '' && !isRevText(side)) throw bad();
  }
  return { text, from: from || 'HEAD', to: to || 'HEAD' };
}

/** `--since <rev>`: the range `<rev>..HEAD`. */
export function sinceRange(rev: string): ParsedRange {
  if (!isRevText(rev)) throw new SourceError('E_RANGE_SYNTAX', { range: rev });
  return { text: `${rev}..HEAD`, from: rev, to: 'HEAD' };
}

/**
 * Every commit in a range (CI: a pull request or a push), merge commits included, each blob's added lines
 * attributed to the commit that added them. A range git cannot resolve, or one that runs into a shallow
 * clone's boundary, fails with exit 3 and what to fetch: it never reports clean. A blob missing from the
 * store (a blobless clone that cannot fetch) is named in the stats and the rest still scanned (exit 3
 * too), or with `requireComplete` fails the scan.
 */
export function rangeSource(options: RangeOptions): ScanSource {
  const stats = newSourceStats();
  const later = new LaterDiffs(options, options.maxBlobSize ?? Number.POSITIVE_INFINITY);
  let describe: string | undefined;
  const parsed =
    options.range !== undefined ? parseRange(options.range) : sinceRange(options.since ?? missingRange());

  async function* items(): AsyncGenerator<ContentItem> {
    const query = new RepoQuery(options);
    const [from, to] = await Promise.all([query.commitOf(parsed.from), query.commitOf(parsed.to)]);
    const shallow = await query.isShallow();
    for (const [rev, oid] of [
      [parsed.from, from],
      [parsed.to, to],
    ] as const) {
      if (oid === undefined) {
        // No commit at all is no missing history: fetching would not help.
        if (!(await query.hasRefs('refs/')) && (await query.commitOf('HEAD')) === undefined)
          throw new SourceError('E_RANGE_NO_COMMITS', { range: parsed.text });
        throw new SourceError('E_RANGE_UNRESOLVED', {
          range: parsed.text,
          rev,
          shallow: shallow ? ' (the clone is shallow)' : '',
        });
      }
    }
    const total = Number(await query.raw(['rev-list', '--count', to as string, `^${from as string}`]));
    describe = `${short(from)}..${short(to)} (${total} commit${total === 1 ? '' : 's'})`;
    const boundary = shallow ? await shallowCommits(query) : undefined;
    let bytes = 0;
    const walk = {
      revs: [to as string, `^${from as string}`],
      label: parsed.text,
      ...(boundary ? { shallow: boundary } : {}),
    };
    const context = {
      ...options,
      ...(options.requireComplete ? {} : { onMissing: missed(stats) }),
      later,
    };
    for await (const item of commitItems([walk], context, stats, () =>
      options.onProgress?.({ unit: 'commits', done: stats.commits, total, bytes }),
    )) {
      bytes += item.bytes.length;
      yield item;
    }
  }

  return {
    mode: 'range',
    get describe() {
      return describe;
    },
    items,
    resolve: (findings) => later.keepAdded(findings),
    stats: () => stats,
  };
}

/** Notes a blob missing from the store in the stats: a partial scan, saying which blobs, where, and what to do. */
function missed(stats: SourceStats): (oid: string, path: string, commit: string) => void {
  const seen = new Set<string>();
  return (oid, path, commit) => {
    if (seen.has(oid)) return;
    seen.add(oid);
    stats.incomplete = true;
    const missing: MissingObjects = (stats.missing ??= {
      ids: [],
      places: [],
      count: 0,
      reason: '',
      hint: '',
    });
    missing.count++;
    if (missing.ids.length < MISSING_KEPT) {
      missing.ids.push(oid);
      missing.places!.push({ id: oid, path, commit });
    }
    const first = missing.places![0]!;
    const what = missing.count === 1 ? '1 blob is missing' : `${missing.count} blobs are missing`;
    missing.reason = `${what}, e.g. ${first.id.slice(0, 12)} (${first.path} in ${first.commit.slice(0, 12)})`;
    missing.hint =
      'fetch the missing objects (a partial clone: `git fetch --refetch`, or clone without --filter) and scan again';
  };
}

/** The commits where a shallow clone's history stops (their parents were not fetched). */
export async function shallowCommits(query: RepoQuery): Promise<Set<string>> {
  const file = await query.gitPath('shallow');
  const text = await readFile(file, 'utf8').catch(() => '');
  return new Set(text.split('\n').filter((line) => line.length > 0));
}

function short(oid: string | undefined): string {
  return (oid ?? '').slice(0, 12);
}

function missingRange(): never {
  throw new SourceError('E_RANGE_SYNTAX', { range: '' });
}
