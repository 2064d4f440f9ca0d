import type { ContentItem } from '@keyward/core';
import { isBinary, type SourceStats } from '../source.js';
import { SourceError } from '../errors.js';
import { addedLines, allLines, type LineRanges } from '../text/added-lines.js';
import type { CatFileBatch, ObjectResult } from './cat-file.js';
import { isLinkMode, isRegularMode, isZeroOid, type RawEntry } from './raw.js';

/**
 * What one raw diff entry needs read to find its added lines: the new blob, and the blob of each parent
 * to diff against (none: every line is added). Undefined when the entry adds no text: a deletion, a
 * symlink or submodule (counted), a pure rename or mode change.
 */
export interface ChangePlan {
  entry: RawEntry;
  oid: string;
  /** Blobs to diff against; the added lines are those added relative to every one of them. */
  bases: string[];
}

export function planChange(entry: RawEntry, stats: SourceStats): ChangePlan | undefined {
  const letter = entry.status[0];
  if (letter === 'U') {
    stats.warnings.push(`${entry.path}: unmerged (conflicted) in the index; not scanned until resolved`);
    return undefined;
  }
  if (isZeroOid(entry.oid) || entry.status.includes('D') || letter === 'X') return undefined;
  if (isLinkMode(entry.mode)) {
    stats.skipped.links++;
    return undefined;
  }
  if (!isRegularMode(entry.mode)) return undefined;
  const bases: string[] = [];
  for (const parent of entry.parents) {
    // The same blob in a parent: nothing added (a rename, a copy, a mode change).
    if (parent.oid === entry.oid) return undefined;
    // A parent without the file, or with a symlink or submodule there: every line is new relative to it,
    // so it does not narrow what the other parents say.
    if (isZeroOid(parent.oid) || !isRegularMode(parent.mode)) continue;
    bases.push(parent.oid);
  }
  return { entry, oid: entry.oid, bases };
}

/** Requests the blobs a plan needs, in the order `takeChange` reads them. */
export function requestChange(plan: ChangePlan, batch: CatFileBatch, maxBlobSize: number): void {
  batch.request(plan.oid, maxBlobSize);
  for (const base of plan.bases) batch.request(base, maxBlobSize);
}

/**
 * Reads a plan's blobs (requested with `requestChange`) and returns the item to scan, or undefined when
 * there is nothing to scan (binary, too large, no added line). A missing blob means an incomplete
 * repository (a blobless clone): a broken scan must not look clean. It fails the scan, or with
 * `onMissing` (a partial audit) is handed to it: a missing blob is not scanned, and a missing base makes
 * every line of the blob count as added (never miss a key).
 */
export async function takeChange(
  plan: ChangePlan,
  batch: CatFileBatch,
  stats: SourceStats,
  where: {
    commit?: string;
    onMissing?: (oid: string, path: string) => void;
    /**
     * From this many bytes, a blob that has bases comes back whole (`whole`, no `addedLines`): the caller
     * works its added lines out later, only if its scan finds something (a line diff costs ~1-2 µs a line).
     */
    wholeFrom?: number;
  },
): Promise<(Omit<ContentItem, 'commit' | 'author' | 'date'> & { whole?: true }) | undefined> {
  const blob = await batch.next();
  const bases: ObjectResult[] = [];
  for (let i = 0; i < plan.bases.length; i++) bases.push(await batch.next());
  for (const result of [blob, ...bases]) {
    if (result.status !== 'missing') continue;
    if (!where.onMissing) throw missingBlob(result.oid, plan.entry.path, where.commit);
    where.onMissing(result.oid, plan.entry.path);
  }
  if (blob.status === 'missing') return undefined;
  if (blob.status !== 'ok') {
    stats.skipped.tooLarge++;
    return undefined;
  }
  if (isBinary(blob.bytes)) {
    stats.skipped.binary++;
    return undefined;
  }
  // Whole only when every base was read: the diff later reads them again, with no partial-audit hook.
  const whole = blob.bytes.length >= (where.wholeFrom ?? Number.POSITIVE_INFINITY);
  if (whole && bases.length > 0 && bases.every((base) => base.status === 'ok'))
    return { path: plan.entry.path, bytes: blob.bytes, blobId: blob.oid, whole: true };
  let lines: LineRanges | undefined;
  for (const base of bases) {
    // A base too large to diff: treat every line as added (never miss a key).
    const added = base.status === 'ok' ? addedLines(base.bytes, blob.bytes) : allLines(blob.bytes);
    lines = lines === undefined ? added : intersectRanges(lines, added);
  }
  lines ??= allLines(blob.bytes);
  if (lines.length === 0) return undefined;
  return { path: plan.entry.path, bytes: blob.bytes, blobId: blob.oid, addedLines: lines };
}

/** Lines in both sets of ranges (a merge adds a line only if it is new relative to every parent). */
export function intersectRanges(a: LineRanges, b: LineRanges): LineRanges {
  const out: LineRanges = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [aStart, aEnd] = a[i] as [number, number];
    const [bStart, bEnd] = b[j] as [number, number];
    const start = Math.max(aStart, bStart);
    const end = Math.min(aEnd, bEnd);
    if (start <= end) out.push([start, end]);
    if (aEnd < bEnd) i++;
    else j++;
  }
  return out;
}

function missingBlob(oid: string, path: string, commit: string | undefined): SourceError {
  return new SourceError('E_HISTORY_INCOMPLETE', {
    reason: `blob ${oid} (${path}${commit ? ` in ${commit.slice(0, 12)}` : ''}) is missing`,
    hint: 'fetch the missing objects (a partial clone: `git fetch --refetch`, or clone without --filter) and scan again',
  });
}
