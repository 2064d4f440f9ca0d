import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type TempRepo } from '@keyward/test-utils';
import { walkReachable } from '../src/history/reachable.js';
import { RawWalk, type Walked } from '../src/history/walked.js';
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

const answers = (walked: Walked, oid: string) => ({
  reaches: walked.reaches(oid),
  origin: walked.originOf(oid),
  path: walked.pathOf(oid),
});

describe('the reachability walk, raw or parsed', () => {
  it('gives the same answers whether its output is kept raw, parsed as it comes, or parsed past the cap', async () => {
    const context = { cwd: repo.dir, env: ENV };
    const refs = { revs: ['--all'] };
    const raw = await walkReachable(context, refs, { rawUpTo: 1 << 20 });
    const parsed = await walkReachable(context, refs);
    const overflowed = await walkReachable(context, refs, { rawUpTo: 100 });
    expect(raw).toBeInstanceOf(RawWalk);
    expect(parsed).not.toBeInstanceOf(RawWalk);
    expect(overflowed).not.toBeInstanceOf(RawWalk);
    const absent = 'f'.repeat(40);
    for (const oid of [...objects, ...commits, absent]) {
      expect(answers(raw, oid), oid).toEqual(answers(parsed, oid));
      expect(answers(overflowed, oid), oid).toEqual(answers(parsed, oid));
    }
    // Spot checks against git itself: the first commit introduced a.txt's first blob, the rename's
    // blob keeps its old path (it was met there first), and a path with a space survives.
    const first = repo.git('rev-list', '--max-parents=0', 'HEAD');
    expect(raw.originOf(repo.git('rev-parse', 'HEAD:a.txt'))).toEqual({ commit: first, path: 'a.txt' });
    expect(raw.pathOf(repo.git('rev-parse', 'HEAD:dir/moved.txt'))).toBe('dir/b.txt');
    expect(raw.pathOf(repo.git('rev-parse', 'HEAD:d e.txt'))).toBe('d e.txt');
    expect(raw.reaches(absent)).toBe(false);
    expect(raw.missingCount).toBe(0);
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
});
