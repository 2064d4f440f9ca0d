import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRepo, type TempRepo } from '@keyward/test-utils';
import { PRE_COMMIT } from './pre-commit-tool.js';
import {
  cleanupRepo,
  commitFiles,
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

/** Debian's pre-commit (3.0.4: the oldest stage names), with its store in a temporary folder. */
const HAVE_PRE_COMMIT = 'version' in PRE_COMMIT;
const STORE = mkdtempSync(join(tmpdir(), 'keyward-pre-commit-home-'));
const env = (extra: Record<string, string> = {}) => hookEnv({ PRE_COMMIT_HOME: STORE, ...extra });
afterAll(() => rmSync(STORE, { recursive: true, force: true }));

let repo: TempRepo & { log: string };
let config: string;
beforeEach(() => {
  repo = e2eRepo();
  config = [
    '# team hooks',
    'repos:',
    '  - repo: local',
    '    hooks:',
    '      - id: record',
    '        name: record the staged files',
    `        entry: sh -c 'for f; do echo "record $f"; done >>"${repo.log}"' record`,
    '        language: system',
    '',
  ].join('\n');
  writeFileSync(join(repo.dir, '.pre-commit-config.yaml'), config);
  expectAccepted(run('pre-commit', ['install']));
  commitFiles(repo, 'set-up', { 'README.md': '# demo\n', '.pre-commit-config.yaml': config });
});
afterEach(() => cleanupRepo(repo));

function run(command: string, args: string[], extra: Record<string, string> = {}) {
  return sh(repo, command, args, env(extra));
}
const commit = (message: string, extra: Record<string, string> = {}) =>
  git(repo, ['commit', '-q', '-m', message], env(extra));
const push = (...args: string[]) => git(repo, ['push', '-q', 'origin', ...args], env());

describe.skipIf(!STAGED_SCAN || !HAVE_PRE_COMMIT)('the pre-commit framework, end to end', () => {
  it('refuses a staged key in git commit and in `pre-commit run`; the user’s hook still runs', () => {
    expectAccepted(run('keyward', ['install']));
    const edited = readFileSync(join(repo.dir, '.pre-commit-config.yaml'), 'utf8');
    expect(edited).toContain('  - repo: local\n    hooks:\n      - id: keyward\n');
    repo.git('add', '.pre-commit-config.yaml'); // pre-commit refuses to run with an unstaged config

    repo.write({ 'config.env': `OPENAI_API_KEY=${KEY}\n` });
    repo.git('add', 'config.env');
    expectRefused(run('pre-commit', ['run']));
    expectRefused(commit('leak'));
    expect(repo.git('log', '--format=%s')).toBe('set-up');

    repo.git('rm', '-q', '--cached', 'config.env');
    repo.write({ 'a.txt': 'a\n' });
    repo.git('add', 'a.txt');
    expectAccepted(commit('clean'));
    expect(logged(repo)).toContain('record a.txt');

    expectAccepted(run('keyward', ['uninstall']));
    expect(readFileSync(join(repo.dir, '.pre-commit-config.yaml'), 'utf8')).toBe(config);
  });

  it('`pre-commit run --all-files` (a CI job) fails on a key already committed, and passes without it', () => {
    expectAccepted(run('keyward', ['install']));
    repo.git('add', '.pre-commit-config.yaml');
    commitFiles(repo, 'wire keyward', {});
    expectAccepted(run('pre-commit', ['run', '--all-files', 'keyward']));
    repo.write({ 'config.env': `OPENAI_API_KEY=${KEY}\n` });
    repo.git('add', 'config.env');
    expectAccepted(git(repo, ['commit', '-q', '--no-verify', '-m', 'slipped past'], env()));
    expectRefused(run('pre-commit', ['run', '--all-files', 'keyward']));
  });

  it('keeps the unstaged changes of a partially staged file', () => {
    expectAccepted(run('keyward', ['install']));
    repo.git('add', '.pre-commit-config.yaml');
    commitFiles(repo, 'wire keyward', {});
    commitFiles(repo, 'notes', { 'notes.txt': 'one\n' });
    repo.write({ 'notes.txt': 'one\ntwo\n' });
    repo.git('add', 'notes.txt');
    repo.write({ 'notes.txt': `one\ntwo\nOPENAI_API_KEY=${KEY}\n` });
    expectAccepted(commit('two'));
    expect(repo.git('show', 'HEAD:notes.txt')).toBe('one\ntwo');
    expect(readFileSync(join(repo.dir, 'notes.txt'), 'utf8')).toBe(`one\ntwo\nOPENAI_API_KEY=${KEY}\n`);
  });
});

describe.skipIf(!PRE_PUSH_SCAN || !HAVE_PRE_COMMIT)('the pre-commit framework, pre-push', () => {
  let remote: TempRepo;
  beforeEach(() => {
    remote = createRepo({ bare: true });
    repo.git('remote', 'add', 'origin', remote.dir);
    expectAccepted(run('pre-commit', ['install', '--hook-type', 'pre-push']));
  });
  afterEach(() => remote.cleanup());

  it('scans only the commits being pushed (PRE_COMMIT_FROM_REF/TO_REF, or the whole new branch)', () => {
    expectAccepted(run('keyward', ['install', '--hook', 'pre-push']));
    repo.git('add', '.pre-commit-config.yaml');
    commitFiles(repo, 'wire keyward', {});
    expectAccepted(push('main')); // the first push starts at the root commit: pre-commit names no base

    repo.git('checkout', '-q', '-b', 'leak');
    repo.write({ 'config.env': `OPENAI_API_KEY=${KEY}\n` });
    repo.git('add', 'config.env');
    expectAccepted(git(repo, ['commit', '-q', '--no-verify', '-m', 'key'], env()));
    expectRefused(push('leak'));
    expect(remote.git('branch', '--list', 'leak')).toBe('');

    expectAccepted(git(repo, ['push', '-q', '--no-verify', 'origin', 'leak'], env()));
    commitFiles(repo, 'clean on top', { 'd.txt': 'd\n' });
    expectAccepted(push('leak'));
  });
});

// keyward's own .pre-commit-hooks.yaml (language: node, keyward from a registry) is tested end to end in
// packages/cli/test/release/pre-commit-framework.test.ts.

if (!HAVE_PRE_COMMIT)
  console.warn(`e2e-pre-commit: skipped: ${'missing' in PRE_COMMIT ? PRE_COMMIT.missing : ''}`);
if (!STAGED_SCAN) console.warn(`e2e-pre-commit: skipped: ${SKIP_REASON}`);
