import { SourceError } from '../errors.js';
import { runGit, type GitContext } from '../git/exec.js';
import type { RepoQuery } from '../git/query.js';
import type { WalkRefs } from './reachable.js';

/**
 * Every ref (branches, tags, remote-tracking refs, notes, the stash) and every stash entry below the top.
 * Refs that name no commit, even through tags (a tag on a blob or a tree), are set aside: the walk reaches
 * what they hold apart, so that a commit's tree still credits its blobs to it.
 */
export async function allRefs(context: GitContext, query: RepoQuery): Promise<WalkRefs> {
  const listing = await query.raw([
    'for-each-ref',
    '--format=%(refname)%00%(objecttype)%00%(*objecttype)%00%(objectname)',
  ]);
  const revs = ['--all'];
  const aside: string[] = [];
  const ids = new Map<string, string>();
  const nested: string[] = [];
  let stash = false;
  for (const line of listing.split('\n')) {
    const [name = '', type, peeled, id = ''] = line.split('\0');
    if (name === '') continue;
    ids.set(name, id);
    if (name === 'refs/stash') stash = true;
    if (type === 'commit' || (type === 'tag' && peeled === 'commit')) continue;
    if (type === 'tag' && peeled === 'tag') nested.push(name);
    else aside.push(name);
  }
  if (nested.length > 0) {
    // Tags on tags: what they end on, all the way down.
    const result = await runGit(['cat-file', '--batch-check=%(objecttype)'], context, {
      input: nested.map((name) => `${name}^{}\n`).join(''),
    });
    const types = result.stdout.toString('utf8').split('\n');
    nested.forEach((name, i) => types[i] !== 'commit' && aside.push(name));
  }
  if (stash) {
    const stashes = await query.raw(['log', '--walk-reflogs', '--format=%H', 'refs/stash', '--']);
    revs.push(...stashes.split('\n').filter((line) => line.length > 0));
  }
  if (aside.length === 0) return { revs };
  return { revs, aside, asideIds: aside.map((name) => `${name} ${ids.get(name) ?? ''}`).sort() };
}

/** `--branch` names: a branch first, else any revision git knows (a tag, `origin/x`). */
export async function resolveRefs(query: RepoQuery, refs: string[]): Promise<WalkRefs> {
  const out: string[] = [];
  for (const ref of refs) {
    const oid = /^-/.test(ref)
      ? undefined
      : ((await query.commitOf(`refs/heads/${ref}`)) ?? (await query.commitOf(ref)));
    if (oid === undefined) throw new SourceError('E_REF_UNRESOLVED', { ref });
    out.push(oid);
  }
  return { revs: out };
}
