import { StringDecoder } from 'node:string_decoder';
import { startGit, type GitContext } from '../git/exec.js';
import { RAW_LOG_FLAGS, streamLog, type CommitRecord } from '../git/log.js';
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
 * Finds the commit that introduced each blob, given a path each one has (from the reachability walk):
 * a log limited to those paths (cheap: git prunes every other path) lists each commit that put one of
 * the blobs there, and the oldest one wins. If the blob already existed in that commit's parent under
 * another path (a rename or copy), only a walk over every change can find where it came from: those
 * few blobs go to `traceBlobs`.
 */
export async function traceByPaths(
  context: GitContext,
  revs: string[],
  blobs: Map<string, string>,
): Promise<Map<string, BlobOrigin>> {
  const found = new Map<string, BlobOrigin & { parents: string[] }>();
  if (blobs.size === 0) return found;
  const paths = [...new Set(blobs.values())];
  const options = revs.filter((rev) => rev.startsWith('-'));
  const ids = revs.filter((rev) => !rev.startsWith('-'));
  // Revisions and paths go on stdin (after a `--` line), so any number of them fits.
  const input = [...ids, '--', ...paths.map((path) => `:(literal)${path}`)].join('\n');
  const args = ['log', ...RAW_LOG_FLAGS, '-c', '--no-renames', ...options, '--stdin'];
  // git log lists newest first: the last commit seen for a blob is the oldest that put it there.
  for await (const commit of streamLog(args, context, { input: `${input}\n` })) {
    for (const entry of commit.entries) {
      if (!blobs.has(entry.oid) || isZeroOid(entry.oid)) continue;
      found.set(entry.oid, { ...origin(commit, entry.path), parents: commit.parents });
    }
  }
  const moved = await existedInParents(context, found);
  const result = new Map<string, BlobOrigin>();
  for (const [oid, { parents: _parents, ...where }] of found) if (!moved.has(oid)) result.set(oid, where);
  const rest = [...blobs.keys()].filter((oid) => !result.has(oid));
  if (rest.length > 0)
    for (const [oid, where] of await traceBlobs(context, revs, rest)) result.set(oid, where);
  return result;
}

/**
 * Finds the commit that introduced each blob by walking every change, oldest first (parents before
 * children), noting the first commit whose changes produce the blob at any path (renames not followed:
 * the blob itself is what matters). Merges are looked at with `-c`, so a blob made while resolving a
 * conflict is credited to the merge. `--find-object` lets git skip every other change; the walk stops
 * as soon as every blob is found. `revs` are object ids or our own options (`--all`, `--reflog`);
 * `input` feeds more revisions on stdin.
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
    '--date-order',
    '--reverse',
    ...filters,
    ...stdin,
    ...revs,
  ];
  const input = options.input ? `${options.input.join('\n')}\n` : '';
  for await (const commit of streamLog([...args, '--'], context, { input })) {
    for (const entry of commit.entries) {
      if (isZeroOid(entry.oid) || !wanted.has(entry.oid) || found.has(entry.oid)) continue;
      found.set(entry.oid, origin(commit, entry.path));
    }
    if (found.size === wanted.size) break;
  }
  return found;
}

/**
 * Finds, among the given commits (for blobs no ref reaches: the commits no ref reaches), the oldest one
 * that introduced each blob. One walk over those commits' trees, parents before children (`rev-list
 * --objects --in-commit-order --topo-order --reverse`), leaving out everything `exclude` reaches: the
 * first commit whose tree shows a blob introduced it (none of its parents had it, or they would have
 * shown it first), at the path it shows. Each tree is read once, where diffing each commit against its
 * parents read most twice or more (merges): measured on git.git's 118,000 unreachable commits (fetched
 * pull requests), 10 s instead of 17-28 s. The walk stops once every blob is found.
 */
export async function traceAmong(
  context: GitContext,
  commits: string[],
  blobs: Iterable<string>,
  exclude: string[] = [],
  signal?: AbortSignal,
): Promise<Map<string, BlobOrigin>> {
  const wanted = new Set(blobs);
  if (commits.length === 0 || wanted.size === 0) return new Map();
  const args = [
    'rev-list',
    '--objects',
    '--in-commit-order',
    '--date-order',
    '--reverse',
    '--missing=print',
    '--stdin',
    // Options such as --all stay in argv (older git reads only revisions from stdin), after --not.
    ...(exclude.some((rev) => rev.startsWith('-'))
      ? ['--not', ...exclude.filter((r) => r.startsWith('-'))]
      : []),
  ];
  const input = [...commits, ...exclude.filter((rev) => !rev.startsWith('-')).map((rev) => `^${rev}`)];
  const where = new Map<string, { commit: string; path: string }>();
  let commit = '';
  const take = (line: string) => {
    const space = line.indexOf(' ');
    if (space === -1) {
      // A commit (missing objects print as `?<id>`: the scan's own walk reports those).
      if (!line.startsWith('?')) commit = line;
      return true;
    }
    const oid = line.slice(0, space);
    if (wanted.has(oid) && !where.has(oid)) where.set(oid, { commit, path: line.slice(space + 1) });
    return where.size < wanted.size;
  };
  await streamLines(args, context, `${input.join('\n')}\n`, take, signal ? { signal } : {});
  if (signal?.aborted) return new Map();
  const people = await commitPeople(context, [...new Set([...where.values()].map((w) => w.commit))]);
  const found = new Map<string, BlobOrigin>();
  for (const [oid, { commit: id, path }] of where) {
    const who = people.get(id);
    if (who) found.set(oid, { commit: id, ...who, path });
  }
  return found;
}

/** Author name and date (`%aI`) of each commit. */
export async function commitPeople(
  context: GitContext,
  commits: string[],
): Promise<Map<string, { author: string; date: string }>> {
  const people = new Map<string, { author: string; date: string }>();
  if (commits.length === 0) return people;
  const args = ['log', '--no-walk=unsorted', '--format=%H%x00%an%x00%aI', '--stdin'];
  await streamLines(args, context, `${commits.join('\n')}\n`, (line) => {
    const [oid = '', author = '', date = ''] = line.split('\0');
    if (oid !== '') people.set(oid, { author, date });
    return true;
  });
  return people;
}

/**
 * Runs git with `input` on stdin and hands each line of its output to `take` (UTF-8: paths and names)
 * until it returns false; then git is stopped. Throws if git failed before that. `signal` stops git (and
 * the lines end, no error); `niceness` lowers git's priority (os.setPriority: 0 normal, 19 lowest), where
 * this process may.
 */
export async function streamLines(
  args: string[],
  context: GitContext,
  input: string,
  take: (line: string) => boolean,
  options: { signal?: AbortSignal; niceness?: number } = {},
): Promise<void> {
  const { signal, niceness } = options;
  const { child, exited, finished } = startGit(
    args,
    context,
    input,
    niceness === undefined ? {} : { niceness },
  );
  // Aborted: git is stopped, and its output ends here as if `take` had had enough.
  const stop = () => child.kill();
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop();
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let more = true;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (more && line !== '') more = take(line);
    if (!more) break;
  }
  signal?.removeEventListener('abort', stop);
  if (signal?.aborted) {
    await exited.catch(() => {});
    return;
  }
  if (more && rest !== '') more = take(rest);
  if (!more) {
    child.kill();
    await exited.catch(() => {});
    return;
  }
  await finished();
}

function origin(commit: CommitRecord, path: string): BlobOrigin {
  return { commit: commit.oid, author: commit.author, date: commit.date, path };
}

/** Past this many credited commits, checking each one's parents costs more than one full walk. */
const MAX_PARENT_CHECKS = 200;

/**
 * Blobs that were already in a parent of the commit credited with them (the commit only moved or
 * copied them). Each commit's parents are listed on their own (`rev-list --objects --no-walk`), a few
 * at a time: a blob counts as moved only if its own commit's parents hold it. Past MAX_PARENT_CHECKS
 * commits, every blob is treated as moved (traced by the full walk instead).
 */
async function existedInParents(
  context: GitContext,
  found: Map<string, { commit: string; parents: string[] }>,
): Promise<Set<string>> {
  const byCommit = new Map<string, { parents: string[]; blobs: string[] }>();
  for (const [oid, { commit, parents }] of found) {
    if (parents.length === 0) continue; // a root commit introduced everything it has
    const entry = byCommit.get(commit) ?? { parents, blobs: [] };
    entry.blobs.push(oid);
    byCommit.set(commit, entry);
  }
  if (byCommit.size > MAX_PARENT_CHECKS) return new Set(found.keys());
  const moved = new Set<string>();
  const queue = [...byCommit.values()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const inParents = await parentBlobs(context, next.parents);
      for (const oid of next.blobs) if (inParents.has(oid)) moved.add(oid);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return moved;
}

/** Every blob in the trees of the given commits. */
async function parentBlobs(context: GitContext, parents: string[]): Promise<Set<string>> {
  const args = [
    'rev-list',
    '--objects',
    '--no-object-names',
    '--no-walk',
    '--filter=object:type=blob',
    '--stdin',
  ];
  const { child, finished } = startGit(args, context, `${parents.join('\n')}\n`);
  const blobs = new Set<string>();
  const decoder = new StringDecoder('latin1');
  let rest = '';
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) blobs.add(line);
  }
  blobs.add(rest);
  await finished();
  return blobs;
}
