import type { ContentItem } from '@keyward/core';
import { newSourceStats, type ScanSource } from './source.js';
import { SourceError } from './errors.js';
import { commitItems, type CommitWalk } from './git/commits.js';
import { LaterDiffs } from './git/later-diffs.js';
import type { GitContext } from './git/exec.js';
import { RepoQuery } from './git/query.js';
import { isZeroOid } from './git/raw.js';
import { shallowCommits } from './range.js';
import type { ProgressListener } from './progress.js';

/** One line of git's pre-push input. */
export interface PushUpdate {
  localRef: string;
  localOid: string;
  remoteRef: string;
  remoteOid: string;
}

export interface PrePushOptions extends GitContext {
  /** The remote's name as the hook gets it (`$1`); may be a URL when pushing to one directly. */
  remote?: string;
  /** git's stdin for the hook: one update a line. */
  stdinLines: string | string[];
  /**
   * What the pre-commit framework says is pushed (preCommitPush()): scanned when stdinLines hold no
   * update, since the framework reads git's lines itself and gives its hooks an empty stdin.
   */
  preCommit?: PreCommitPush;
  maxBlobSize?: number;
  /** Repository-relative paths not to scan (config `ignorePaths`, `.keywardignore`), counted as ignored. */
  ignore?: (path: string) => boolean;
  onProgress?: ProgressListener;
}

const LINE = /^(\S+) ([0-9a-fA-F]{40}|[0-9a-fA-F]{64}) (\S+) ([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

/** Parses `<local ref> <local sha> <remote ref> <remote sha>` lines (SHA-1 or SHA-256; blank lines skipped). */
export function parsePrePushInput(input: string | string[]): PushUpdate[] {
  const lines = typeof input === 'string' ? input.split('\n') : input;
  const updates: PushUpdate[] = [];
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') return;
    const match = LINE.exec(line);
    // The line itself is never echoed: a stray paste could hold anything.
    if (!match) throw new SourceError('E_PRE_PUSH_INPUT', { number: index + 1 });
    const [, localRef = '', localOid = '', remoteRef = '', remoteOid = ''] = match;
    updates.push({
      localRef,
      localOid: localOid.toLowerCase(),
      remoteRef,
      remoteOid: remoteOid.toLowerCase(),
    });
  });
  return updates;
}

/**
 * The pre-commit framework's account of a push. Its pre-push hook reads git's stdin itself, picks the first
 * ref that sends something, and exports it to the hooks it runs: PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF when
 * it knows a base (the remote's sha, or the parent of the first commit the remote lacks), otherwise (a push
 * that starts at a root commit) only PRE_COMMIT_LOCAL_BRANCH, PRE_COMMIT_REMOTE_BRANCH and
 * PRE_COMMIT_REMOTE_NAME. `pre-commit run --from-ref A --to-ref B` sets the first pair by hand.
 */
export interface PreCommitPush {
  /** The commits `from..to` (both given, or neither). */
  from?: string;
  to?: string;
  localBranch?: string;
  remoteBranch?: string;
  remoteName?: string;
}

/** The pre-commit framework's pushed refs from the environment, or undefined when it names none. */
export function preCommitPush(env: Record<string, string | undefined>): PreCommitPush | undefined {
  const value = (name: string) => {
    const text = env[name];
    return text === undefined || text === '' ? undefined : text;
  };
  const from = value('PRE_COMMIT_FROM_REF');
  const to = value('PRE_COMMIT_TO_REF');
  const localBranch = value('PRE_COMMIT_LOCAL_BRANCH');
  if ((from === undefined || to === undefined) && localBranch === undefined) return undefined;
  const push: PreCommitPush = from !== undefined && to !== undefined ? { from, to } : {};
  const remoteBranch = value('PRE_COMMIT_REMOTE_BRANCH');
  const remoteName = value('PRE_COMMIT_REMOTE_NAME');
  if (localBranch !== undefined) push.localBranch = localBranch;
  if (remoteBranch !== undefined) push.remoteBranch = remoteBranch;
  if (remoteName !== undefined) push.remoteName = remoteName;
  return push;
}

/**
 * The commits a push sends: for each updated ref, the commits of `<local sha>` the remote does not have:
 * `<remote sha>..<local sha>`; for a new branch (or a remote sha we do not have), `<local sha> --not
 * --remotes=<remote>` (every remote-tracking ref when the remote has none, e.g. a push to a URL), never the
 * whole history from the root. Deletions send nothing.
 */
export function prePushSource(options: PrePushOptions): ScanSource {
  const stats = newSourceStats();
  const later = new LaterDiffs(options, options.maxBlobSize ?? Number.POSITIVE_INFINITY);
  const lines = parsePrePushInput(options.stdinLines);
  // git's own lines win; the framework's variables stand in only when it left stdin empty.
  const framework = lines.length === 0 ? options.preCommit : undefined;
  const remote = framework ? (options.remote ?? framework.remoteName) : options.remote;
  let describe: string | undefined;

  async function* items(): AsyncGenerator<ContentItem> {
    const query = new RepoQuery(options);
    const updates = framework ? [await frameworkUpdate(framework, query)] : lines;
    const pushed = updates.filter((u) => !isZeroOid(u.localOid));
    if (pushed.length === 0) {
      describe = updates.length === 0 ? 'nothing to push' : 'deletions only';
      return;
    }
    const boundary = (await query.isShallow()) ? await shallowCommits(query) : undefined;
    const walks: CommitWalk[] = [];
    const labels: string[] = [];
    for (const update of pushed) {
      const { revs, label } = await walkFor(update, remote, query);
      walks.push({ revs, label, ...(boundary ? { shallow: boundary } : {}) });
      labels.push(label);
    }
    let bytes = 0;
    for await (const item of commitItems(walks, { ...options, later }, stats, () =>
      options.onProgress?.({ unit: 'commits', done: stats.commits, bytes }),
    )) {
      bytes += item.bytes.length;
      yield item;
    }
    describe = `${labels.join(', ')} (${stats.commits} commit${stats.commits === 1 ? '' : 's'})`;
  }

  return {
    mode: 'pre-push',
    get describe() {
      return describe;
    },
    items,
    resolve: (findings) => later.keepAdded(findings),
    stats: () => stats,
  };
}

/**
 * The framework's push as one of git's update lines: `<to> <from>` when it names a base (so the walk is
 * exactly `from..to`, as `--range` would scan), else the local branch as a new branch, which scans what no
 * remote-tracking ref of the remote has. A revision that does not resolve fails as a range or a ref would.
 */
async function frameworkUpdate(push: PreCommitPush, query: RepoQuery): Promise<PushUpdate> {
  if (push.from !== undefined && push.to !== undefined) {
    const [from, to] = await Promise.all([query.commitOf(push.from), query.commitOf(push.to)]);
    for (const [rev, oid] of [
      [push.from, from],
      [push.to, to],
    ] as const) {
      if (oid === undefined) {
        const shallow = await query.isShallow();
        throw new SourceError('E_RANGE_UNRESOLVED', {
          range: `${push.from}..${push.to}`,
          rev,
          shallow: shallow ? ' (the clone is shallow)' : '',
        });
      }
    }
    return {
      localRef: push.localBranch ?? push.to,
      localOid: to as string,
      remoteRef: push.remoteBranch ?? push.from,
      remoteOid: from as string,
    };
  }
  const localRef = push.localBranch as string;
  const localOid = await query.commitOf(localRef);
  if (localOid === undefined) throw new SourceError('E_REF_UNRESOLVED', { ref: localRef });
  return {
    localRef,
    localOid,
    remoteRef: push.remoteBranch ?? localRef,
    remoteOid: '0'.repeat(localOid.length),
  };
}

async function walkFor(
  update: PushUpdate,
  remote: string | undefined,
  query: RepoQuery,
): Promise<{ revs: string[]; label: string }> {
  const ref = update.remoteRef.replace(/^refs\/heads\//, '');
  if (!isZeroOid(update.remoteOid) && (await query.commitOf(update.remoteOid)) !== undefined) {
    return {
      revs: [update.localOid, `^${update.remoteOid}`],
      label: `${ref} ${update.remoteOid.slice(0, 12)}..${update.localOid.slice(0, 12)}`,
    };
  }
  const named = remote !== undefined && remote !== '' && (await query.hasRefs(`refs/remotes/${remote}/`));
  return {
    revs: [update.localOid, '--not', named ? `--remotes=${remote}` : '--remotes'],
    label: `${ref} (new: ${update.localOid.slice(0, 12)} not on ${named ? remote : 'any remote'})`,
  };
}
