import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRepo, type TempRepo } from '@keyward/test-utils';
import {
  cleanupRepo,
  e2eRepo,
  expectAccepted,
  expectRefused,
  git,
  hookEnv,
  KEY,
  logged,
  PRE_PUSH_SCAN,
  sh,
  SKIP_REASON,
  STAGED_SCAN,
} from './e2e.js';

// Real git, hook managers and node start-ups: slow on a busy 2-core machine, never hanging.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let repo: TempRepo & { log: string };
beforeEach(() => {
  repo = e2eRepo();
});
afterEach(() => cleanupRepo(repo));

const commit = (message: string, env = hookEnv()) => git(repo, ['commit', '-q', '-m', message], env);
const stage = (files: Record<string, string>) => {
  repo.write(files);
  repo.git('add', '--', ...Object.keys(files));
};

describe.skipIf(!STAGED_SCAN)('plain git hooks: pre-commit, end to end', () => {
  it('refuses a commit holding a key and takes a clean one; a foreign hook still runs after keyward and its status counts', () => {
    const hook = join(repo.dir, '.git/hooks/pre-commit');
    const foreign = `#!/bin/sh\necho foreign >>"${repo.log}"\n[ ! -f block-me ] || exit 5\n`;
    writeFileSync(hook, foreign, { mode: 0o755 });
    expectAccepted(sh(repo, 'keyward', ['install']));

    stage({ 'config.env': `OPENAI_API_KEY=${KEY}\n` });
    const refused = commit('add config');
    expectRefused(refused);
    expect(refused.out).toContain('sk-proj-');
    expect(refused.out).toContain('keyward:allow');
    expect(git(repo, ['rev-parse', '--verify', '-q', 'HEAD']).status).not.toBe(0); // nothing was committed
    expect(logged(repo)).toEqual([]); // keyward ran first and stopped the hook

    repo.git('rm', '-q', '--cached', 'config.env');
    stage({ 'a.txt': 'hello\n' });
    expectAccepted(commit('clean'));
    expect(logged(repo)).toEqual(['foreign']);

    stage({ 'block-me': 'x\n' });
    const foreignRefusal = commit('blocked by the foreign hook');
    expect(foreignRefusal.status).toBe(1); // git reports any failing pre-commit hook as 1
    expect(foreignRefusal.out).not.toContain('refused');
    expect(logged(repo)).toEqual(['foreign', 'foreign']);

    expectAccepted(sh(repo, 'keyward', ['uninstall']));
    expect(readFileSync(hook, 'utf8')).toBe(foreign);
    expect(statSync(hook).mode & 0o777).toBe(0o755);
    expect(existsSync(join(repo.dir, '.git/keyward'))).toBe(false);
  });

  it('is skipped with KEYWARD=0 or --no-verify, and keeps the unstaged part of a partially staged file', () => {
    expectAccepted(sh(repo, 'keyward', ['install']));
    stage({ 'notes.txt': 'line one\n' });
    repo.write({ 'notes.txt': `line one\nOPENAI_API_KEY=${KEY}\n` }); // the key is not staged
    expectAccepted(commit('notes'));
    expect(readFileSync(join(repo.dir, 'notes.txt'), 'utf8')).toBe(`line one\nOPENAI_API_KEY=${KEY}\n`);
    expect(repo.git('show', 'HEAD:notes.txt')).toBe('line one');

    stage({ 'k1.env': `OPENAI_API_KEY=${KEY}\n` });
    const skipped = commit('skip once', hookEnv({ KEYWARD: '0' }));
    expectAccepted(skipped);
    expect(skipped.out).toContain('skipped (KEYWARD=0)');
    stage({ 'k2.env': `KEY=${KEY}\n` });
    expectAccepted(git(repo, ['commit', '-q', '--no-verify', '-m', 'no verify']));
  });

  it('fails closed when keyward cannot be found, with the fix; fail-open lets the commit through', () => {
    expectAccepted(sh(repo, 'keyward', ['install']));
    stage({ 'a.txt': 'hello\n' });
    const missing = commit('no keyward', hookEnv({}, false));
    expect(missing.status).not.toBe(0);
    expect(missing.out).toContain('npm install --save-dev keyward');
    expect(missing.out).toContain('fail-closed');
    const open = commit('fail open', hookEnv({ KEYWARD_FAIL_OPEN: '1' }, false));
    expectAccepted(open);
    expect(open.out).toContain('fail-open is set');
  });
});

describe.skipIf(!PRE_PUSH_SCAN)('plain git hooks: pre-push against a local bare remote', () => {
  let remote: TempRepo;
  beforeEach(() => {
    remote = createRepo({ bare: true });
    repo.git('remote', 'add', 'origin', remote.dir);
    repo.commit('base', { 'README.md': '# demo\n' });
  });
  afterEach(() => remote.cleanup());

  const push = (...args: string[]) => git(repo, ['push', '-q', 'origin', ...args]);
  const remoteHas = (branch: string) => remote.git('branch', '--list', branch) !== '';

  it('scans only the commits being pushed', () => {
    expectAccepted(sh(repo, 'keyward', ['install', '--hook', 'pre-push']));
    expectAccepted(push('main'));

    repo.git('checkout', '-q', '-b', 'leak');
    repo.commit('add a key', { 'config.env': `OPENAI_API_KEY=${KEY}\n` });
    repo.commit('then something else', { 'b.txt': 'b\n' });
    const refused = push('leak');
    expectRefused(refused);
    expect(refused.out).toContain('push refused');
    expect(remoteHas('leak')).toBe(false); // the remote never received it

    repo.git('checkout', '-q', 'main');
    repo.git('checkout', '-q', '-b', 'clean');
    repo.commit('clean work', { 'c.txt': 'c\n' });
    expectAccepted(push('clean'));
    expect(remoteHas('clean')).toBe(true);

    // A key already on the remote (pushed past the hook) does not block a clean commit on top of it.
    expectAccepted(git(repo, ['push', '-q', '--no-verify', 'origin', 'leak']));
    repo.git('checkout', '-q', 'leak');
    repo.commit('clean on top', { 'd.txt': 'd\n' });
    expectAccepted(push('leak'));
  });

  it('gives a chained foreign pre-push hook (git-lfs style) the same refs on stdin', () => {
    const hook = join(repo.dir, '.git/hooks/pre-push');
    writeFileSync(hook, `#!/bin/sh\ncat >>"${repo.log}"\n`, { mode: 0o755 });
    expectAccepted(sh(repo, 'keyward', ['install', '--hook', 'pre-push']));
    const head = repo.git('rev-parse', 'HEAD');
    expectAccepted(push('main'));
    expect(logged(repo)).toEqual([`refs/heads/main ${head} refs/heads/main ${'0'.repeat(40)}`]);
  });
});

if (!STAGED_SCAN) console.warn(`e2e-plain: skipped: ${SKIP_REASON}`);
