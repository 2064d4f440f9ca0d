import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRepo, type TempRepo } from '@keyward/test-utils';
import { BIN } from './tools.js';
import {
  cleanupRepo,
  commitFiles,
  e2eRepo,
  expectAccepted,
  expectRefused,
  git,
  KEY,
  logged,
  PRE_PUSH_SCAN,
  sh,
  SKIP_REASON,
  STAGED_SCAN,
} from './e2e.js';

// Real git, hook managers and node start-ups: slow on a busy 2-core machine, never hanging.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

/** lefthook from npm (its Go binary), installed into the repository's hooks the way `lefthook install` does. */
let repo: TempRepo & { log: string };
let config: string;
beforeEach(() => {
  repo = e2eRepo();
  config = `# team hooks\npre-commit:\n  commands:\n    record:\n      run: echo "record {staged_files}" >>"${repo.log}"\n`;
  writeFileSync(join(repo.dir, 'lefthook.yml'), config);
  expectAccepted(sh(repo, `${BIN}/lefthook`, ['install']));
  commitFiles(repo, 'set-up', { 'README.md': '# demo\n' });
});
afterEach(() => cleanupRepo(repo));

const commit = (message: string) => git(repo, ['commit', '-q', '-m', message]);

describe.skipIf(!STAGED_SCAN)('lefthook, end to end', () => {
  it('refuses a staged key in git commit and in `lefthook run pre-commit`; the user’s command still runs', () => {
    expectAccepted(sh(repo, 'keyward', ['install']));
    expect(readFileSync(join(repo.dir, 'lefthook.yml'), 'utf8')).toContain('    keyward:\n      run: |\n');

    repo.write({ 'config.env': `OPENAI_API_KEY=${KEY}\n` });
    repo.git('add', 'config.env');
    expectRefused(sh(repo, `${BIN}/lefthook`, ['run', 'pre-commit']));
    expectRefused(commit('leak'));
    expect(repo.git('log', '--format=%s')).toBe('set-up');

    repo.git('rm', '-q', '--cached', 'config.env');
    repo.write({ 'a.txt': 'a\n' });
    repo.git('add', 'a.txt');
    expectAccepted(commit('clean'));
    expect(logged(repo)).toContain('record a.txt');

    expectAccepted(sh(repo, 'keyward', ['uninstall']));
    expect(readFileSync(join(repo.dir, 'lefthook.yml'), 'utf8')).toBe(config);
  });

  it('keeps the unstaged changes of a partially staged file', () => {
    expectAccepted(sh(repo, 'keyward', ['install']));
    commitFiles(repo, 'notes', { 'notes.txt': 'one\n' });
    repo.write({ 'notes.txt': 'one\ntwo\n' });
    repo.git('add', 'notes.txt');
    repo.write({ 'notes.txt': `one\ntwo\nOPENAI_API_KEY=${KEY}\n` });
    expectAccepted(commit('two'));
    expect(repo.git('show', 'HEAD:notes.txt')).toBe('one\ntwo');
    expect(readFileSync(join(repo.dir, 'notes.txt'), 'utf8')).toBe(`one\ntwo\nOPENAI_API_KEY=${KEY}\n`);
  });
});

describe.skipIf(!PRE_PUSH_SCAN)('lefthook pre-push, end to end', () => {
  it('refuses a push whose new commits hold a key and lets a clean one through', () => {
    const remote = createRepo({ bare: true });
    try {
      repo.git('remote', 'add', 'origin', remote.dir);
      expectAccepted(sh(repo, 'keyward', ['install', '--hook', 'pre-push']));
      expectAccepted(sh(repo, `${BIN}/lefthook`, ['install']));
      expectAccepted(git(repo, ['push', '-q', 'origin', 'main']));
      repo.git('checkout', '-q', '-b', 'leak');
      repo.write({ 'config.env': `OPENAI_API_KEY=${KEY}\n` });
      repo.git('add', 'config.env');
      expectAccepted(git(repo, ['commit', '-q', '--no-verify', '-m', 'key']));
      expectRefused(git(repo, ['push', '-q', 'origin', 'leak']));
      expect(remote.git('branch', '--list', 'leak')).toBe('');
      repo.git('checkout', '-q', 'main');
      commitFiles(repo, 'clean', { 'c.txt': 'c\n' });
      expectAccepted(git(repo, ['push', '-q', 'origin', 'main']));
    } finally {
      remote.cleanup();
    }
  });
});

if (!STAGED_SCAN) console.warn(`e2e-lefthook: skipped: ${SKIP_REASON}`);
