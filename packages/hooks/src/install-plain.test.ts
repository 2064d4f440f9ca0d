import {
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TempRepo } from '@keyward/test-utils';
import {
  ENV,
  installOk,
  installProblem,
  modeOf,
  newRepo,
  read,
  roundTrip,
  snapshot,
  uninstallOk,
} from '../test/helpers.js';
import { install, isProblem } from './index.js';
import { beginMarker } from './launcher.js';

let repo: TempRepo;
beforeEach(() => {
  repo = newRepo();
});
afterEach(() => repo.cleanup());

describe('plain git hooks', () => {
  it('writes an executable hook where there was none, and uninstall deletes it', () => {
    roundTrip(repo, ['pre-commit', 'pre-push'], (result) => {
      expect(result.outcomes.map((o) => [o.hook, o.manager, o.status])).toEqual([
        ['pre-commit', 'plain', 'planned'],
        ['pre-push', 'plain', 'planned'],
      ]);
      expect(read(repo, '.git/hooks/pre-commit')).toMatch(/^#!\/bin\/sh\n# >>> keyward pre-commit/);
      expect(read(repo, '.git/hooks/pre-commit')).toContain('scan --staged');
      expect(read(repo, '.git/hooks/pre-push')).toContain('scan --pre-push');
      expect(modeOf(repo, '.git/hooks/pre-commit')).toBe(0o755);
      expect(existsSync(join(repo.dir, '.git/keyward/install.json'))).toBe(true);
    });
    expect(existsSync(join(repo.dir, '.git/keyward'))).toBe(false);
  });

  it('chains a foreign shell hook: keyward first, then the rest of it, byte-exact after uninstall', () => {
    const foreign = '#!/bin/bash\nset -e\necho "foreign $1" >>hook.log\nexit 3\n';
    writeFileSync(join(repo.dir, '.git/hooks/pre-commit'), foreign, { mode: 0o750 });
    roundTrip(repo, ['pre-commit'], () => {
      const text = read(repo, '.git/hooks/pre-commit');
      expect(text.startsWith('#!/bin/bash\n' + beginMarker('pre-commit'))).toBe(true);
      expect(text.endsWith('# <<< keyward pre-commit\nset -e\necho "foreign $1" >>hook.log\nexit 3\n')).toBe(
        true,
      );
      expect(modeOf(repo, '.git/hooks/pre-commit')).toBe(0o750);
    });
    expect(read(repo, '.git/hooks/pre-commit')).toBe(foreign);
  });

  it('keeps CRLF line endings and a missing final newline of a foreign hook', () => {
    const foreign = '#!/bin/sh\r\necho one\r\necho two';
    writeFileSync(join(repo.dir, '.git/hooks/pre-commit'), foreign, { mode: 0o755 });
    roundTrip(repo, ['pre-commit'], () => {
      const text = read(repo, '.git/hooks/pre-commit');
      expect(text).toContain('# >>> keyward pre-commit');
      expect(
        text
          .split('\n')
          .slice(0, -1)
          .every((line) => line.endsWith('\r')),
      ).toBe(true);
    });
  });

  it('moves a hook it cannot edit aside and runs it afterwards, then puts it back', () => {
    writeFileSync(join(repo.dir, '.git/hooks/pre-push'), '#!/usr/bin/env python3\nprint("lfs")\n', {
      mode: 0o755,
    });
    roundTrip(repo, ['pre-push'], () => {
      expect(read(repo, '.git/hooks/pre-push.keyward-chained')).toBe(
        '#!/usr/bin/env python3\nprint("lfs")\n',
      );
      expect(read(repo, '.git/hooks/pre-push')).toContain(
        'exec "$(dirname "$0")/pre-push.keyward-chained" "$@"',
      );
    });
    expect(existsSync(join(repo.dir, '.git/hooks/pre-push.keyward-chained'))).toBe(false);
  });

  it('never follows a symlinked hook: the link is moved aside and restored, its target untouched', () => {
    mkdirSync(join(repo.dir, 'scripts'));
    writeFileSync(join(repo.dir, 'scripts/pre-commit.sh'), '#!/bin/sh\necho shared\n', { mode: 0o755 });
    symlinkSync('../../scripts/pre-commit.sh', join(repo.dir, '.git/hooks/pre-commit'));
    roundTrip(repo, ['pre-commit'], () => {
      expect(readlinkSync(join(repo.dir, '.git/hooks/pre-commit.keyward-chained'))).toBe(
        '../../scripts/pre-commit.sh',
      );
      expect(read(repo, 'scripts/pre-commit.sh')).toBe('#!/bin/sh\necho shared\n');
    });
  });

  it('refuses to chain a hook git does not run (not executable)', () => {
    writeFileSync(join(repo.dir, '.git/hooks/pre-commit'), '#!/bin/sh\necho disabled\n', { mode: 0o644 });
    const before = snapshot(repo);
    expect(installProblem(repo).code).toBe('hook-not-executable');
    expect(snapshot(repo)).toEqual(before);
  });

  it('uses core.hooksPath (relative to the work tree root) from a subfolder', () => {
    repo.git('config', 'core.hooksPath', '.githooks');
    mkdirSync(join(repo.dir, 'src/deep'), { recursive: true });
    const before = snapshot(repo);
    installOk(repo, ['pre-commit'], { cwd: join(repo.dir, 'src/deep') });
    expect(read(repo, '.githooks/pre-commit')).toContain('scan --staged');
    expect(existsSync(join(repo.dir, '.git/hooks/pre-commit'))).toBe(false);
    uninstallOk(repo, { cwd: join(repo.dir, 'src/deep') });
    expect(snapshot(repo)).toEqual(before); // the .githooks folder it created is gone again
  });

  it('refuses a hooks folder set in the global git config: a hook there would run in every repository', () => {
    const globalConfig = `${repo.dir}.gitconfig`;
    writeFileSync(globalConfig, `[core]\n\thooksPath = ${repo.dir}-shared-hooks\n`);
    try {
      const result = install({
        cwd: repo.dir,
        hooks: ['pre-commit'],
        env: { ...ENV, GIT_CONFIG_GLOBAL: globalConfig },
      });
      expect(result).toMatchObject({ code: 'shared-hooks-dir', data: { scope: 'global' } });
      expect(existsSync(`${repo.dir}-shared-hooks`)).toBe(false);
      // A folder set for this repository alone is fine.
      repo.git('config', 'core.hooksPath', '.githooks');
      expect(
        isProblem(
          install({ cwd: repo.dir, hooks: ['pre-commit'], env: { ...ENV, GIT_CONFIG_GLOBAL: globalConfig } }),
        ),
      ).toBe(false);
    } finally {
      rmSync(globalConfig, { force: true });
    }
  });

  it('installs from a linked worktree into the shared hooks folder; uninstall works from either', () => {
    repo.commit('initial', { 'a.txt': 'a\n' });
    const worktree = `${repo.dir}-wt`;
    repo.git('worktree', 'add', '-q', worktree);
    try {
      const before = snapshot(repo);
      installOk({ dir: worktree });
      expect(read(repo, '.git/hooks/pre-commit')).toContain('scan --staged');
      expect(installOk(repo).outcomes[0]?.status).toBe('already');
      uninstallOk(repo);
      expect(snapshot(repo)).toEqual(before);
    } finally {
      rmSync(worktree, { recursive: true, force: true });
    }
  });

  it('reports a user-written keyward command as such and leaves it alone', () => {
    const own = '#!/bin/sh\nnpx keyward scan --staged\n';
    writeFileSync(join(repo.dir, '.git/hooks/pre-commit'), own, { mode: 0o755 });
    const result = installOk(repo);
    expect(result.outcomes[0]?.status).toBe('user-wired');
    expect(result.written).toBe(false);
    uninstallOk(repo);
    expect(read(repo, '.git/hooks/pre-commit')).toBe(own);
  });
});

describe('uninstall after the user changed things', () => {
  it('keeps the user’s later edits and removes only keyward’s block', () => {
    writeFileSync(join(repo.dir, '.git/hooks/pre-commit'), '#!/bin/sh\necho one\n', { mode: 0o755 });
    installOk(repo);
    const path = join(repo.dir, '.git/hooks/pre-commit');
    writeFileSync(path, read(repo, '.git/hooks/pre-commit') + 'echo two\n');
    const result = uninstallOk(repo);
    expect(result.actions.map((a) => a.action)).toEqual(['edited']);
    expect(read(repo, '.git/hooks/pre-commit')).toBe('#!/bin/sh\necho one\necho two\n');
    expect(existsSync(join(repo.dir, '.git/keyward'))).toBe(false);
  });

  it('leaves a file whose keyward lines were edited by hand, reports it, and keeps the record', () => {
    installOk(repo);
    const path = join(repo.dir, '.git/hooks/pre-commit');
    const changed = read(repo, '.git/hooks/pre-commit').replace('scan --staged', 'scan --staged --quiet');
    writeFileSync(path, changed);
    const result = uninstallOk(repo);
    expect(result.problems.map((p) => p.code)).toEqual(['changed-since-install']);
    expect(read(repo, '.git/hooks/pre-commit')).toBe(changed);
    expect(existsSync(join(repo.dir, '.git/keyward/install.json'))).toBe(true);
  });

  it('forgets an install whose block the user removed by hand, and installs afresh', () => {
    writeFileSync(join(repo.dir, '.git/hooks/pre-commit'), '#!/bin/sh\necho one\n', { mode: 0o755 });
    installOk(repo);
    writeFileSync(join(repo.dir, '.git/hooks/pre-commit'), '#!/bin/sh\necho one\n');
    expect(installOk(repo).outcomes[0]?.status).toBe('planned');
    uninstallOk(repo);
    expect(read(repo, '.git/hooks/pre-commit')).toBe('#!/bin/sh\necho one\n');
  });
});

describe('the install record', () => {
  it('still fits after the repository is moved', () => {
    writeFileSync(join(repo.dir, '.git/hooks/pre-commit'), '#!/bin/sh\necho one\n', { mode: 0o755 });
    installOk(repo);
    const moved = `${repo.dir}-moved`;
    renameSync(repo.dir, moved);
    try {
      const result = uninstallOk({ dir: moved });
      expect(result.problems).toEqual([]);
      expect(readFileSync(join(moved, '.git/hooks/pre-commit'), 'utf8')).toBe('#!/bin/sh\necho one\n');
    } finally {
      renameSync(moved, repo.dir);
    }
  });
});
