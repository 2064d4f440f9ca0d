import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, GIT_ENV, tempDir, type TempRepo, Scratch } from '@keyward/test-utils';
import { parsePrePushInput, preCommitPush, prePushSource } from '../src/pre-push.js';
import { collect, ENV, findSecrets, LARGE_FILLER } from './helpers.js';

const KEY_A = fakeKey('openai-project', 301);
const KEY_B = fakeKey('anthropic', 302);
const ZERO = '0'.repeat(40);

const scratch = new Scratch();
afterEach(() => scratch.clear());

/** A local repository with a bare `origin` that has `main` (3 commits, one with a key long ago). */
function pushedRepo(): { local: TempRepo; remote: TempRepo; pushed: string } {
  const remote = scratch.repo({ bare: true });
  const local = scratch.repo();
  local.commit('one', { 'a.txt': 'a\n' });
  local.commit('old key', { 'old.env': `K=${KEY_B}\n` });
  const pushed = local.commit('three', { 'a.txt': 'a\nb\n' });
  local.git('remote', 'add', 'origin', remote.dir);
  local.git('push', '-q', 'origin', 'main');
  return { local, remote, pushed };
}
const prePush = (r: TempRepo, lines: string[], remote: string | undefined = 'origin') =>
  prePushSource({ cwd: r.dir, env: ENV, stdinLines: lines, ...(remote ? { remote } : {}) });

describe('parsePrePushInput', () => {
  it('parses update lines, SHA-1 and SHA-256, and skips blank lines', () => {
    const sha1 = 'a'.repeat(40);
    const sha256 = 'B'.repeat(64);
    expect(parsePrePushInput(`refs/heads/main ${sha1} refs/heads/main ${ZERO}\n\n`)).toEqual([
      { localRef: 'refs/heads/main', localOid: sha1, remoteRef: 'refs/heads/main', remoteOid: ZERO },
    ]);
    expect(parsePrePushInput([`(delete) ${'0'.repeat(64)} refs/heads/x ${sha256}`])).toEqual([
      {
        localRef: '(delete)',
        localOid: '0'.repeat(64),
        remoteRef: 'refs/heads/x',
        remoteOid: 'b'.repeat(64),
      },
    ]);
    expect(parsePrePushInput('')).toEqual([]);
  });

  it('rejects a malformed line by number, without echoing it', () => {
    expect(() => parsePrePushInput(['', `refs/heads/main ${KEY_A}`])).toThrow(
      expect.objectContaining({ code: 'E_PRE_PUSH_INPUT', data: { number: 2 } }),
    );
    expect(() => parsePrePushInput('refs/heads/main abc refs/heads/main def')).toThrow(
      expect.objectContaining({ code: 'E_PRE_PUSH_INPUT' }),
    );
  });
});

describe('prePushSource', () => {
  it('scans exactly the commits the remote does not have', async () => {
    const { local, pushed } = pushedRepo();
    const c4 = local.commit('four', { 'config.ts': `const k = "${KEY_A}";\n` });
    const c5 = local.commit('five', { 'a.txt': 'a\nb\nc\n' });
    const source = prePush(local, [`refs/heads/main ${c5} refs/heads/main ${pushed}`]);
    const items = await collect(source);
    expect(items.map((i) => [i.commit, i.path])).toEqual([
      [c5, 'a.txt'],
      [c4, 'config.ts'],
    ]);
    expect(items[1]).toMatchObject({ author: 'Ada Tester', addedLines: [[1, 1]] });
    expect(source.stats().commits).toBe(2);
    expect(source.describe).toBe(`main ${pushed.slice(0, 12)}..${c5.slice(0, 12)} (2 commits)`);
  });

  it('keeps only the keys a pushed commit adds to a large file (scanned whole, diffed in resolve)', async () => {
    const { local, pushed } = pushedRepo();
    const c4 = local.commit('lock', { 'lock.json': `OLD=${KEY_B}\n${LARGE_FILLER}\n` });
    const c5 = local.commit('update', { 'lock.json': `OLD=${KEY_B}\n${LARGE_FILLER}\nNEW=${KEY_A}\n` });
    const source = prePush(local, [`refs/heads/main ${c5} refs/heads/main ${pushed}`]);
    const items = await collect(source);
    expect(items.map((i) => [i.commit, i.addedLines])).toEqual([
      [c5, undefined], // modified: whole, diffed later
      [c4, [[1, 9001]]], // added: every line
    ]);
    const findings = items.flatMap((item) =>
      findSecrets([item], [KEY_A, KEY_B]).map((f) => ({ ...f, commit: item.commit! })),
    );
    const kept = await source.resolve!(findings);
    expect(kept.map((f) => [f.commit, f.line, f.secret])).toEqual([
      [c5, 9002, KEY_A],
      [c4, 1, KEY_B],
    ]);
  });

  it('scans a new branch from where it leaves the remote, never from the root', async () => {
    const { local } = pushedRepo();
    local.git('checkout', '-q', '-b', 'feature');
    const f1 = local.commit('f1', { 'f.txt': `${KEY_A}\n` });
    const source = prePush(local, [`refs/heads/feature ${f1} refs/heads/feature ${ZERO}`]);
    const items = await collect(source);
    expect(items.map((i) => i.commit)).toEqual([f1]);
    expect(source.stats().commits).toBe(1); // not the 3 commits of main, nor the old key
  });

  it('uses every remote-tracking ref when the named remote has none (a push to a URL)', async () => {
    const { local, remote } = pushedRepo();
    local.git('checkout', '-q', '-b', 'topic');
    const t1 = local.commit('t1', { 't.txt': `${KEY_A}\n` });
    const source = prePush(local, [`refs/heads/topic ${t1} refs/heads/topic ${ZERO}`], remote.dir);
    expect((await collect(source)).map((i) => i.commit)).toEqual([t1]);
  });

  it('falls back to the remote-tracking refs when the remote sha is unknown here (a forced push)', async () => {
    const { local } = pushedRepo();
    const c4 = local.commit('four', { 'k.txt': `${KEY_A}\n` });
    const unknown = 'f'.repeat(40);
    const items = await collect(prePush(local, [`refs/heads/main ${c4} refs/heads/main ${unknown}`]));
    expect(items.map((i) => i.commit)).toEqual([c4]);
  });

  it('skips deletions, and scans nothing for empty input', async () => {
    const { local, pushed } = pushedRepo();
    const deletion = prePush(local, [`(delete) ${ZERO} refs/heads/old ${pushed}`]);
    expect(await collect(deletion)).toEqual([]);
    expect(deletion.stats().commits).toBe(0);
    const empty = prePush(local, []);
    expect(await collect(empty)).toEqual([]);
    expect(empty.describe).toBe('nothing to push');
  });

  it('scans each commit once when several refs share commits', async () => {
    const { local, pushed } = pushedRepo();
    const c4 = local.commit('four', { 'k.txt': `${KEY_A}\n` });
    local.git('tag', 'v1');
    const source = prePush(local, [
      `refs/heads/main ${c4} refs/heads/main ${pushed}`,
      `refs/tags/v1 ${c4} refs/tags/v1 ${ZERO}`,
    ]);
    expect((await collect(source)).map((i) => i.commit)).toEqual([c4]);
    expect(source.stats().commits).toBe(1);
  });

  it('handles SHA-256 repositories (64-character ids, 64 zeros for a new branch)', async () => {
    const dir = tempDir();
    execFileSync('git', ['init', '-q', '--object-format=sha256', dir], {
      env: { ...process.env, ...GIT_ENV },
    });
    const local = scratch.repo({ dir });
    local.commit('base', { 'a.txt': 'a\n' });
    const head = local.commit('key', { 'k.txt': `${KEY_A}\n` });
    expect(head).toHaveLength(64);
    const source = prePush(local, [`refs/heads/main ${head} refs/heads/main ${'0'.repeat(64)}`], undefined);
    const items = await collect(source);
    expect(items.map((i) => [i.commit, i.path])).toEqual([
      [head, 'k.txt'],
      [expect.any(String), 'a.txt'],
    ]);
    expect(source.stats().commits).toBe(2); // no remote at all: everything is new to it
  });
});

describe('the pre-commit framework’s pushed refs (PRE_COMMIT_* variables)', () => {
  const framework = (r: TempRepo, env: Record<string, string>, lines: string[] = [], remote?: string) =>
    prePushSource({
      cwd: r.dir,
      env: ENV,
      stdinLines: lines,
      ...(remote ? { remote } : {}),
      preCommit: preCommitPush(env)!,
    });

  it('reads FROM/TO as a pair, or the local branch; anything less names no push', () => {
    expect(preCommitPush({})).toBeUndefined();
    expect(preCommitPush({ PRE_COMMIT: '1', PRE_COMMIT_FROM_REF: 'a' })).toBeUndefined();
    expect(preCommitPush({ PRE_COMMIT_FROM_REF: 'a', PRE_COMMIT_TO_REF: '' })).toBeUndefined();
    expect(preCommitPush({ PRE_COMMIT_FROM_REF: 'a', PRE_COMMIT_TO_REF: 'b' })).toEqual({
      from: 'a',
      to: 'b',
    });
    expect(
      preCommitPush({
        PRE_COMMIT_LOCAL_BRANCH: 'refs/heads/x',
        PRE_COMMIT_REMOTE_BRANCH: 'refs/heads/y',
        PRE_COMMIT_REMOTE_NAME: 'origin',
        PRE_COMMIT_REMOTE_URL: '/srv/repo.git',
      }),
    ).toEqual({ localBranch: 'refs/heads/x', remoteBranch: 'refs/heads/y', remoteName: 'origin' });
  });

  it('scans exactly FROM..TO, as `--range` would', async () => {
    const { local, pushed } = pushedRepo();
    const c4 = local.commit('four', { 'config.ts': `const k = "${KEY_A}";\n` });
    const c5 = local.commit('five', { 'a.txt': 'a\nb\nc\n' });
    const source = framework(local, {
      PRE_COMMIT_FROM_REF: pushed,
      PRE_COMMIT_TO_REF: c5,
      PRE_COMMIT_LOCAL_BRANCH: 'refs/heads/main',
      PRE_COMMIT_REMOTE_BRANCH: 'refs/heads/main',
      PRE_COMMIT_REMOTE_NAME: 'origin',
    });
    expect((await collect(source)).map((i) => [i.commit, i.path])).toEqual([
      [c5, 'a.txt'],
      [c4, 'config.ts'],
    ]);
    expect(source.describe).toBe(`main ${pushed.slice(0, 12)}..${c5.slice(0, 12)} (2 commits)`);
    // By hand (`pre-commit run --from-ref main~1 --to-ref main`): revisions, not only shas.
    const byHand = framework(local, { PRE_COMMIT_FROM_REF: 'main~1', PRE_COMMIT_TO_REF: 'main' });
    expect((await collect(byHand)).map((i) => i.commit)).toEqual([c5]);
  });

  it('scans a push that starts at a root commit as a new branch: what the named remote lacks', async () => {
    const { local } = pushedRepo();
    local.git('checkout', '-q', '--orphan', 'fresh');
    local.git('rm', '-q', '-r', '--cached', '.');
    const f1 = local.commit('f1', { 'f.txt': `${KEY_A}\n` });
    const source = framework(local, {
      PRE_COMMIT_LOCAL_BRANCH: 'refs/heads/fresh',
      PRE_COMMIT_REMOTE_BRANCH: 'refs/heads/fresh',
      PRE_COMMIT_REMOTE_NAME: 'origin',
    });
    expect((await collect(source)).map((i) => [i.commit, i.path])).toEqual([[f1, 'f.txt']]);
    expect(source.describe).toBe(`fresh (new: ${f1.slice(0, 12)} not on origin) (1 commit)`);
    // The same branch after main: only its own commits, since origin has main's.
    local.git('clean', '-q', '-f');
    local.git('checkout', '-q', 'main');
    local.git('checkout', '-q', '-b', 'topic');
    const t1 = local.commit('t1', { 't.txt': `${KEY_A}\n` });
    const topic = framework(local, {
      PRE_COMMIT_LOCAL_BRANCH: 'refs/heads/topic',
      PRE_COMMIT_REMOTE_NAME: 'origin',
    });
    expect((await collect(topic)).map((i) => i.commit)).toEqual([t1]);
  });

  it('gives way to git’s own lines, and to the remote named on the command line', async () => {
    const { local, pushed } = pushedRepo();
    const c4 = local.commit('four', { 'k.txt': `${KEY_A}\n` });
    const env = { PRE_COMMIT_FROM_REF: 'main~3', PRE_COMMIT_TO_REF: 'main' };
    const lines = framework(local, env, [`refs/heads/main ${c4} refs/heads/main ${pushed}`]);
    expect((await collect(lines)).map((i) => i.commit)).toEqual([c4]);
    // A second remote that has only the first commit, so the remote's name decides what is new.
    const other = scratch.repo({ bare: true });
    local.git('remote', 'add', 'other', other.dir);
    local.git('push', '-q', 'other', 'main~3:refs/heads/base');
    const oldKey = local.git('rev-parse', 'main~2');
    local.git('checkout', '-q', '-b', 'topic');
    const t1 = local.commit('t1', { 't.txt': `${KEY_A}\n` });
    const byRemote = { PRE_COMMIT_LOCAL_BRANCH: 'topic', PRE_COMMIT_REMOTE_NAME: 'other' };
    const fromEnv = framework(local, byRemote);
    expect((await collect(fromEnv)).map((i) => i.commit)).toEqual([t1, c4, pushed, oldKey]);
    const fromArgument = framework(local, byRemote, [], 'origin');
    expect((await collect(fromArgument)).map((i) => i.commit)).toEqual([t1, c4]);
  });

  it('fails on a revision that does not resolve, as a range (exit 3) or a ref (exit 2) does', async () => {
    const { local, pushed } = pushedRepo();
    const range = framework(local, { PRE_COMMIT_FROM_REF: 'nope', PRE_COMMIT_TO_REF: pushed });
    await expect(collect(range)).rejects.toMatchObject({
      code: 'E_RANGE_UNRESOLVED',
      data: { range: `nope..${pushed}`, rev: 'nope', shallow: '' },
    });
    const branch = framework(local, { PRE_COMMIT_LOCAL_BRANCH: 'refs/heads/gone' });
    await expect(collect(branch)).rejects.toMatchObject({
      code: 'E_REF_UNRESOLVED',
      data: { ref: 'refs/heads/gone' },
    });
  });
});
