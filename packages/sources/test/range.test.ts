import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, GIT_ENV, tempDir, type TempRepo, Scratch } from '@keyward/test-utils';
import { parseRange, rangeSource, sinceRange } from '../src/range.js';
import { SourceError } from '../src/errors.js';
import { addedText, collect, ENV, findSecrets, LARGE_FILLER } from './helpers.js';

const KEY_A = fakeKey('openai-project', 201);
const KEY_B = fakeKey('openai-svcacct', 202);
const KEY_C = fakeKey('groq', 203);

const scratch = new Scratch();
afterEach(() => scratch.clear());
const range = (r: TempRepo | string, text: string, extra = {}) =>
  rangeSource({ cwd: typeof r === 'string' ? r : r.dir, env: ENV, range: text, ...extra });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('parseRange', () => {
  it('accepts A..B, A...B and an empty side (HEAD)', () => {
    expect(parseRange('main..feature')).toMatchObject({ from: 'main', to: 'feature' });
    expect(parseRange('HEAD~3..HEAD')).toMatchObject({ from: 'HEAD~3', to: 'HEAD' });
    expect(parseRange('origin/main...HEAD')).toMatchObject({ from: 'origin/main', to: 'HEAD' });
    expect(parseRange('v1.0..')).toMatchObject({ from: 'v1.0', to: 'HEAD' });
    expect(parseRange('..topic')).toMatchObject({ from: 'HEAD', to: 'topic' });
    expect(sinceRange('v1.0')).toMatchObject({ from: 'v1.0', to: 'HEAD', text: 'v1.0..HEAD' });
  });

  it.each(['HEAD', '..', '...', 'a b..c', '--output=x..HEAD', 'a..b..c', 'a..-x', 'a\n..b', ''])(
    'rejects %j as E_RANGE_SYNTAX',
    (text) => {
      expect(() => parseRange(text)).toThrow(SourceError);
      expect(() => parseRange(text)).toThrow(expect.objectContaining({ code: 'E_RANGE_SYNTAX' }));
    },
  );

  it('rejects a bad --since revision, and the source factory checks syntax at once', () => {
    expect(() => sinceRange('-x')).toThrow(expect.objectContaining({ code: 'E_RANGE_SYNTAX' }));
    expect(() => rangeSource({ cwd: '.', range: 'nope' })).toThrow(
      expect.objectContaining({ code: 'E_RANGE_SYNTAX' }),
    );
  });
});

describe('rangeSource', () => {
  it('finds a key added in one commit and removed in the next, attributed to its commit', async () => {
    const r = scratch.repo();
    const base = r.commit('base', { 'README.md': 'hi\n' });
    const added = r.commit(
      'add key',
      { 'config.env': `A=1\nOPENAI_API_KEY=${KEY_A}\n` },
      '2026-02-03T04:05:06Z',
    );
    const head = r.commit('remove key', { 'config.env': 'A=1\n' });
    const source = range(r, `${base}..${head}`);
    const items = await collect(source);
    expect(items).toEqual([
      expect.objectContaining({
        path: 'config.env',
        commit: added,
        author: 'Ada Tester',
        date: '2026-02-03T04:05:06+00:00',
        addedLines: [[1, 2]],
      }),
    ]);
    expect(source.stats().commits).toBe(2);
    expect(source.describe).toBe(`${base.slice(0, 12)}..${head.slice(0, 12)} (2 commits)`);
  });

  it('--since <rev> scans <rev>..HEAD; an empty range scans nothing', async () => {
    const r = scratch.repo();
    const base = r.commit('base', { 'a.txt': 'a\n' });
    r.commit('key', { 'b.txt': `${KEY_B}\n` });
    const since = rangeSource({ cwd: r.dir, env: ENV, since: base });
    expect((await collect(since)).map((i) => i.path)).toEqual(['b.txt']);
    const empty = range(r, 'HEAD..HEAD');
    expect(await collect(empty)).toEqual([]);
    expect(empty.stats().commits).toBe(0);
  });

  it('marks only added lines of modified files, and nothing for a pure rename', async () => {
    const r = scratch.repo();
    const base = r.commit('base', { 'keys.txt': `old=${KEY_A}\n${'filler line\n'.repeat(30)}` });
    const edit = r.commit('edit', {
      'keys.txt': `old=${KEY_A}\n${'filler line\n'.repeat(30)}new=${KEY_B}\n`,
    });
    r.git('mv', 'keys.txt', 'renamed.txt');
    const rename = r.commit('rename');
    const items = await collect(range(r, `${base}..HEAD`));
    expect(items.map((i) => [i.commit, i.path, addedText(i)])).toEqual([
      [edit, 'keys.txt', [`new=${KEY_B}`]],
    ]);
    expect(rename).not.toBe(edit);
  });

  it('finds a key in a renamed file that was edited while moving', async () => {
    const r = scratch.repo();
    const body = 'line\n'.repeat(40);
    const base = r.commit('base', { 'old/name.txt': body });
    r.git('mv', 'old/name.txt', 'new-name.txt');
    r.write({ 'new-name.txt': `${body}token=${KEY_C}\n` });
    r.git('add', 'new-name.txt');
    const moved = r.commit('move and add');
    const items = await collect(range(r, `${base}..HEAD`));
    expect(items.map((i) => [i.commit, i.path, addedText(i)])).toEqual([
      [moved, 'new-name.txt', [`token=${KEY_C}`]],
    ]);
  });

  it('attributes a key added while resolving a merge conflict to the merge, and branch lines to the branch', async () => {
    const r = scratch.repo();
    const base = r.commit('base', { 'f.txt': 'top\nmiddle\nbottom\n' });
    r.git('checkout', '-q', '-b', 'side');
    const sideCommit = r.commit('side', { 'f.txt': `top\nside\nbottom\n`, 'side.txt': `s=${KEY_C}\n` });
    r.git('checkout', '-q', 'main');
    r.commit('main', { 'f.txt': 'top\nmain\nbottom\n' });
    expect(() => r.git('merge', '-q', 'side')).toThrow(); // conflict
    r.write({ 'f.txt': `top\nmain\nside\nresolved=${KEY_A}\nbottom\n` });
    r.git('add', 'f.txt');
    const merge = r.commit('merge side');
    const items = await collect(range(r, `${base}..${merge}`));
    const byCommit = items.map((i) => [i.commit, i.path, addedText(i)]);
    expect(byCommit).toContainEqual([merge, 'f.txt', [`resolved=${KEY_A}`]]);
    expect(byCommit).toContainEqual([sideCommit, 'side.txt', [`s=${KEY_C}`]]);
    // side.txt came in unchanged from the branch: the merge adds nothing there.
    expect(byCommit.filter(([commit, path]) => commit === merge && path === 'side.txt')).toEqual([]);
  });

  it('skips ignored paths, counted', async () => {
    const r = scratch.repo();
    const base = r.commit('base');
    r.commit('keys', { 'fixtures/k.txt': `${KEY_A}\n`, 'app.txt': `${KEY_B}\n` });
    const source = range(r, `${base}..HEAD`, { ignore: (path: string) => path.startsWith('fixtures/') });
    expect((await collect(source)).map((i) => i.path)).toEqual(['app.txt']);
    expect(source.stats().skipped.ignored).toBe(1);
  });

  it('skips binary blobs and blobs over the cap, counted', async () => {
    const r = scratch.repo();
    const base = r.commit('base');
    r.commit('blobs', {
      'bin.dat': Buffer.concat([Buffer.from([0, 0, 1]), Buffer.from(KEY_A)]),
      'big.txt': `${'y'.repeat(3000)}\n${KEY_B}\n`,
      'ok.txt': `${KEY_C}\n`,
    });
    const source = range(r, `${base}..HEAD`, { maxBlobSize: 2000 });
    expect((await collect(source)).map((i) => i.path)).toEqual(['ok.txt']);
    expect(source.stats().skipped).toMatchObject({ binary: 1, tooLarge: 1 });
  });

  it('exits 3 (E_RANGE_UNRESOLVED) for a revision that cannot be resolved', async () => {
    const r = scratch.repo();
    r.commit('base', { 'a.txt': 'a\n' });
    const error = await failure(collect(range(r, 'no-such-branch..HEAD')));
    expect(error).toMatchObject({ code: 'E_RANGE_UNRESOLVED', data: { rev: 'no-such-branch', shallow: '' } });
  });

  it('says the repository has no commits (E_RANGE_NO_COMMITS), not that history is missing', async () => {
    const r = scratch.repo();
    for (const spec of ['HEAD..HEAD', 'HEAD~1..HEAD']) {
      const error = await failure(collect(range(r, spec)));
      expect(error).toMatchObject({ code: 'E_RANGE_NO_COMMITS', data: { range: spec } });
    }
  });

  describe('shallow clones', () => {
    function origin(): { r: TempRepo; commits: string[] } {
      const r = scratch.repo();
      const commits = [r.commit('m1', { 'a.txt': '1\n' })];
      r.git('branch', 'old');
      for (let i = 2; i <= 5; i++)
        commits.push(r.commit(`m${i}`, { 'a.txt': `${i}\n`, [`f${i}.txt`]: `${KEY_A}${i}\n` }));
      return { r, commits };
    }
    function clone(source: TempRepo, ...args: string[]): string {
      const dir = join(tempDir(), 'clone');
      scratch.add(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
      execFileSync('git', ['clone', '-q', ...args, `file://${source.dir}`, dir], {
        env: { ...process.env, ...GIT_ENV },
        stdio: 'ignore',
      });
      return dir;
    }

    it('says the clone is shallow when a revision is beyond its boundary', async () => {
      const { r } = origin();
      const dir = clone(r, '--depth=1');
      const error = await failure(collect(range(dir, 'HEAD~3..HEAD')));
      expect(error).toMatchObject({
        code: 'E_RANGE_UNRESOLVED',
        data: { rev: 'HEAD~3', shallow: ' (the clone is shallow)' },
      });
    });

    it('fails (E_RANGE_SHALLOW) when the walk reaches the boundary instead of the base', async () => {
      const { r } = origin();
      const dir = clone(r, '--depth=2', '--no-single-branch');
      const error = await failure(collect(range(dir, 'origin/old..HEAD')));
      expect(error).toBeInstanceOf(SourceError);
      expect(error).toMatchObject({ code: 'E_RANGE_SHALLOW', data: { range: 'origin/old..HEAD' } });
    });

    it('scans a range that lies within the shallow history', async () => {
      const { r, commits } = origin();
      const dir = clone(r, '--depth=3');
      const items = await collect(range(dir, 'HEAD~1..HEAD'));
      expect(items.map((i) => [i.commit, i.path])).toEqual([
        [commits[4], 'a.txt'],
        [commits[4], 'f5.txt'],
      ]);
    });
  });

  it('fails with E_NOT_A_REPO outside a repository', async () => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    expect(await failure(collect(range(dir, 'a..b')))).toMatchObject({ code: 'E_NOT_A_REPO' });
  });
});

describe('rangeSource on a store with missing blobs', () => {
  /** base; `add` adds a.env (KEY_A) and b.env (KEY_B) and edits c.txt; the blobs named are then removed. */
  function broken(lose: (r: TempRepo) => string[]) {
    const r = scratch.repo();
    const base = r.commit('base', { 'c.txt': 'one\n' });
    const add = r.commit('add', {
      'a.env': `A=${KEY_A}\n`,
      'b.env': `B=${KEY_B}\n`,
      'c.txt': `one\nC=${KEY_C}\n`,
    });
    const lost = lose(r);
    for (const blob of lost) rmSync(join(r.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    return { r, base, add, lost };
  }

  it('scans a large modified file whole and keeps only the keys its commit adds (diffed in resolve)', async () => {
    const r = scratch.repo();
    const base = r.commit('base', { 'lock.json': `OLD=${KEY_A}\n${LARGE_FILLER}\n`, 'a.env': 'A=1\n' });
    const head = r.commit('update', {
      'lock.json': `OLD=${KEY_A}\n${LARGE_FILLER}\nNEW=${KEY_B}\n`,
      'a.env': `A=1\nC=${KEY_C}\n`,
    });
    const source = range(r, `${base}..${head}`);
    const items = await collect(source);
    expect(items.map((i) => [i.path, i.addedLines, i.commit])).toEqual([
      ['a.env', [[2, 2]], head],
      ['lock.json', undefined, head], // whole: its lines are worked out only if it has findings
    ]);
    const findings = findSecrets(items, [KEY_A, KEY_B, KEY_C]).map((f) => ({ ...f, commit: head }));
    const kept = await source.resolve!(findings);
    expect(kept.map((f) => [f.path, f.line])).toEqual([
      ['a.env', 2],
      ['lock.json', 9002],
    ]);
  });

  it('scans every blob present and names the missing one with its path and commit', async () => {
    const { r, base, add, lost } = broken((r) => [r.git('rev-parse', 'HEAD:b.env')]);
    const source = range(r, `${base}..HEAD`);
    const items = await collect(source);
    expect(items.map((i) => [i.path, addedText(i)])).toEqual([
      ['a.env', [`A=${KEY_A}`]],
      ['c.txt', [`C=${KEY_C}`]],
    ]);
    expect(source.stats()).toMatchObject({
      incomplete: true,
      missing: {
        ids: lost,
        places: [{ id: lost[0], path: 'b.env', commit: add }],
        count: 1,
        reason: `1 blob is missing, e.g. ${lost[0]!.slice(0, 12)} (b.env in ${add.slice(0, 12)})`,
      },
    });
  });

  it('a missing base counts every line of the new blob as added (never miss a key)', async () => {
    const { r, base, lost } = broken((r) => [r.git('rev-parse', 'HEAD~1:c.txt')]);
    const source = range(r, `${base}..HEAD`);
    const items = await collect(source);
    expect(items.find((i) => i.path === 'c.txt')).toBeDefined();
    expect(addedText(items.find((i) => i.path === 'c.txt')!)).toEqual(['one', `C=${KEY_C}`]);
    expect(source.stats().missing).toMatchObject({ ids: lost, count: 1 });
  });

  it('with requireComplete, fails as before', async () => {
    const { r, base, add, lost } = broken((r) => [r.git('rev-parse', 'HEAD:b.env')]);
    const error = await failure(collect(range(r, `${base}..HEAD`, { requireComplete: true })));
    expect(error).toMatchObject({
      code: 'E_HISTORY_INCOMPLETE',
      data: { reason: `blob ${lost[0]} (b.env in ${add.slice(0, 12)}) is missing` },
    });
  });
});
