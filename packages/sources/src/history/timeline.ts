import { availableParallelism } from 'node:os';
import { runGit, startGit, type GitContext } from '../git/exec.js';
import { RAW_LOG_FLAGS, streamLog, type CommitRecord } from '../git/log.js';

/**
 * When each found key came onto a branch and when it left it, for the history audit's timeline. A key is
 * followed through the blobs it was found in (the findings' `commit:path`), so only the blobs with
 * findings are looked at: one `cat-file --batch-check` resolves them; one log over the union of the
 * branches' first-parent lines, filtered to those blobs (`--find-object`), lists the commits whose diff
 * against their first parent adds or drops one; then each branch's first-parent line (`rev-list`, no
 * diffs) replays those commits in order, counting the paths that hold each key. Along a first-parent line
 * each commit's diff against its first parent is exact, so a key merged in from another branch is "added"
 * on this one at the merge. Shared history is diffed once, whatever the number of branches.
 */

/** One key to follow: an id of the caller's choosing and where it was found. */
export interface TimelineKey {
  id: string;
  /** The commit that introduced each blob holding the key, and the blob's path there. */
  occurrences: Array<{ commit: string; path: string }>;
}

export interface TimelineEvent {
  kind: 'added' | 'removed';
  commit: string;
  author: string;
  /** Author date, ISO 8601. */
  date: string;
  /** The path whose change made the key appear, or the last one that held it. */
  path: string;
}

/** A key's life on one branch: when it appeared and disappeared (maybe several times), and where it is now. */
export interface BranchSpan {
  branch: string;
  events: TimelineEvent[];
  presentAtTip: boolean;
}

export interface BranchInfo {
  name: string;
  tip: string;
  /** Committer date of the tip, ISO 8601. */
  date: string;
}

export interface Timeline {
  /** Branches followed, newest tip first. */
  branches: BranchInfo[];
  /** Branches left out past `maxBranches`. */
  omittedBranches: number;
  /** Key id → its spans, one per branch that ever held it. */
  keys: Map<string, BranchSpan[]>;
  /** Occurrences whose `commit:path` is not a blob here (the report came from another repository?). */
  unresolved: number;
}

export interface TimelineOptions {
  /** Branches followed at most (newest tips first); default 50. */
  maxBranches?: number;
  /** Branch logs run at once (default: the cores, at most 4). */
  concurrency?: number;
}

/** Past this many blobs, walk every change instead of listing each blob as a `--find-object` filter. */
const MAX_FILTERS = 5000;

export async function keyTimeline(
  context: GitContext,
  keys: readonly TimelineKey[],
  options: TimelineOptions = {},
): Promise<Timeline> {
  const { keysOfBlob, unresolved } = await blobsOfKeys(context, keys);
  const all = await listBranches(context);
  const max = options.maxBranches ?? 50;
  const branches = all.slice(0, max);
  const timeline: Timeline = {
    branches,
    omittedBranches: all.length - branches.length,
    keys: new Map(),
    unresolved,
  };
  if (keysOfBlob.size === 0) return timeline;
  const events = await changesToBlobs(context, branches, keysOfBlob);
  if (events.size === 0) return timeline;
  // Each branch's line is a cheap commit walk; a few run at once.
  const followed: Array<Map<string, BranchSpan>> = [];
  let next = 0;
  const worker = async () => {
    while (next < branches.length) {
      const index = next++;
      followed[index] = await replayBranch(context, branches[index]!, events, keysOfBlob);
    }
  };
  const parallel = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), 4));
  await Promise.all(Array.from({ length: Math.min(parallel, branches.length) }, worker));
  for (const spansOfBranch of followed) {
    for (const [id, span] of spansOfBranch) {
      const spans = timeline.keys.get(id) ?? [];
      spans.push(span);
      timeline.keys.set(id, spans);
    }
  }
  return timeline;
}

/** Blob id → ids of the keys found in it, from each occurrence's `commit:path`. */
async function blobsOfKeys(
  context: GitContext,
  keys: readonly TimelineKey[],
): Promise<{ keysOfBlob: Map<string, string[]>; unresolved: number }> {
  const requests: Array<{ spec: string; id: string }> = [];
  let unresolved = 0;
  for (const key of keys) {
    for (const { commit, path } of key.occurrences) {
      // cat-file reads one request a line: a path with a line break cannot be asked for.
      if (/^[0-9a-f]{7,64}$/.test(commit) && !/[\n\r]/.test(path))
        requests.push({ spec: `${commit}:${path}`, id: key.id });
      else unresolved++;
    }
  }
  const out = new Map<string, string[]>();
  if (requests.length === 0) return { keysOfBlob: out, unresolved };
  const result = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], context, {
    input: `${requests.map((r) => r.spec).join('\n')}\n`,
  });
  const lines = result.stdout.toString('utf8').split('\n');
  requests.forEach((request, i) => {
    const match = /^([0-9a-f]+) blob$/.exec(lines[i] ?? '');
    if (!match?.[1]) {
      unresolved++; // missing (a commit of another repository) or not a blob
      return;
    }
    const ids = out.get(match[1]) ?? [];
    if (!ids.includes(request.id)) ids.push(request.id);
    out.set(match[1], ids);
  });
  return { keysOfBlob: out, unresolved };
}

/**
 * The branches to follow, newest tip first: the local branches, and the remote-tracking branches no local
 * branch of the same name stands for (a CI checkout has one local branch and the rest under `origin/`);
 * in a repository with neither, HEAD itself.
 */
export async function listBranches(context: GitContext): Promise<BranchInfo[]> {
  const result = await runGit(
    [
      'for-each-ref',
      '--format=%(objectname)%00%(objecttype)%00%(symref)%00%(committerdate:iso-strict)%00%(refname)',
      'refs/heads',
      'refs/remotes',
    ],
    context,
  );
  const local: BranchInfo[] = [];
  const remote: Array<BranchInfo & { short: string }> = [];
  for (const line of result.stdout.toString('utf8').split('\n')) {
    const [tip = '', type, symref, date = '', ref = ''] = line.split('\0');
    if (type !== 'commit' || symref !== '') continue; // origin/HEAD and the like are aliases
    if (ref.startsWith('refs/heads/')) local.push({ name: ref.slice('refs/heads/'.length), tip, date });
    else {
      const name = ref.slice('refs/remotes/'.length);
      remote.push({ name, tip, date, short: name.slice(name.indexOf('/') + 1) });
    }
  }
  const names = new Set(local.map((b) => b.name));
  const branches = [
    ...local,
    ...remote.filter((b) => !names.has(b.short)).map(({ name, tip, date }) => ({ name, tip, date })),
  ];
  if (branches.length > 0) {
    return branches.sort((a, b) => Date.parse(b.date) - Date.parse(a.date) || (a.name < b.name ? -1 : 1));
  }
  const head = await runGit(['log', '-1', '--format=%H%x00%cI', 'HEAD', '--'], context, { allowFail: true });
  const [tip, date] = head.stdout.toString('utf8').trim().split('\0');
  return head.code === 0 && tip ? [{ name: 'HEAD', tip, date: date ?? '' }] : [];
}

/**
 * The commits on the branches' first-parent lines whose diff against their first parent puts a followed
 * blob at a path or takes one away, with just those changes.
 */
async function changesToBlobs(
  context: GitContext,
  branches: readonly BranchInfo[],
  keysOfBlob: Map<string, string[]>,
): Promise<Map<string, CommitRecord>> {
  const filters =
    keysOfBlob.size <= MAX_FILTERS ? [...keysOfBlob.keys()].map((oid) => `--find-object=${oid}`) : [];
  const args = [
    'log',
    ...RAW_LOG_FLAGS,
    '--first-parent',
    '--diff-merges=first-parent',
    '--no-renames',
    ...filters,
    '--stdin',
  ];
  const input = `${[...new Set(branches.map((b) => b.tip))].join('\n')}\n`;
  const events = new Map<string, CommitRecord>();
  for await (const commit of streamLog([...args, '--'], context, { input })) {
    const entries = commit.entries.filter(
      (entry) => keysOfBlob.has(entry.oid) || keysOfBlob.has(entry.parents[0]?.oid ?? ''),
    );
    if (entries.length > 0) events.set(commit.oid, { ...commit, entries });
  }
  return events;
}

/** Replays one branch's first-parent line, oldest first, counting for each key the paths that hold it. */
async function replayBranch(
  context: GitContext,
  branch: BranchInfo,
  events: Map<string, CommitRecord>,
  keysOfBlob: Map<string, string[]>,
): Promise<Map<string, BranchSpan>> {
  const count = new Map<string, number>(); // key id → paths holding it
  const spans = new Map<string, BranchSpan>();
  for await (const oid of lines(['rev-list', '--first-parent', '--reverse', branch.tip, '--'], context)) {
    const commit = events.get(oid);
    if (!commit) continue;
    const touched = new Map<string, string>(); // key id → a path that changed it in this commit
    const before = new Map<string, number>();
    const adjust = (blob: string | undefined, path: string, delta: number) => {
      for (const id of (blob && keysOfBlob.get(blob)) || []) {
        if (!before.has(id)) before.set(id, count.get(id) ?? 0);
        count.set(id, (count.get(id) ?? 0) + delta);
        touched.set(id, path);
      }
    };
    for (const entry of commit.entries) {
      adjust(entry.parents[0]?.oid, entry.path, -1);
      adjust(entry.oid, entry.path, +1);
    }
    for (const [id, path] of touched) {
      const was = (before.get(id) ?? 0) > 0;
      const is = (count.get(id) ?? 0) > 0;
      if (was === is) continue;
      const span = spans.get(id) ?? { branch: branch.name, events: [], presentAtTip: false };
      span.events.push({
        kind: is ? 'added' : 'removed',
        commit: commit.oid,
        author: commit.author,
        date: commit.date,
        path,
      });
      spans.set(id, span);
    }
  }
  for (const [id, span] of spans) span.presentAtTip = (count.get(id) ?? 0) > 0;
  return spans;
}

/** The lines of a git command's output, as git writes them. */
async function* lines(args: string[], context: GitContext): AsyncGenerator<string> {
  const { child, finished } = startGit(args, context);
  let rest = '';
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    const parts = (rest + chunk.toString('latin1')).split('\n');
    rest = parts.pop() ?? '';
    yield* parts;
  }
  if (rest !== '') yield rest;
  await finished();
}
