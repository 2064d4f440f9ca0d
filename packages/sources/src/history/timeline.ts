import { runGit, type GitContext } from '../git/exec.js';
import { RAW_LOG_FLAGS, streamLog } from '../git/log.js';

/**
 * When each found key came onto a branch and when it left it, for the history audit's timeline. A key is
 * followed through the blobs it was found in (the findings' `commit:path`), so only the blobs with
 * findings are looked at: one `cat-file --batch-check` resolves them, then one first-parent log per branch,
 * filtered to those blobs (`--find-object`), replays how the set of paths holding the key changes. On a
 * first-parent line each commit's diff against its first parent is exact, so a key merged in from another
 * branch is "added" on this one at the merge.
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
  for (const branch of branches) {
    for (const [id, span] of await followBranch(context, branch, keysOfBlob)) {
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

/** Replays one branch's first-parent line, oldest first, counting for each key the paths that hold it. */
async function followBranch(
  context: GitContext,
  branch: BranchInfo,
  keysOfBlob: Map<string, string[]>,
): Promise<Map<string, BranchSpan>> {
  const filters =
    keysOfBlob.size <= MAX_FILTERS ? [...keysOfBlob.keys()].map((oid) => `--find-object=${oid}`) : [];
  const args = [
    'log',
    ...RAW_LOG_FLAGS,
    '--first-parent',
    '--diff-merges=first-parent',
    '--no-renames',
    '--reverse',
    ...filters,
    branch.tip,
    '--',
  ];
  const holder = new Map<string, string>(); // path → tracked blob it holds on this branch
  const count = new Map<string, number>(); // key id → paths holding it
  const spans = new Map<string, BranchSpan>();
  for await (const commit of streamLog(args, context)) {
    const touched = new Map<string, string>(); // key id → a path that changed it in this commit
    const before = new Map<string, number>();
    const adjust = (oid: string | undefined, path: string, delta: number) => {
      for (const id of (oid && keysOfBlob.get(oid)) || []) {
        if (!before.has(id)) before.set(id, count.get(id) ?? 0);
        count.set(id, (count.get(id) ?? 0) + delta);
        touched.set(id, path);
      }
    };
    for (const entry of commit.entries) {
      const old = holder.get(entry.path);
      const now = keysOfBlob.has(entry.oid) ? entry.oid : undefined;
      if (old === now) continue;
      adjust(old, entry.path, -1);
      adjust(now, entry.path, +1);
      if (now) holder.set(entry.path, now);
      else holder.delete(entry.path);
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
