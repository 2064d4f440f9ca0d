import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRepo, type TempRepo } from '@keyward/test-utils';
import { snapshot } from './helpers.js';
import { huskyInit } from './tools.js';
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

/** The real husky (v9) running the real lint-staged, as most JavaScript projects have them. */
let repo: TempRepo & { log: string };
beforeEach(() => {
  repo = e2eRepo();
  huskyInit(repo.dir);
  // The user's own lint-staged task: records the files it was given, outside the repository.
  writeFileSync(
    join(repo.dir, 'record.cjs'),
    `require('fs').appendFileSync(${JSON.stringify(repo.log)}, process.argv.slice(2).map((f) => 'task ' + require('path').basename(f)).join('\\n') + '\\n');\n`,
  );
  writeFileSync(
    join(repo.dir, 'package.json'),
    '{\n  "name": "demo",\n  "private": true,\n  "lint-staged": {\n    "*.txt": "node record.cjs"\n  }\n}\n',
  );
  writeFileSync(join(repo.dir, '.husky/pre-commit'), 'lint-staged\n');
  repo.commit('set-up', {
    'README.md': '# demo\n',
    'record.cjs': readFileSync(join(repo.dir, 'record.cjs'), 'utf8'),
  });
});
afterEach(() => cleanupRepo(repo));

const commit = (message: string) => git(repo, ['commit', '-q', '-m', message]);
const stage = (files: Record<string, string>) => {
  repo.write(files);
  repo.git('add', '--', ...Object.keys(files));
};

describe.skipIf(!STAGED_SCAN)('husky + lint-staged, end to end', () => {
  it('wires lint-staged; git commit and lint-staged alone refuse a staged key; the user’s task still runs', () => {
    const before = snapshot(repo);
    const installed = sh(repo, 'keyward', ['install']);
    expectAccepted(installed);
    expect(installed.out).toContain('edited package.json (lint-staged)');

    stage({ 'config.env': `OPENAI_API_KEY=${KEY}\n`, 'a.txt': 'a\n' });
    // lint-staged runs `keyward scan --staged` itself: keyward's report, redacted, and a failed task.
    for (const ran of [sh(repo, 'lint-staged', []), commit('leak')]) {
      expect(ran.status, ran.out).not.toBe(0);
      expect(ran.out).toContain('openai-project-key');
      expect(ran.out).toContain('sk-proj-…');
      expect(ran.out).toContain('keyward:allow'); // what to do next, from keyward itself
      expect(ran.out).not.toContain(KEY);
    }
    expect(repo.git('log', '--format=%s')).toBe('set-up');

    repo.git('rm', '-q', '--cached', 'config.env');
    expectAccepted(commit('clean'));
    expect(logged(repo)).toContain('task a.txt');
    expect(repo.git('log', '-1', '--format=%s')).toBe('clean');

    expectAccepted(sh(repo, 'keyward', ['uninstall']));
    const after = snapshot(repo);
    for (const file of ['package.json', '.husky/pre-commit', '.husky/_/pre-commit', '.git/config']) {
      expect(after[file], file).toBe(before[file]);
    }
    expect(Object.keys(after).filter((f) => f.includes('keyward'))).toEqual([]);
  });

  it('keeps the unstaged changes of a partially staged file through lint-staged’s stash', () => {
    expectAccepted(sh(repo, 'keyward', ['install']));
    commitFiles(repo, 'notes', { 'notes.txt': 'one\n' });
    stage({ 'notes.txt': 'one\ntwo\n' });
    repo.write({ 'notes.txt': `one\ntwo\nOPENAI_API_KEY=${KEY}\n` }); // unstaged, and holding a key
    expectAccepted(commit('two'));
    expect(repo.git('show', 'HEAD:notes.txt')).toBe('one\ntwo');
    expect(readFileSync(join(repo.dir, 'notes.txt'), 'utf8')).toBe(`one\ntwo\nOPENAI_API_KEY=${KEY}\n`);
  });
});

describe.skipIf(!PRE_PUSH_SCAN)('husky pre-push, end to end', () => {
  it('refuses a push whose new commits hold a key, and lets a clean branch through', () => {
    const remote = createRepo({ bare: true });
    try {
      repo.git('remote', 'add', 'origin', remote.dir);
      expectAccepted(sh(repo, 'keyward', ['install', '--hook', 'pre-push']));
      expect(readFileSync(join(repo.dir, '.husky/pre-push'), 'utf8')).toContain('scan --pre-push');
      expectAccepted(git(repo, ['push', '-q', 'origin', 'main']));
      repo.git('checkout', '-q', '-b', 'leak');
      repo.write({ 'config.env': `OPENAI_API_KEY=${KEY}\n` });
      repo.git('add', 'config.env');
      expectAccepted(git(repo, ['commit', '-q', '--no-verify', '-m', 'key']));
      expectRefused(git(repo, ['push', '-q', 'origin', 'leak']));
      expect(remote.git('branch', '--list', 'leak')).toBe('');
    } finally {
      remote.cleanup();
    }
  });
});

if (!STAGED_SCAN) console.warn(`e2e-husky-lint-staged: skipped: ${SKIP_REASON}`);
