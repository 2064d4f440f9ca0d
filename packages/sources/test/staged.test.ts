import { chmodSync, mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '@keyward/core';
import { fakeKey, tempDir, type TempRepo, Scratch } from '@keyward/test-utils';
import { stagedSource } from '../src/staged.js';
import { DIFF_LATER_BYTES } from '../src/git/later-diffs.js';
import { SourceError } from '../src/errors.js';
import { addedText, collect, ENV, LARGE_FILLER } from './helpers.js';

const KEY_A = fakeKey('openai-project', 101);
const KEY_B = fakeKey('openai-admin', 102);
const KEY_C = fakeKey('anthropic', 103);

const scratch = new Scratch();
afterEach(() => scratch.clear());
const staged = (r: TempRepo, extra: Partial<Parameters<typeof stagedSource>[0]> = {}) =>
  stagedSource({ cwd: r.dir, env: ENV, ...extra });

describe('stagedSource', () => {
  it('yields an added file with every line added', async () => {
    const r = scratch.repo();
    r.commit('base', { 'README.md': 'hello\n' });
    r.write({ 'src/config.ts': `const a = 1;\nconst key = "${KEY_A}";\n` });
    r.git('add', 'src/config.ts');
    const items = await collect(staged(r));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ path: 'src/config.ts', addedLines: [[1, 2]] });
    expect(items[0]?.blobId).toBe(r.git('rev-parse', ':src/config.ts'));
    expect(addedText(items[0]!)).toContain(`const key = "${KEY_A}";`);
  });

  it('marks only the added lines of a modified file (a key already in HEAD is not added)', async () => {
    const r = scratch.repo();
    r.commit('base', { 'app.env': `OLD=${KEY_A}\nA=1\nB=2\n` });
    r.write({ 'app.env': `OLD=${KEY_A}\nA=1\nNEW=${KEY_B}\nB=2\n` });
    r.git('add', 'app.env');
    const [item, ...rest] = await collect(staged(r));
    expect(rest).toEqual([]);
    expect(item?.addedLines).toEqual([[3, 3]]);
    expect(addedText(item!)).toEqual([`NEW=${KEY_B}`]);
    expect(item?.text).toContain(KEY_A); // whole blob given, so allow comments on context lines still work
  });

  it('with deferDiff, scans a modified file whole and keeps only findings on added lines in resolve', async () => {
    const r = scratch.repo();
    r.commit('base', { 'app.env': `OLD=${KEY_A}\nA=1\nB=2\n`, 'same.env': `K=${KEY_C}\n` });
    r.write({ 'app.env': `OLD=${KEY_A}\nA=1\nNEW=${KEY_B}\nB=2\n`, 'new.env': `N=${KEY_C}\n` });
    r.git('add', 'app.env', 'new.env');
    const source = staged(r, { deferDiff: true });
    const items = await collect(source);
    expect(items.map((i) => [i.path, i.addedLines])).toEqual([
      ['app.env', undefined], // whole blob, lines worked out only if it has findings
      ['new.env', [[1, 1]]], // an added file: every line, as without deferDiff
    ]);
    const at = (path: string, line: number) => ({ path, line }) as Finding;
    const findings = [at('app.env', 1), at('app.env', 3), at('new.env', 1), at('elsewhere.env', 9)];
    expect(await source.resolve!(findings)).toEqual([
      at('app.env', 3),
      at('new.env', 1),
      at('elsewhere.env', 9),
    ]);
    expect(await source.resolve!([at('new.env', 1)])).toEqual([at('new.env', 1)]);
  });

  it('scans a large modified file whole and diffs it only for its findings, as deferDiff does', async () => {
    const r = scratch.repo();
    const filler = LARGE_FILLER;
    expect(filler.length).toBeGreaterThan(DIFF_LATER_BYTES);
    r.commit('base', { 'lock.json': `OLD=${KEY_A}\n${filler}\n`, 'small.env': 'A=1\n' });
    r.write({ 'lock.json': `OLD=${KEY_A}\n${filler}\nNEW=${KEY_B}\n`, 'small.env': `A=1\nB=${KEY_C}\n` });
    r.git('add', 'lock.json', 'small.env');
    const source = staged(r);
    const items = await collect(source);
    expect(items.map((i) => [i.path, i.addedLines])).toEqual([
      ['lock.json', undefined], // whole: its lines are worked out only if it has findings
      ['small.env', [[2, 2]]], // small: diffed at once, as before
    ]);
    const at = (path: string, line: number) => ({ path, line }) as Finding;
    expect(await source.resolve!([at('lock.json', 1), at('lock.json', 9002), at('small.env', 2)])).toEqual([
      at('lock.json', 9002),
      at('small.env', 2),
    ]);
  });

  it('reads the index, not the working tree, for partially staged files', async () => {
    const r = scratch.repo();
    r.commit('base', { 'a.txt': 'one\ntwo\n' });
    r.write({ 'a.txt': `one\nstaged=${KEY_A}\ntwo\n` });
    r.git('add', 'a.txt');
    r.write({ 'a.txt': `one\nstaged=${KEY_A}\ntwo\nunstaged=${KEY_B}\n` });
    const [item] = await collect(staged(r));
    expect(item?.text).not.toContain(KEY_B);
    expect(addedText(item!)).toEqual([`staged=${KEY_A}`]);
  });

  it('finds nothing when a key is only in the working tree', async () => {
    const r = scratch.repo();
    r.commit('base', { 'a.txt': 'one\n' });
    r.write({ 'a.txt': `one\n${KEY_A}\n`, 'new.txt': KEY_B });
    expect(await collect(staged(r))).toEqual([]);
  });

  it('skips a pure rename, and marks only new lines of a rename with edits', async () => {
    const r = scratch.repo();
    const body = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    r.commit('base', { 'old.txt': `key=${KEY_A}\nline\n`, 'other.txt': `x=${KEY_C}\n${body}\n` });
    r.git('mv', 'old.txt', 'moved.txt');
    r.git('mv', 'other.txt', 'other-moved.txt');
    r.write({ 'other-moved.txt': `x=${KEY_C}\n${body}\nadded=${KEY_B}\n` });
    r.git('add', 'other-moved.txt');
    const items = await collect(staged(r));
    expect(items.map((i) => i.path)).toEqual(['other-moved.txt']);
    expect(addedText(items[0]!)).toEqual([`added=${KEY_B}`]);
  });

  it('treats a copy as an added file', async () => {
    const r = scratch.repo();
    r.commit('base', { 'a.txt': `key=${KEY_A}\n` });
    r.write({ 'copy.txt': `key=${KEY_A}\n` });
    r.git('add', 'copy.txt');
    const items = await collect(staged(r));
    expect(items).toMatchObject([{ path: 'copy.txt', addedLines: [[1, 1]] }]);
  });

  it('has nothing to scan for deletions and mode changes', async () => {
    const r = scratch.repo();
    r.commit('base', { 'gone.txt': `key=${KEY_A}\n`, 'run.sh': `echo ${KEY_B}\n` });
    r.git('rm', '-q', 'gone.txt');
    chmodSync(join(r.dir, 'run.sh'), 0o755);
    r.git('add', 'run.sh');
    expect(r.git('diff', '--cached', '--name-status')).toContain('M\trun.sh');
    const source = staged(r);
    expect(await collect(source)).toEqual([]);
    expect(source.stats().skipped).toMatchObject({ links: 0, binary: 0 });
  });

  it('skips symlinks and submodules (counted as links) and binary blobs (counted)', async () => {
    const r = scratch.repo();
    r.commit('base', { 'README.md': 'x\n' });
    const sub = scratch.repo();
    sub.commit('sub', { 'file.txt': 'sub\n' });
    r.git('-c', 'protocol.file.allow=always', 'submodule', '--quiet', 'add', sub.dir, 'vendor/sub');
    symlinkSync(KEY_A, join(r.dir, 'link'));
    writeFileSync(join(r.dir, 'blob.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(KEY_B)]));
    r.git('add', 'link', 'blob.bin');
    const source = staged(r);
    const items = await collect(source);
    expect(items.map((i) => i.path)).toEqual(['.gitmodules']);
    expect(source.stats().skipped).toMatchObject({ links: 2, binary: 1 });
  });

  it('scans a file that replaced a symlink (type change) as wholly added', async () => {
    const r = scratch.repo();
    symlinkSync('target', join(r.dir, 'conf'));
    r.git('add', 'conf');
    r.commit('link');
    unlinkSync(join(r.dir, 'conf'));
    r.write({ conf: `target\nkey=${KEY_A}\n` });
    r.git('add', 'conf');
    const items = await collect(staged(r));
    expect(items).toMatchObject([{ path: 'conf', addedLines: [[1, 2]] }]);
  });

  it('works on an empty index and on the first commit of a repository (no HEAD)', async () => {
    const r = scratch.repo();
    expect(await collect(staged(r))).toEqual([]);
    r.write({ 'first.txt': `key=${KEY_A}\n` });
    r.git('add', 'first.txt');
    expect(await collect(staged(r))).toMatchObject([{ path: 'first.txt', addedLines: [[1, 1]] }]);
  });

  it('works in a linked worktree (.git is a file)', async () => {
    const r = scratch.repo();
    r.commit('base', { 'a.txt': 'a\n' });
    const wt = join(tempDir(), 'wt');
    scratch.add(() => rmSync(join(wt, '..'), { recursive: true, force: true }));
    r.git('worktree', 'add', '-q', '-b', 'feature', wt);
    writeFileSync(join(wt, 'b.txt'), `key=${KEY_B}\n`);
    r.git('-C', wt, 'add', 'b.txt');
    expect(await collect(stagedSource({ cwd: wt, env: ENV }))).toMatchObject([{ path: 'b.txt' }]);
    expect(await collect(staged(r))).toEqual([]); // the main worktree's index is untouched
  });

  it('honours GIT_INDEX_FILE, as git sets it for `git commit <paths>` hooks', async () => {
    const r = scratch.repo();
    r.commit('base', { 'a.txt': 'a\n' });
    const index = join(r.dir, '.git', 'other-index');
    r.write({ 'b.txt': `key=${KEY_B}\n` });
    r.git('read-tree', `--index-output=${index}`, 'HEAD');
    const env = { ...ENV, GIT_INDEX_FILE: index };
    r.git('update-index', '--add', '--cacheinfo', `100644,${r.git('hash-object', '-w', 'b.txt')},b.txt`);
    // The default index has b.txt; the other one has nothing staged.
    expect(await collect(stagedSource({ cwd: r.dir, env }))).toEqual([]);
    expect(await collect(staged(r))).toMatchObject([{ path: 'b.txt' }]);
  });

  it('limits the scan to the given paths, absolute (lint-staged) or relative, and keeps renames as renames', async () => {
    const r = scratch.repo();
    r.commit('base', { 'src/old.ts': `k=${KEY_A}\n1\n2\n3\n` });
    r.git('mv', 'src/old.ts', 'src/new.ts');
    r.write({ 'src/new.ts': `k=${KEY_A}\n1\n2\n3\nadded=${KEY_B}\n`, 'docs/x.md': `${KEY_C}\n` });
    r.git('add', '-A');
    const abs = await collect(staged(r, { paths: [join(r.dir, 'src/new.ts')] }));
    expect(abs.map((i) => [i.path, addedText(i)])).toEqual([['src/new.ts', [`added=${KEY_B}`]]]);
    mkdirSync(join(r.dir, 'docs'), { recursive: true });
    const rel = await collect(stagedSource({ cwd: join(r.dir, 'docs'), env: ENV, paths: ['.'] }));
    expect(rel.map((i) => i.path)).toEqual(['docs/x.md']);
    const both = await collect(staged(r, { paths: ['docs', 'src/'] }));
    expect(both.map((i) => i.path).sort()).toEqual(['docs/x.md', 'src/new.ts']);
  });

  it('scans a named file with nothing staged whole, as the index holds it (pre-commit run --all-files)', async () => {
    const r = scratch.repo();
    r.commit('base', {
      'committed.env': `K=${KEY_A}\n`,
      'src/old.ts': `k=${KEY_B}\n`,
      'ignored/k.txt': `${KEY_C}\n`,
    });
    r.write({ 'changed.env': `A=1\n` });
    r.git('add', 'changed.env');
    r.commit('changed');
    r.write({ 'changed.env': `A=1\nB=${KEY_C}\n`, 'untracked.env': `U=${KEY_A}\n` });
    r.git('add', 'changed.env');
    const files = ['committed.env', 'changed.env', 'untracked.env', 'src', 'ignored/k.txt'];
    const source = staged(r, { paths: files, ignore: (path) => path.startsWith('ignored/') });
    const items = await collect(source);
    // The unchanged file whole; the staged one by its added lines; the folder keeps its meaning (the changes
    // beneath it: none); a file not in the index is not the index's; an ignored one stays ignored.
    expect(items.map((i) => [i.path, i.addedLines, addedText(i)])).toEqual([
      ['changed.env', [[2, 2]], [`B=${KEY_C}`]],
      ['committed.env', [[1, 1]], [`K=${KEY_A}`]],
    ]);
    expect(source.stats().skipped.ignored).toBe(1);
    // No path named: the staged changes only, as before.
    expect((await collect(staged(r))).map((i) => i.path)).toEqual(['changed.env']);
  });

  it('skips ignored paths (config ignorePaths, .keywardignore), counted', async () => {
    const r = scratch.repo();
    r.write({ 'fixtures/keys.txt': `${KEY_A}\n`, 'src/a.ts': `${KEY_B}\n` });
    r.git('add', '.');
    const source = staged(r, { ignore: (path) => path.startsWith('fixtures/') });
    expect((await collect(source)).map((i) => i.path)).toEqual(['src/a.ts']);
    expect(source.stats().skipped.ignored).toBe(1);
  });

  it('skips blobs over the size cap, counted', async () => {
    const r = scratch.repo();
    r.write({ 'big.txt': `${'x'.repeat(5000)}\n${KEY_A}\n`, 'small.txt': `${KEY_B}\n` });
    r.git('add', '.');
    const source = staged(r, { maxBlobSize: 1000 });
    expect((await collect(source)).map((i) => i.path)).toEqual(['small.txt']);
    expect(source.stats().skipped.tooLarge).toBe(1);
  });

  it('warns about unmerged paths', async () => {
    const r = scratch.repo();
    r.commit('base', { 'f.txt': 'a\n' });
    r.git('checkout', '-q', '-b', 'side');
    r.commit('side', { 'f.txt': 'side\n' });
    r.git('checkout', '-q', 'main');
    r.commit('main', { 'f.txt': 'main\n' });
    try {
      r.git('merge', '-q', 'side');
    } catch {
      // a conflict, as intended
    }
    const source = staged(r);
    expect(await collect(source)).toEqual([]);
    expect(source.stats().warnings).toEqual([expect.stringContaining('f.txt: unmerged')]);
  });

  it('fails with E_NOT_A_REPO outside a repository', async () => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    const error = await collect(
      stagedSource({ cwd: dir, env: { ...ENV, GIT_CEILING_DIRECTORIES: dir } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: 'E_NOT_A_REPO', data: { path: dir } });
  });
});
