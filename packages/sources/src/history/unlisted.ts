import { readFile } from 'node:fs/promises';
import { SourceError } from '../errors.js';
import { BlobList } from './blob-list.js';

/**
 * Every blob in the object store, each once, in pack order, read without waiting for a listing: one shell
 * pipeline lists the objects, keeps the blobs' ids and feeds them to `cat-file --batch` as they come. The
 * commits, the blobs over the size cap and the listing's exit status go to a side file, read at the end.
 * Measured on the bench's mid history (31,572 objects, one thread): reading starts ~80 ms sooner than
 * after a listing parsed in Node, and no blob id passes through JavaScript before git reads it.
 *
 * The listing's status travels in the data (`listed <status>`): a POSIX shell has no pipefail, and a
 * listing that failed must not read as a store with fewer blobs. awk reads its settings from the
 * environment (no quoting of paths into the script).
 */
const FILTER = [
  'BEGIN { side = ENVIRON["KEYWARD_SIDE_FILE"]; max = ENVIRON["KEYWARD_MAX_BLOB_SIZE"] }',
  '$1 == "blob" { if (max == "" || $3 + 0 <= max + 0) print $2; else large++; next }',
  '$1 == "commit" { print $2 > side; next }',
  '$1 == "listed" { print "listed", $2, (large + 0) > side }',
].join('\n');

const SCRIPT = [
  "{ git cat-file --batch-all-objects --batch-check='%(objecttype) %(objectname) %(objectsize)' --unordered;",
  '  echo "listed $?"; } |',
  `awk '${FILTER}' |`,
  'git cat-file --batch --buffer',
].join('\n');

/** The pipeline, as an argv; its output is `cat-file --batch` output, one blob after another. */
export const UNLISTED_COMMAND = ['sh', '-c', SCRIPT];
/** The git command its errors name. */
export const UNLISTED_ARGS = ['cat-file', '--batch-all-objects', '--batch'];

/** The pipeline's environment: where the side file goes, and the size cap (none: every blob). */
export function unlistedEnv(sideFile: string, maxBlobSize: number | undefined): Record<string, string> {
  const max = maxBlobSize === undefined || !Number.isFinite(maxBlobSize) ? '' : String(maxBlobSize);
  return { KEYWARD_SIDE_FILE: sideFile, KEYWARD_MAX_BLOB_SIZE: max };
}

/** What the listing said besides the blobs: the store's commits, and how many blobs were over the cap. */
export interface UnlistedRest {
  commits: BlobList;
  tooLarge: number;
}

/** Reads the side file once the pipeline is done; a listing that failed or stopped short throws. */
export async function readUnlistedRest(sideFile: string): Promise<UnlistedRest> {
  const text = await readFile(sideFile, 'latin1').catch(() => '');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const [word, status, large] = (lines.pop() ?? '').split(' ');
  if (word !== 'listed' || status !== '0') {
    const reason = word === 'listed' ? `exit code ${status}` : 'the listing stopped short';
    throw new SourceError('E_GIT_FAILED', { command: 'cat-file', reason });
  }
  const commits = new BlobList();
  for (const oid of lines) commits.push(oid, 0);
  return { commits, tooLarge: Number(large) };
}
