import { StringDecoder } from 'node:string_decoder';
import { startGit, type GitContext } from '../git/exec.js';
import { CompactWalk } from './compact-walk.js';
import { MISSING_KEPT, RawWalk, type Walked } from './walked.js';
import { RawPace } from './raw-pace.js';
import type { WalkUntil } from './walk-until.js';

/** What the walk asks for: revisions (`--all`, commit ids), and refs `--all` must leave to `aside`. */
export interface WalkRefs {
  revs: string[];
  /** Refs naming no commit, even through tags (a tag on a blob or a tree): walked apart, by name. */
  aside?: string[];
  /** The same refs with the object each names, `<name> <id>` (allRefs gives them; an incremental audit compares them). */
  asideIds?: string[];
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
 * git's reading already filled. A longer output is parsed as it comes (its scan takes seconds anyway)
 * and kept compactly (CompactWalk: an id a blob and where each commit starts, no paths; issue 18).
 *
 * With `until`, a walk stops once it has met the blobs `until` is asked about, and says it is `partial`:
 * it then names no missing object (see WalkUntil). A walk kept raw is searched for them as it comes
 * (RawPace), a parsed one parses them.
 */
/**
 * `git rev-list <flags>` over the refs: options such as `--all` stay in argv (older git reads only
 * revisions from stdin), ids go on stdin (stash entries can be many), and refs naming no commit are
 * excluded from `--all` (the walk reaches them apart). `aside`: list those refs on stdin too, for a pass
 * that must cover what they hold.
 */
export function revListOver(
  refs: WalkRefs,
  flags: string[],
  options: { aside?: boolean } = {},
): { args: string[]; input: string[] } {
  const aside = refs.aside ?? [];
  const args = [
    'rev-list',
    ...flags,
    ...aside.map((ref) => `--exclude=${ref}`),
    ...refs.revs.filter((rev) => rev.startsWith('-')),
    '--stdin',
  ];
  const input = refs.revs.filter((rev) => !rev.startsWith('-'));
  return { args, input: options.aside ? [...input, ...aside] : input };
}

export async function walkReachable(
  context: GitContext,
  refs: WalkRefs,
  options: { rawUpTo?: number; asideWalked?: boolean; until?: WalkUntil } = {},
): Promise<Walked> {
  const until = options.until;
  const flags = [
    '--objects',
    '--in-commit-order',
    '--date-order',
    '--reverse',
    '--format=%H',
    '--missing=print',
  ];
  const { args, input } = revListOver(refs, flags);
  const again = { args, input };
  // Made on the first line parsed: an output kept raw never needs it.
  let parsed: CompactWalk | undefined;
  const reach = (): CompactWalk => (parsed ??= parseStarts(new CompactWalk(context, again)));
  const parseStarts = (walk: CompactWalk) => {
    until?.parsing((wanted) => walk.forgetMet(wanted));
    return walk;
  };
  const missed = (line: string) => reach().addMissing(line.slice(1), MISSING_KEPT);

  // Refs to blobs or trees first: what they alone reach has no commit (a commit's tree wins later).
  // `asideWalked`: they name what they named when an audit this one continues walked them.
  const aside = options.asideWalked ? [] : (refs.aside ?? []);
  if (aside.length > 0) {
    const asideArgs = ['rev-list', '--objects', '--missing=print', '--stdin'];
    await streamLines(asideArgs, context, aside, (line) => {
      if (line.startsWith('?')) return missed(line);
      const space = line.indexOf(' ');
      reach().addLoose(space === -1 ? line : line.slice(0, space), space === -1 ? '' : line.slice(space + 1));
    });
  }

  let commitId = '';
  // Trees are printed too, with no type: an object whose next line lies inside its path is a tree, not
  // kept (a third of git.git's objects). A new tree whose entries were all met before looks like a blob
  // and is kept: only memory.
  let held: { oid: string; path: string } | undefined;
  const settle = (next: string | undefined) => {
    if (held && (next === undefined || !next.startsWith(`${held.path}/`))) {
      reach().addObject(held.oid);
      until?.met(held.oid);
    }
    held = undefined;
  };
  const take = (line: string) => {
    if (line.startsWith('commit ')) {
      settle(undefined);
      commitId = line.slice(7);
      reach().addCommit(commitId);
      until?.metCommit();
      return;
    }
    if (line.startsWith('?')) return missed(line);
    const space = line.indexOf(' ');
    // The commit's own line again (the format), or a tag's target named without a path.
    if (space === -1) {
      if (line !== commitId) reach().addLoose(line, '');
      return;
    }
    const path = line.slice(space + 1);
    settle(path);
    // The root tree has no path: never a blob.
    if (path !== '') held = { oid: line.slice(0, space), path };
  };
  const rawUpTo = aside.length > 0 ? undefined : options.rawUpTo;
  const { raw, stopped } = await streamLines(args, context, input, take, rawUpTo, until);
  if (raw) return new RawWalk(raw, stopped);
  if (stopped) {
    const walk = reach();
    walk.partial = true;
    return walk;
  }
  settle(undefined);
  return reach();
}

/**
 * Runs git with `input` lines on stdin and hands each line of its output to `take`; throws if git failed.
 * With `rawUpTo`, an output that stays within that many bytes is not split at all but returned whole.
 * With `until`, a line (a chunk, kept raw) after which the walk has met every blob it was told of goes
 * through its gate (which may wait, leaving git blocked on the full pipe); once its signal is aborted git
 * is stopped and no further line is taken (kept raw: the whole lines so far are returned).
 */
async function streamLines(
  args: string[],
  context: GitContext,
  input: string[],
  take: (line: string) => void,
  rawUpTo?: number,
  until?: WalkUntil,
): Promise<{ raw?: Buffer; stopped: boolean }> {
  const { child, exited, finished } = startGit(args, context, input.map((line) => `${line}\n`).join(''));
  const decoder = new StringDecoder('utf8');
  let rest = '';
  /** Takes the chunk's lines; false once `until` has stopped the walk. */
  const split = async (chunk: Buffer): Promise<boolean> => {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line !== '') take(line);
      if (until?.mayWait()) await until.gate();
      if (until?.signal.aborted) return false;
    }
    return true;
  };
  const stopped = async () => {
    child.kill();
    await exited.catch(() => {});
    return { stopped: true };
  };
  let kept: Buffer[] | undefined = rawUpTo === undefined ? undefined : [];
  // Kept raw, the output is searched for what the walk must meet rather than parsed (RawPace).
  const pace = kept && until ? new RawPace(until, kept) : undefined;
  let size = 0;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    if (kept === undefined) {
      if (!(await split(chunk))) return stopped();
      continue;
    }
    kept.push(chunk);
    size += chunk.length;
    if (size <= rawUpTo!) {
      if (pace && !(await pace.take(chunk))) {
        const raw = RawPace.answered(kept);
        // Returned unawaited, as below: git's exit is seen only once the loop has let go of its output.
        return stopped().then((result) => ({ ...result, raw }));
      }
      continue;
    }
    const all = kept;
    kept = undefined;
    for (const one of all) if (!(await split(one))) return stopped();
  }
  await finished();
  if (kept !== undefined) return { raw: Buffer.concat(kept), stopped: false };
  rest += decoder.end();
  if (rest !== '') take(rest);
  return { stopped: false };
}
