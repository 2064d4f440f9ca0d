import type { ContentItem } from '@keyward/core';
import { newSourceStats, type ScanSource } from './source.js';
import { SourceError } from './errors.js';
import { commitItems, type CommitWalk } from './git/commits.js';
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
 * The commits a push sends: for each updated ref, the commits of `<local sha>` the remote does not have:
 * `<remote sha>..<local sha>`; for a new branch (or a remote sha we do not have), `<local sha> --not
 * --remotes=<remote>` (every remote-tracking ref when the remote has none, e.g. a push to a URL), never the
 * whole history from the root. Deletions send nothing.
 */
export function prePushSource(options: PrePushOptions): ScanSource {
  const stats = newSourceStats();
  const updates = parsePrePushInput(options.stdinLines);
  let describe: string | undefined;

  async function* items(): AsyncGenerator<ContentItem> {
    const pushed = updates.filter((u) => !isZeroOid(u.localOid));
    if (pushed.length === 0) {
      describe = updates.length === 0 ? 'nothing to push' : 'deletions only';
      return;
    }
    const query = new RepoQuery(options);
    const boundary = (await query.isShallow()) ? await shallowCommits(query) : undefined;
    const walks: CommitWalk[] = [];
    const labels: string[] = [];
    for (const update of pushed) {
      const { revs, label } = await walkFor(update, options.remote, query);
      walks.push({ revs, label, ...(boundary ? { shallow: boundary } : {}) });
      labels.push(label);
    }
    let bytes = 0;
    for await (const item of commitItems(walks, options, stats, () =>
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
    stats: () => stats,
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
