import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type TempRepo } from '@keyward/test-utils';
import { walkReachable } from '../src/history/reachable.js';
import { RawWalk, type Walked } from '../src/history/walked.js';
import { CompactWalk } from '../src/history/compact-walk.js';
import { ENV } from './helpers.js';

let repo: TempRepo;
let objects: string[];
let commits: string[];

beforeAll(() => {
  repo = createRepo();
  repo.commit('one', { 'a.txt': 'a1\n', 'dir/b.txt': 'b1\n', 'dir/sub/c.txt': 'c1\n' });
  repo.commit('two', { 'a.txt': 'a2\n', 'd e.txt': 'with a space\n' });
  repo.git('mv', 'dir/b.txt', 'dir/moved.txt');
  repo.commit('rename');
  repo.git('checkout', '-q', '-b', 'side');
  repo.commit('side', { 'side.txt': 'side only\n', 'dir/sub/c.txt': 'c2\n' });
  repo.git('checkout', '-q', 'main');
  repo.commit('three', { 'a.txt': 'a1\n' }); // back to an old blob: its origin stays the first commit
  // Blobs (what findings are in) and commits: a tree the parsed walk drops once it sees its entries.
  objects = repo
    .git('cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectname)')
    .split('\n')
    .filter((line) => line.startsWith('blob '))
    .map((line) => line.slice(5));
  commits = repo.git('rev-list', '--all').split('\n');
});
afterAll(() => repo.cleanup());

/** Every answer for every object, asked all at once (as resolve asks) and one by one. */
async function answers(walked: Walked, oids: string[]) {
  const all = await walked.locate(oids);
  for (const oid of oids)
    expect(await walked.locate([oid]), oid).toEqual(new Map(all.has(oid) ? [[oid, all.get(oid)]] : []));
  return all;
}

describe('the reachability walk, raw or parsed', () => {
  it('gives the same answers whether its output is kept raw, parsed as it comes, or parsed past the cap', async () => {
    const context = { cwd: repo.dir, env: ENV };
    const refs = { revs: ['--all'] };
    const raw = await walkReachable(context, refs, { rawUpTo: 1 << 20 });
    const parsed = await walkReachable(context, refs);
    const overflowed = await walkReachable(context, refs, { rawUpTo: 100 });
    expect(raw).toBeInstanceOf(RawWalk);
    expect(parsed).toBeInstanceOf(CompactWalk);
    expect(overflowed).toBeInstanceOf(CompactWalk);
    const absent = 'f'.repeat(40);
    const asked = [...objects, ...commits, absent];
    const expected = await answers(raw, asked);
    expect(await answers(parsed, asked)).toEqual(expected);
    expect(await answers(overflowed, asked)).toEqual(expected);
    // Every blob and commit reached; a commit has no place, a blob its commit and path.
    expect(expected.size).toBe(objects.length + commits.length);
    for (const commit of commits) expect(expected.get(commit)).toEqual({});
    // Spot checks against git itself: the first commit introduced a.txt's first blob, the rename's
    // blob keeps its old path (it was met there first), and a path with a space survives.
    const first = repo.git('rev-list', '--max-parents=0', 'HEAD');
    expect(expected.get(repo.git('rev-parse', 'HEAD:a.txt'))).toEqual({ commit: first, path: 'a.txt' });
    expect(expected.get(repo.git('rev-parse', 'HEAD:dir/moved.txt'))?.path).toBe('dir/b.txt');
    expect(expected.get(repo.git('rev-parse', 'HEAD:d e.txt'))?.path).toBe('d e.txt');
    expect(expected.has(absent)).toBe(false);
    expect(raw.missingCount).toBe(0);
    expect(parsed.missingCount).toBe(0);
    // Asking about every object in the store, as the listing of a --branch audit does.
    for (const walked of [raw, parsed]) {
      const reaches = walked.membership();
      expect(asked.filter(reaches)).toEqual([...objects, ...commits]);
    }
  });

  it('answers many reachability questions from one index, as it does a few by search', async () => {
    const raw = await walkReachable({ cwd: repo.dir, env: ENV }, { revs: ['--all'] }, { rawUpTo: 1 << 20 });
    const asked = Array.from({ length: 10 }, () => [...objects, ...commits]).flat();
    expect(asked.length).toBeGreaterThan(64);
    expect(asked.every((oid) => raw.reaches(oid))).toBe(true);
    expect(raw.reaches('0'.repeat(40))).toBe(false);
  });

  it('counts the objects the walk could not find, wherever their lines are', () => {
    const id = (c: string) => c.repeat(40);
    const output = [
      `?${id('1')}`,
      `commit ${id('a')}`,
      id('a'),
      `${id('b')} `,
      `?${id('2')}`,
      `${id('c')} x.txt`,
    ];
    const walked = new RawWalk(Buffer.from(`${output.join('\n')}\n`));
    expect(walked.missingCount).toBe(2);
    expect(walked.missing).toEqual([id('1'), id('2')]);
    expect(walked.originOf(id('c'))).toEqual({ commit: id('a'), path: 'x.txt' });
    expect(walked.originOf(id('b'))).toBeUndefined(); // the root tree: no path
    expect(walked.reaches(id('1'))).toBe(false);
  });

  it('finds the paths of blobs from many commits in one more pass, as it does from each commit', async () => {
    // More commits with findings than are worth a walk each (MAX_COMMIT_WALKS): the walk runs again.
    const many = createRepo();
    try {
      for (let i = 0; i < 40; i++)
        many.commit(`c${i}`, { [`d${i % 3}/f${i}.txt`]: `v${i}\n`, 'same.txt': `s${i}\n` });
      const context = { cwd: many.dir, env: ENV };
      const blobs = many
        .git('cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectname)')
        .split('\n')
        .filter((line) => line.startsWith('blob '))
        .map((line) => line.slice(5));
      expect(blobs.length).toBe(80);
      const raw = await walkReachable(context, { revs: ['--all'] }, { rawUpTo: 1 << 20 });
      const compact = await walkReachable(context, { revs: ['--all'] });
      expect(compact).toBeInstanceOf(CompactWalk);
      const expected = await raw.locate(blobs);
      expect(expected.size).toBe(80);
      expect(await compact.locate(blobs)).toEqual(expected);
      // Past 64 objects the raw walk answers in one pass over its lines: the same as a search for each.
      for (const blob of blobs)
        expect(await raw.locate([blob])).toEqual(new Map([[blob, expected.get(blob)]]));
      const commits = many.git('rev-list', '--all').split('\n');
      const absent = 'e'.repeat(40);
      const mixed = await raw.locate([...commits, ...blobs, absent]);
      expect(mixed.size).toBe(commits.length + blobs.length);
      for (const commit of commits) expect(mixed.get(commit)).toEqual({});
      expect(mixed.has(absent)).toBe(false);
      expect(await compact.locate(blobs.slice(0, 4))).toEqual(
        new Map(blobs.slice(0, 4).map((b) => [b, expected.get(b)])),
      );
    } finally {
      many.cleanup();
    }
  });
});
