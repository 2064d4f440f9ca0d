import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, afterEach, describe, expect, it } from 'vitest';
import { createRepo, fakeKey, GIT_ENV, tempDir, type TempRepo, Scratch } from '@keyward/test-utils';
import { historySource, parseShard, unlistedLine, type HistoryOptions } from '../src/history.js';
import { collect, ENV, findSecrets, pushed, type SeenItem } from './helpers.js';

const KEY = {
  removed: fakeKey('openai-project', 401),
  unmerged: fakeKey('openai-admin', 402),
  tagged: fakeKey('anthropic', 403),
  renamed: fakeKey('groq', 404),
  merge: fakeKey('openai-svcacct', 405),
  stash: fakeKey('huggingface', 406),
  reset: fakeKey('xai', 407),
  dangling: fakeKey('perplexity', 408),
  everywhere: fakeKey('openrouter', 409),
};
const ALL_KEYS = Object.values(KEY);

/**
 * One repository with a key in every place history can hide one: added then removed, on an unmerged
 * branch, only in a tag, in a renamed file, in a merge resolution, in a stash, in a commit that was reset
 * away (reflog only), in a blob never committed, and one in a file that every commit keeps.
 */
interface Fixture {
  r: TempRepo;
  commits: Record<string, string>;
}

function buildFixture(): Fixture {
  const r = createRepo();
  const c: Record<string, string> = {};
  c.base = r.commit('base', { 'README.md': 'hello\n', 'keep.env': `K=${KEY.everywhere}\n` });
  c.added = r.commit('add key', { 'config.env': `OPENAI_API_KEY=${KEY.removed}\n` });
  c.removed = r.commit('remove key', { 'config.env': 'OPENAI_API_KEY=\n' });

  r.git('checkout', '-q', '-b', 'unmerged');
  c.unmerged = r.commit('wip', { 'wip.txt': `token ${KEY.unmerged}\n` });
  r.git('checkout', '-q', 'main');

  r.git('checkout', '-q', '--orphan', 'release-tmp');
  r.git('rm', '-rq', '--cached', '.');
  c.tagged = r.commit('release notes', { 'notes.txt': `${KEY.tagged}\n` });
  r.git('tag', '-a', '-m', 'v1', 'v1.0');
  r.git('checkout', '-q', '-f', 'main');
  r.git('branch', '-D', 'release-tmp');
  r.git('clean', '-fdq');

  c.renamedAdd = r.commit('add secret file', { 'old-name.txt': `k=${KEY.renamed}\n` });
  r.git('mv', 'old-name.txt', 'new-name.txt');
  c.renamed = r.commit('rename');

  r.git('checkout', '-q', '-b', 'side');
  r.commit('side', { 'm.txt': 'side\n' });
  r.git('checkout', '-q', 'main');
  r.commit('main side', { 'm.txt': 'main\n' });
  try {
    r.git('merge', '-q', 'side');
  } catch {
    // conflict, resolved below with a key
  }
  r.write({ 'm.txt': `resolved ${KEY.merge}\n` });
  r.git('add', 'm.txt');
  c.merge = r.commit('merge');

  r.write({ 'README.md': `hello\nstashed ${KEY.stash}\n` });
  r.git('stash', '-q');

  c.head = r.commit('head', { 'done.txt': 'done\n' });
  c.reset = r.commit('oops', { 'oops.txt': `${KEY.reset}\n` });
  r.git('reset', '-q', '--hard', 'HEAD~1');

  r.write({ 'loose.txt': `${KEY.dangling}\n` });
  r.git('hash-object', '-w', 'loose.txt');
  rmSync(join(r.dir, 'loose.txt'));
  return { r, commits: c };
}

let fx: Fixture;
beforeAll(() => {
  fx = buildFixture();
});
afterAll(() => fx.r.cleanup());

const scratch = new Scratch();
afterEach(() => scratch.clear());

/** A folder (for PATH) holding links to these tools and nothing else. */
function toolsOnly(tools: string[]): string {
  const bin = join(tempDir(), 'bin');
  scratch.add(() => rmSync(join(bin, '..'), { recursive: true, force: true }));
  mkdirSync(bin);
  for (const tool of tools) {
    const path = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    symlinkSync(path, join(bin, tool));
  }
  return bin;
}

/** A history scan of the fixture: items() (after a listing), or with `push`, each() (the pipeline's way). */
async function audit(options: Partial<HistoryOptions> & { cwd?: string; push?: boolean } = {}) {
  const { push = false, ...rest } = options;
  const source = historySource({ cwd: fx.r.dir, env: ENV, ...rest });
  const items = push ? await pushed(source) : await collect(source);
  const findings = await source.resolve!(findSecrets(items, ALL_KEYS));
  return { source, items, findings, bySecret: new Map(findings.map((f) => [f.secret, f])) };
}

describe('historySource', () => {
  it('scans every distinct blob in the object store exactly once', async () => {
    const { items, source } = await audit();
    const ids = items.map((i) => i.blobId);
    expect(new Set(ids).size).toBe(ids.length);
    const blobsInStore = fx.r
      .git('cat-file', '--batch-all-objects', '--batch-check=%(objecttype)')
      .split('\n')
      .filter((t) => t === 'blob').length;
    expect(ids.length + source.stats().skipped.binary).toBe(blobsInStore);
    // keep.env is in every commit but is one blob.
    expect(items.filter((i) => i.text.includes(KEY.everywhere))).toHaveLength(1);
    expect(source.stats().commits).toBeGreaterThan(10);
    expect(source.describe).toBe(`all objects (${ids.length} blobs)`);
  });

  it('finds a key added in one commit and removed in the next, with the commit that introduced it', async () => {
    const { bySecret } = await audit();
    expect(bySecret.get(KEY.removed)).toMatchObject({
      path: 'config.env',
      commit: fx.commits.added,
      author: 'Ada Tester',
      date: expect.stringMatching(/^2026-01-01T00:\d\d:00\+00:00$/),
      reachable: true,
      presentAtHead: false,
    });
  });

  it('finds keys on an unmerged branch, only in a tag, and in a merge resolution', async () => {
    const { bySecret } = await audit();
    expect(bySecret.get(KEY.unmerged)).toMatchObject({
      commit: fx.commits.unmerged,
      path: 'wip.txt',
      reachable: true,
    });
    expect(bySecret.get(KEY.tagged)).toMatchObject({
      commit: fx.commits.tagged,
      path: 'notes.txt',
      reachable: true,
    });
    expect(bySecret.get(KEY.merge)).toMatchObject({
      commit: fx.commits.merge,
      path: 'm.txt',
      presentAtHead: true,
    });
  });

  it('credits a renamed file to the commit that first held the blob, and knows it is still at HEAD', async () => {
    const { bySecret } = await audit();
    expect(bySecret.get(KEY.renamed)).toMatchObject({
      commit: fx.commits.renamedAdd,
      path: 'old-name.txt',
      presentAtHead: true,
    });
    expect(bySecret.get(KEY.everywhere)).toMatchObject({ commit: fx.commits.base, presentAtHead: true });
  });

  it('counts a blob that only a tag names (no tree, no commit) as reachable', async () => {
    const r = scratch.repo();
    r.commit('base', { 'a.txt': 'a\n' });
    r.write({ 'loose.txt': `${KEY.tagged}\n` });
    const blob = r.git('hash-object', '-w', 'loose.txt');
    r.git('tag', 'blob-tag', blob);
    const source = historySource({ cwd: r.dir, env: ENV });
    const items = await collect(source);
    const [finding] = await source.resolve!(findSecrets(items, [KEY.tagged]));
    expect(finding).toMatchObject({ reachable: true, path: blob });
  });

  it('finds keys in every stash entry, not only the newest', async () => {
    const r = scratch.repo();
    r.commit('base', { 'a.txt': 'a\n' });
    r.write({ 'a.txt': `a\n${KEY.stash}\n` });
    r.git('stash', '-q');
    r.write({ 'a.txt': `a\n${KEY.reset}\n` });
    r.git('stash', '-q');
    const source = historySource({ cwd: r.dir, env: ENV });
    const items = await collect(source);
    const findings = await source.resolve!(findSecrets(items, [KEY.stash, KEY.reset]));
    expect(findings.map((f) => [f.secret, f.reachable, f.path]).sort()).toEqual(
      [
        [KEY.stash, true, 'a.txt'],
        [KEY.reset, true, 'a.txt'],
      ].sort(),
    );
  });

  it('finds a stashed key (reachable through refs/stash)', async () => {
    const { bySecret } = await audit();
    expect(bySecret.get(KEY.stash)).toMatchObject({
      path: 'README.md',
      reachable: true,
      presentAtHead: false,
    });
  });

  it('reports keys in unreachable blobs, marked reachable: false, with the commit when one is known', async () => {
    const { bySecret } = await audit();
    expect(bySecret.get(KEY.reset)).toMatchObject({
      reachable: false,
      commit: fx.commits.reset,
      path: 'oops.txt',
    });
    const dangling = bySecret.get(KEY.dangling);
    expect(dangling).toMatchObject({ reachable: false, presentAtHead: false });
    expect(dangling?.commit).toBeUndefined();
    expect(dangling?.path).toMatch(/^[0-9a-f]{40}$/);
  });

  it('--branch limits the scan to blobs reachable from the given branches', async () => {
    const { bySecret, items } = await audit({ refs: ['unmerged'] });
    expect([...bySecret.keys()].sort()).toEqual([KEY.everywhere, KEY.removed, KEY.unmerged].sort());
    expect(bySecret.get(KEY.unmerged)).toMatchObject({ reachable: true, commit: fx.commits.unmerged });
    expect(items.length).toBeLessThan((await audit()).items.length);
  });

  it('marks findings traced to an ignored path as suppressed by config', async () => {
    const { bySecret } = await audit({ ignore: (path) => path === 'wip.txt' });
    expect(bySecret.get(KEY.unmerged)).toMatchObject({ path: 'wip.txt', suppressed: 'config' });
    expect(bySecret.get(KEY.removed)?.suppressed).toBeUndefined();
  });

  it('fails with E_REF_UNRESOLVED for an unknown branch', async () => {
    const error = await collect(historySource({ cwd: fx.r.dir, env: ENV, refs: ['nope'] })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'E_REF_UNRESOLVED', data: { ref: 'nope' } });
  });

  it('splits the blobs into disjoint, deterministic shards that cover them all', async () => {
    const all = (await audit()).items.map((i) => i.blobId).sort();
    const parts: string[][] = [];
    for (let index = 1; index <= 3; index++) {
      parts.push(
        (await audit({ shard: { index, count: 3 } })).items.map((i: SeenItem) => i.blobId as string),
      );
    }
    expect(parts.flat().sort()).toEqual(all);
    expect(new Set(parts.flat()).size).toBe(all.length);
    expect(parts.every((p) => p.length > 0)).toBe(true);
  });

  it('skips blobs over the size cap and binary blobs, counted', async () => {
    const r = scratch.repo();
    r.commit('blobs', {
      'big.txt': `${'z'.repeat(4000)}\n${KEY.removed}\n`,
      'bin.dat': Buffer.concat([Buffer.from([0, 1]), Buffer.from(KEY.unmerged)]),
      'ok.txt': `${KEY.tagged}\n`,
    });
    const source = historySource({ cwd: r.dir, env: ENV, maxBlobSize: 1000 });
    expect((await collect(source)).map((i) => i.text)).toEqual([`${KEY.tagged}\n`]);
    expect(source.stats().skipped).toMatchObject({ tooLarge: 1, binary: 1 });
  });

  it('pushes (each) the same blobs, counts and findings, read without a listing, as items() after one', async () => {
    // each() reads small stores through the unlisted pipeline (history/unlisted.ts); items() lists first.
    for (const more of [{}, { maxBlobSize: 40 }]) {
      const unlisted = await audit({ ...more, push: true });
      const listed = await audit(more);
      expect(unlisted.items.map((i) => [i.blobId, i.text])).toEqual(
        listed.items.map((i) => [i.blobId, i.text]),
      );
      expect(unlisted.source.stats()).toEqual(listed.source.stats());
      expect(unlisted.source.describe).toBe(listed.source.describe);
      // Every kind of finding: the unreachable commit (reset away) comes from the listing's commits in both.
      expect(unlisted.findings).toEqual(listed.findings);
    }
    const all = await audit({ push: true });
    expect(new Set(all.findings.map((f) => f.secret))).toEqual(new Set(ALL_KEYS));
    const capped = await audit({ maxBlobSize: 40, push: true });
    expect(capped.source.stats().skipped.tooLarge).toBeGreaterThan(0);
    expect(capped.source.stats().commits).toBeGreaterThan(10);
  });

  it('fails, never reports a smaller store, when the filter behind the unlisted read fails', async () => {
    // An awk that fails: cat-file reads no ids and exits 0; only the missing `listed` line tells.
    const bin = toolsOnly(['git', 'sh']);
    writeFileSync(join(bin, 'awk'), '#!/bin/sh\nexit 2\n', { mode: 0o755 });
    const error = await audit({ env: { ...ENV, PATH: bin }, push: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_GIT_FAILED', data: { reason: 'the listing stopped short' } });
  });

  it('pushes the items after a listing where there is no awk for the unlisted pipeline', async () => {
    const bin = toolsOnly(['git', 'sh']);
    const { items, source } = await audit({ env: { ...ENV, PATH: bin }, push: true });
    const expected = await audit();
    expect(items.map((i) => i.blobId)).toEqual(expected.items.map((i) => i.blobId));
    expect(source.stats()).toEqual(expected.source.stats());
  });

  it('reads without a listing below a pack size that falls with the threads the scan may use', () => {
    const ctx = { cwd: '.' };
    expect(unlistedLine({ ...ctx, readers: 1 })).toBe(Number.POSITIVE_INFINITY);
    expect(unlistedLine({ ...ctx, readers: 2 })).toBe(32 * 1024 * 1024);
    expect(unlistedLine({ ...ctx, readers: 8 })).toBe(8 * 1024 * 1024);
    expect(unlistedLine({ ...ctx, readers: 8, unlistedPackBytes: 5 })).toBe(5);
  });

  it('works in a bare repository', async () => {
    const dir = join(tempDir(), 'bare.git');
    scratch.add(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
    execFileSync('git', ['clone', '-q', '--bare', fx.r.dir, dir], { env: { ...process.env, ...GIT_ENV } });
    const source = historySource({ cwd: dir, env: ENV });
    const items = await collect(source);
    const findings = await source.resolve!(findSecrets(items, [KEY.removed, KEY.unmerged]));
    expect(findings.map((f) => [f.secret, f.commit, f.reachable])).toEqual(
      expect.arrayContaining([
        [KEY.removed, fx.commits.added, true],
        [KEY.unmerged, fx.commits.unmerged, true],
      ]),
    );
  });

  describe('incomplete histories exit 3 (--require-complete: before any report), never clean', () => {
    function cloneOf(...args: string[]): string {
      const dir = join(tempDir(), 'clone');
      scratch.add(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
      execFileSync('git', ['clone', '-q', ...args, `file://${fx.r.dir}`, dir], {
        env: { ...process.env, ...GIT_ENV },
        stdio: 'ignore',
      });
      return dir;
    }

    it('a shallow clone', async () => {
      const error = await collect(historySource({ cwd: cloneOf('--depth=1'), env: ENV })).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({
        code: 'E_HISTORY_INCOMPLETE',
        data: { reason: 'the clone is shallow', hint: expect.stringContaining('git fetch --unshallow') },
      });
    });

    it('a blobless partial clone', async () => {
      fx.r.git('config', 'uploadpack.allowFilter', 'true'); // let the file:// "server" filter
      const dir = cloneOf('--filter=blob:none', '--no-checkout');
      const error = await collect(historySource({ cwd: dir, env: ENV, requireComplete: true })).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({
        code: 'E_HISTORY_INCOMPLETE',
        data: {
          reason: expect.stringMatching(/objects? (is|are) missing.*partial clone/),
          hint: expect.stringContaining('git fetch --refetch origin'),
        },
      });
    });

    it('a repository with a missing object', async () => {
      const r = scratch.repo();
      r.commit('one', { 'a.txt': 'a\n', 'b.txt': 'b\n' });
      const blob = r.git('rev-parse', 'HEAD:b.txt');
      rmSync(join(r.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
      const source = historySource({ cwd: r.dir, env: ENV, requireComplete: true });
      // Items or resolve: whichever learns it first fails.
      const error = await collect(source)
        .then(() => source.resolve!([]))
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'E_HISTORY_INCOMPLETE',
        data: { reason: `1 object is missing, e.g. ${blob.slice(0, 12)}` },
      });
    });

    it('a repository with missing objects: the present ones are scanned and traced, the missing named', async () => {
      const r = scratch.repo();
      const kept = fakeKey('openai-project', 811);
      const lost = fakeKey('openai-project', 812);
      const first = r.commit('one', { 'kept.env': `K=${kept}\n`, 'lost.env': `L=${lost}\n` });
      r.commit('two', { 'more.txt': 'more\n' });
      const blob = r.git('rev-parse', 'HEAD:lost.env');
      rmSync(join(r.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
      for (const read of [collect, pushed]) {
        const source = historySource({ cwd: r.dir, env: ENV });
        const items = await read(source);
        expect(items.some((item) => item.text.includes(lost))).toBe(false);
        const findings = await source.resolve!(findSecrets(items, [kept, lost]));
        expect(findings).toHaveLength(1);
        expect(findings[0]).toMatchObject({ secret: kept, path: 'kept.env', commit: first, reachable: true });
        expect(source.stats().incomplete).toBe(true);
        expect(source.stats().missing).toEqual({
          ids: [blob],
          count: 1,
          reason: `1 object is missing, e.g. ${blob.slice(0, 12)}`,
          hint: expect.stringContaining('git fsck'),
        });
      }
    });

    it('a blobless partial clone whose remote is gone: what it holds is scanned, the rest named', async () => {
      const origin = scratch.repo();
      const early = fakeKey('anthropic', 813);
      const late = fakeKey('anthropic', 814);
      origin.commit('early', { 'early.env': `A=${early}\n` });
      const tip = origin.commit('late', { 'early.env': 'A=\n', 'late.env': `B=${late}\n` });
      origin.git('config', 'uploadpack.allowFilter', 'true');
      const earlyBlob = origin.git('rev-parse', 'HEAD~1:early.env');
      const dir = join(tempDir(), 'clone');
      scratch.add(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
      // Blobless, with the tip's blobs fetched by the checkout; then the origin goes away.
      execFileSync('git', ['clone', '-q', '--no-local', '--filter=blob:none', `file://${origin.dir}`, dir], {
        env: { ...process.env, ...GIT_ENV },
        stdio: 'ignore',
      });
      rmSync(origin.dir, { recursive: true, force: true });
      const source = historySource({ cwd: dir, env: ENV });
      const items = await collect(source);
      const findings = await source.resolve!(findSecrets(items, [early, late]));
      expect(findings.map((f) => [f.secret, f.path, f.commit])).toEqual([[late, 'late.env', tip]]);
      expect(source.stats().incomplete).toBe(true);
      const missing = source.stats().missing!;
      expect(missing.ids).toContain(earlyBlob);
      expect(missing.count).toBe(missing.ids.length);
      expect(missing.reason).toMatch(/objects? (is|are) missing.*partial clone/);
      expect(missing.hint).toContain('git fetch --refetch origin');
    });
  });

  it('handles SHA-256 repositories', async () => {
    const dir = tempDir();
    scratch.add(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync('git', ['init', '-q', '--object-format=sha256', dir], {
      env: { ...process.env, ...GIT_ENV },
    });
    const r = createRepo({ dir });
    const added = r.commit('key', { 'k.txt': `${KEY.removed}\n` });
    r.commit('gone', { 'k.txt': 'x\n' });
    const source = historySource({ cwd: dir, env: ENV });
    const items = await collect(source);
    const [finding] = await source.resolve!(findSecrets(items, [KEY.removed]));
    expect(finding).toMatchObject({ commit: added, path: 'k.txt', reachable: true, presentAtHead: false });
    expect(finding?.commit).toHaveLength(64);
  });
});

describe('parseShard', () => {
  it('parses i/n and rejects the rest', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '1', 'a/b', '1/2/3']) {
      expect(() => parseShard(bad)).toThrow(expect.objectContaining({ code: 'E_SHARD_SYNTAX' }));
    }
  });
});
