import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GIT_ENV, createRepo, tempDir, type TempRepo } from '@keyward/test-utils/git';
// @ts-expect-error: a plain ES module the GitHub Action runs with node; no type declarations.
import { resolveRange } from '../../../../scripts/action/resolve-range.mjs';

const SCRIPT = fileURLToPath(new URL('../../../../scripts/action/resolve-range.mjs', import.meta.url));
const ZERO = '0'.repeat(40);
const env = { ...process.env, ...GIT_ENV };
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

/**
 * The upstream repository (what GitHub holds): main m1..m3, feature branched at m2 with f1, f2, and the
 * pull request's merge ref.
 */
function upstream(): { repo: TempRepo; m: string[]; f: string[] } {
  const repo = createRepo();
  cleanups.push(repo.cleanup);
  const m1 = repo.commit('m1', { 'a.txt': 'one\n' });
  const m2 = repo.commit('m2', { 'a.txt': 'two\n' });
  repo.git('checkout', '-q', '-b', 'feature');
  const f1 = repo.commit('f1', { 'f.txt': 'f1\n' });
  const f2 = repo.commit('f2', { 'f.txt': 'f2\n' });
  repo.git('checkout', '-q', 'main');
  const m3 = repo.commit('m3', { 'b.txt': 'three\n' });
  repo.git('merge', '-q', '--no-ff', '-m', 'merge', 'feature');
  repo.git('update-ref', 'refs/pull/1/merge', 'HEAD');
  repo.git('reset', '-q', '--hard', m3);
  repo.git('update-ref', 'refs/pull/1/head', f2);
  return { repo, m: [m1, m2, m3], f: [f1, f2] };
}

/** What actions/checkout does by default: init, fetch one ref at depth 1, check it out. */
function shallowCheckout(from: TempRepo, ref: string): string {
  const dir = tempDir();
  cleanups.push(() => execFileSync('rm', ['-rf', dir]));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, stdio: 'pipe' });
  git('init', '-q');
  git('remote', 'add', 'origin', `file://${from.dir}`);
  git('fetch', '-q', '--no-tags', '--depth=1', 'origin', ref);
  git('checkout', '-q', '--detach', 'FETCH_HEAD');
  expect(
    execFileSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: dir, env }).toString().trim(),
  ).toBe('true');
  return dir;
}

const resolve = (cwd: string, eventName: string, event: unknown, fetch = true) =>
  resolveRange({ cwd, eventName, event, env, fetch });

const count = (cwd: string, range: string) =>
  Number(execFileSync('git', ['rev-list', '--count', range], { cwd, env }).toString().trim());

describe('resolve-range (GitHub Action)', () => {
  it('push: before..after, fetching and deepening a shallow clone', () => {
    const { repo, m } = upstream();
    const cwd = shallowCheckout(repo, 'refs/heads/main');
    const plan = resolve(cwd, 'push', {
      ref: 'refs/heads/main',
      before: m[0],
      after: m[2],
      repository: { default_branch: 'main' },
    });
    expect(plan).toEqual({ mode: 'range', range: `${m[0]}..${m[2]}`, base: m[0], head: m[2], commits: 2 });
    expect(count(cwd, plan.range)).toBe(2);
  });

  it('pull request: base.sha..head.sha from the merge checkout, only the PR commits', () => {
    const { repo, m, f } = upstream();
    const cwd = shallowCheckout(repo, 'refs/pull/1/merge');
    const plan = resolve(cwd, 'pull_request', {
      pull_request: { number: 1, base: { sha: m[2] }, head: { sha: f[1] } },
    });
    expect(plan).toMatchObject({ mode: 'range', range: `${m[2]}..${f[1]}`, commits: 2 });
    const commits = execFileSync('git', ['log', '--format=%s', plan.range], { cwd, env })
      .toString()
      .trim()
      .split('\n');
    expect(commits).toEqual(['f2', 'f1']);
  });

  it('new branch (before = zeros): the commits not on the default branch', () => {
    const { repo, m, f } = upstream();
    const cwd = shallowCheckout(repo, 'refs/heads/feature');
    const plan = resolve(cwd, 'push', {
      ref: 'refs/heads/feature',
      before: ZERO,
      after: f[1],
      repository: { default_branch: 'main' },
    });
    expect(plan).toMatchObject({ mode: 'range', base: m[2], head: f[1], commits: 2 });
  });

  it("the default branch's first push: the whole history, unshallowed", () => {
    const { repo, m } = upstream();
    const cwd = shallowCheckout(repo, 'refs/heads/main');
    const plan = resolve(cwd, 'push', {
      ref: 'refs/heads/main',
      before: ZERO,
      after: m[2],
      repository: { default_branch: 'main' },
    });
    expect(plan).toEqual({ mode: 'history', head: m[2], commits: 3 });
    expect(
      execFileSync('git', ['rev-parse', '--is-shallow-repository'], { cwd, env }).toString().trim(),
    ).toBe('false');
  });

  it('force push whose old tip is gone: compares with the default branch', () => {
    const { repo, m, f } = upstream();
    // Rewrite feature onto m3 and drop the old commits from the server entirely.
    repo.git('checkout', '-q', '-B', 'feature', m[2]);
    const g1 = repo.commit('g1', { 'g.txt': 'g1\n' });
    repo.git('checkout', '-q', 'main');
    repo.git('update-ref', '-d', 'refs/pull/1/head');
    repo.git('update-ref', '-d', 'refs/pull/1/merge');
    repo.git('reflog', 'expire', '--expire=now', '--all');
    repo.git('gc', '-q', '--prune=now');
    expect(() => repo.git('cat-file', '-e', `${f[1]}^{commit}`)).toThrow();
    const cwd = shallowCheckout(repo, 'refs/heads/feature');
    const plan = resolve(cwd, 'push', {
      ref: 'refs/heads/feature',
      before: f[1],
      after: g1,
      forced: true,
      repository: { default_branch: 'main' },
    });
    expect(plan).toMatchObject({ mode: 'range', base: m[2], head: g1, commits: 1 });
  });

  it('force push of the default branch whose old tip is gone: exit 3', () => {
    const { repo, m } = upstream();
    repo.git('reset', '-q', '--hard', m[1]);
    const n3 = repo.commit('n3', { 'n.txt': 'n\n' });
    repo.git('update-ref', '-d', 'refs/pull/1/merge');
    repo.git('reflog', 'expire', '--expire=now', '--all');
    repo.git('gc', '-q', '--prune=now');
    const cwd = shallowCheckout(repo, 'refs/heads/main');
    const event = {
      ref: 'refs/heads/main',
      before: m[2],
      after: n3,
      forced: true,
      repository: { default_branch: 'main' },
    };
    expect(() => resolve(cwd, 'push', event)).toThrow(/cannot resolve the push's base/);
    const eventFile = join(cwd, '..', `event-${Date.now()}.json`);
    writeFileSync(eventFile, JSON.stringify(event));
    cleanups.push(() => execFileSync('rm', ['-f', eventFile]));
    const run = spawnSync('node', [SCRIPT], {
      cwd,
      env: { ...env, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: eventFile, GITHUB_OUTPUT: '' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/^keyward: cannot resolve the push's base [0-9a-f]{12} /);
    expect(run.stdout).toBe('');
  });

  it('a shallow clone it may not fetch into: exit 3, never a guessed range', () => {
    const { repo, m } = upstream();
    const cwd = shallowCheckout(repo, 'refs/heads/main');
    const event = {
      ref: 'refs/heads/main',
      before: m[0],
      after: m[2],
      repository: { default_branch: 'main' },
    };
    expect(() => resolve(cwd, 'push', event, false)).toThrow(/cannot resolve the push's base/);
  });

  it('deleted branch: nothing to scan; other events: the checked-out tree', () => {
    const { repo } = upstream();
    const cwd = shallowCheckout(repo, 'refs/heads/main');
    expect(resolve(cwd, 'push', { deleted: true, before: 'a'.repeat(40), after: ZERO })).toEqual({
      mode: 'none',
    });
    expect(resolve(cwd, 'workflow_dispatch', {})).toEqual({ mode: 'worktree' });
  });

  it('runs as a script and writes GITHUB_OUTPUT', () => {
    const { repo, m } = upstream();
    const cwd = shallowCheckout(repo, 'refs/heads/main');
    const dir = tempDir();
    cleanups.push(() => execFileSync('rm', ['-rf', dir]));
    const eventFile = join(dir, 'event.json');
    const output = join(dir, 'output');
    writeFileSync(eventFile, JSON.stringify({ ref: 'refs/heads/main', before: m[1], after: m[2] }));
    writeFileSync(output, '');
    const run = spawnSync('node', [SCRIPT], {
      cwd,
      env: { ...env, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: eventFile, GITHUB_OUTPUT: output },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`keyward: scanning ${m[1]!.slice(0, 12)}..${m[2]!.slice(0, 12)} (1 commit)`);
    expect(readFileSync(output, 'utf8')).toBe(
      `mode=range\nrange=${m[1]}..${m[2]}\nbase=${m[1]}\nhead=${m[2]}\ncommits=1\n`,
    );
  });
});
