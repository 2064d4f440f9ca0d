import { StringDecoder } from 'node:string_decoder';
import { startGit, type GitContext } from '../git/exec.js';
import { OidMap } from '../git/oid-map.js';
import { BlobList } from './blob-list.js';
import { MISSING_KEPT, RawWalk, type Walked } from './walked.js';

export interface Reachability {
  /** Objects reachable from the walked refs (commits, trees, blobs), each with its entry number. */
  blobs: OidMap;
  paths: string[];
  /** Per entry: the index of a path the object has (in `paths`), or NO_PATH. */
  entryPath: Uint32Array;
  /** Per entry: the index of the oldest commit whose tree holds the object (in `commits`), or NO_COMMIT. */
  entryCommit: Uint32Array;
  commits: BlobList;
  /** Objects the walk needed but the repository does not have (the first MISSING_KEPT, and how many in all). */
  missing: string[];
  missingCount: number;
}

/** What the walk asks for: revisions (`--all`, commit ids), and refs `--all` must leave to `aside`. */
export interface WalkRefs {
  revs: string[];
  /** Refs naming no commit, even through tags (a tag on a blob or a tree): walked apart, by name. */
  aside?: string[];
}

/** Stands for "no path": an object a ref names directly (a tag on a blob), or a commit. */
const NO_PATH = 0xffffffff;
/** Stands for "no commit": an object only a ref to a blob or tree reaches. */
const NO_COMMIT = 0xffffffff;

/** A path a reachable blob has (the one it had in the oldest commit that held it). */
export function pathOf(reach: Reachability, oid: string): string | undefined {
  const entry = reach.blobs.get(oid);
  const path = entry === undefined ? NO_PATH : (reach.entryPath[entry] ?? NO_PATH);
  return path === NO_PATH ? undefined : reach.paths[path];
}

/** The oldest commit whose tree holds a reachable blob, and the blob's path there. */
export function originOf(reach: Reachability, oid: string): { commit: string; path: string } | undefined {
  const entry = reach.blobs.get(oid);
  if (entry === undefined) return undefined;
  const commit = reach.entryCommit[entry] ?? NO_COMMIT;
  const path = pathOf(reach, oid);
  return commit === NO_COMMIT || path === undefined ? undefined : { commit: reach.commits.oid(commit), path };
}

/**
 * Walks every object reachable from the refs once (`git rev-list --objects`), noting each object that
 * should be there but is not (`--missing=print`): a repository with a missing object is not a complete
 * history. Commits come oldest first but parents always before children (`--date-order --reverse`),
 * each followed by the objects of its tree not met before (`--in-commit-order`): the commit a blob
 * follows is the oldest that held it, the one that introduced it (none of its parents had it, or they
 * would have shown it first), and the path it shows is its path there. One pass answers "is this blob
 * reachable, where, and since which commit?" for every finding and "is anything missing?" for the whole
 * scan: no log over the history to trace the findings (on the bench's 20,000-commit history the
 * path-limited log took 1-2 s after the scan). Object ids go on stdin (stash entries can be many).
 *
 * With `rawUpTo`, an output of up to that many bytes is kept as git wrote it and searched afterwards for
 * the few blobs asked about (RawWalk), not parsed line by line beside the scan: on the bench's 3,000-commit
 * history (1.9 MB of output) the parsing took ~140 ms of CPU on a machine whose two cores the scan and
 * git's reading already filled. A longer output is parsed as it comes (its scan takes seconds anyway).
 */
export async function walkReachable(
  context: GitContext,
  refs: WalkRefs,
  options: { rawUpTo?: number } = {},
): Promise<Walked> {
  // Made on the first line parsed: an output kept raw never needs these tables (~1 MB to allocate).
  let parsed: Reachability | undefined;
  const reach = (): Reachability =>
    (parsed ??= {
      blobs: new OidMap(1 << 16),
      paths: [],
      entryPath: new Uint32Array(1 << 16),
      entryCommit: new Uint32Array(1 << 16),
      commits: new BlobList(),
      missing: [],
      missingCount: 0,
    });
  const pathIndex = new Map<string, number>();
  let entries = 0;
  const record = (oid: string, path: string, commit: number) => {
    const result = reach();
    const known = result.blobs.get(oid);
    if (known !== undefined && result.entryCommit[known] !== NO_COMMIT) return;
    const entry = known ?? entries++;
    if (entry >= result.entryPath.length) {
      result.entryPath = grown(result.entryPath);
      result.entryCommit = grown(result.entryCommit);
    }
    let index = NO_PATH;
    if (path !== '') {
      index = pathIndex.get(path) ?? result.paths.length;
      if (index === result.paths.length) {
        result.paths.push(path);
        pathIndex.set(path, index);
      }
    }
    result.entryPath[entry] = index;
    result.entryCommit[entry] = commit;
    if (known === undefined) result.blobs.set(oid, entry);
  };
  const missed = (line: string) => {
    const result = reach();
    result.missingCount++;
    if (result.missing.length < MISSING_KEPT) result.missing.push(line.slice(1));
  };

  // Refs to blobs or trees first: what they alone reach has no commit (a commit's tree wins later).
  if (refs.aside && refs.aside.length > 0) {
    const args = ['rev-list', '--objects', '--missing=print', '--stdin'];
    await streamLines(args, context, refs.aside, (line) => {
      if (line.startsWith('?')) return missed(line);
      const space = line.indexOf(' ');
      record(
        space === -1 ? line : line.slice(0, space),
        space === -1 ? '' : line.slice(space + 1),
        NO_COMMIT,
      );
    });
  }

  const args = [
    'rev-list',
    '--objects',
    '--in-commit-order',
    '--date-order',
    '--reverse',
    '--format=%H',
    '--missing=print',
    ...(refs.aside ?? []).map((ref) => `--exclude=${ref}`),
    // Options such as --all stay in argv (older git reads only revisions from stdin).
    ...refs.revs.filter((rev) => rev.startsWith('-')),
    '--stdin',
  ];
  let commit = NO_COMMIT;
  let commitId = '';
  // Trees are printed too, with no type: an object whose next line lies inside its path is a tree, not
  // kept (a third of git.git's objects). A new tree whose entries were all met before looks like a blob
  // and is kept: only memory.
  let held: { oid: string; path: string; commit: number } | undefined;
  const settle = (next: string | undefined) => {
    if (held && (next === undefined || !next.startsWith(`${held.path}/`)))
      record(held.oid, held.path, held.commit);
    held = undefined;
  };
  const take = (line: string) => {
    if (line.startsWith('commit ')) {
      settle(undefined);
      commitId = line.slice(7);
      const { commits } = reach();
      commit = commits.length;
      commits.push(commitId, 0);
      record(commitId, '', NO_COMMIT);
      return;
    }
    if (line.startsWith('?')) return missed(line);
    const space = line.indexOf(' ');
    // The commit's own line again (the format), or a tag's target named without a path.
    if (space === -1) {
      if (line !== commitId) record(line, '', NO_COMMIT);
      return;
    }
    const path = line.slice(space + 1);
    settle(path);
    // The root tree has no path: never a blob.
    if (path !== '') held = { oid: line.slice(0, space), path, commit };
  };
  const input = refs.revs.filter((rev) => !rev.startsWith('-'));
  const rawUpTo = refs.aside && refs.aside.length > 0 ? undefined : options.rawUpTo;
  const raw = await streamLines(args, context, input, take, rawUpTo);
  if (raw) return new RawWalk(raw);
  settle(undefined);
  return parsedWalk(reach());
}

/** The answers of a walk parsed as it came. */
function parsedWalk(reach: Reachability): Walked {
  return {
    missing: reach.missing,
    missingCount: reach.missingCount,
    reaches: (oid) => reach.blobs.has(oid),
    originOf: (oid) => originOf(reach, oid),
    pathOf: (oid) => pathOf(reach, oid),
  };
}

function grown(array: Uint32Array): Uint32Array {
  const out = new Uint32Array(array.length * 2);
  out.set(array);
  return out;
}

/**
 * Runs git with `input` lines on stdin and hands each line of its output to `take`; throws if git failed.
 * With `rawUpTo`, an output that stays within that many bytes is not split at all but returned whole.
 */
async function streamLines(
  args: string[],
  context: GitContext,
  input: string[],
  take: (line: string) => void,
  rawUpTo?: number,
): Promise<Buffer | undefined> {
  const { child, finished } = startGit(args, context, input.map((line) => `${line}\n`).join(''));
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const split = (chunk: Buffer) => {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line !== '') take(line);
  };
  let kept: Buffer[] | undefined = rawUpTo === undefined ? undefined : [];
  let size = 0;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    if (kept === undefined) {
      split(chunk);
      continue;
    }
    kept.push(chunk);
    size += chunk.length;
    if (size > rawUpTo!) {
      kept.forEach(split);
      kept = undefined;
    }
  }
  await finished();
  if (kept !== undefined) return Buffer.concat(kept);
  rest += decoder.end();
  if (rest !== '') take(rest);
  return undefined;
}
