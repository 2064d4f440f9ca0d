import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GIT_ENV, Scratch, createRepo, tempDir, type TempRepo } from '@keyward/test-utils';
import { gitStates } from '../../src/agents/git-state.js';
import { localGitStates } from '../../src/agents/git-local/index.js';

const scratch = new Scratch();
afterEach(() => scratch.clear());

/** A home of its own (global excludes file, ~/.gitconfig) and no system configuration. */
function homeEnv(): Record<string, string | undefined> {
  const home = tempDir('keyward-git-home-');
  scratch.add(() => rmSync(home, { recursive: true, force: true }));
  return {
    ...process.env,
    ...GIT_ENV,
    GIT_CONFIG_GLOBAL: undefined,
    HOME: home,
    XDG_CONFIG_HOME: undefined,
  };
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** The files every case asks about: configs at several depths, ignored in several ways. */
const FILES = [
  '.mcp.json',
  '.env',
  '.env.local',
  'keep.env',
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.continue/models/a.yaml',
  'build/.mcp.json',
  'build/keep/x.json',
  'apps/web/.cursor/mcp.json',
  'apps/web/.env',
  'apps/web/keep.env',
  'a',
  'ab/cdefghijklmno/pqrstuvwxyz0123456789.json',
  'global.secret',
  'exclude.me',
];

/** A working tree with every kind of ignore rule git has, the global ones under `env.HOME`. */
function populate(dir: string, env: Record<string, string | undefined>): void {
  write(dir, Object.fromEntries(FILES.map((f) => [f, `${f}\n`])));
  write(dir, {
    '.gitignore': '.env*\n*.local.json\nbuild/\n!keep.env\n',
    'build/.gitignore': '!keep/\n!x.json\n', // cannot re-include: build/ itself is ignored
    'apps/web/.gitignore': '!.env\nkeep.env\n',
  });
  // A linked worktree's `.git` is a file: its exclude file is the main repository's.
  if (statSync(join(dir, '.git')).isDirectory()) write(dir, { '.git/info/exclude': 'exclude.me\n' });
  write(env.HOME!, { '.config/git/ignore': '*.secret\n' });
}

async function bothViews(repo: TempRepo, env: Record<string, string | undefined>) {
  const files = FILES.map((f) => join(repo.dir, f));
  const byGit = await gitStates(files, repo.dir, env, { local: false });
  const local = localGitStates(FILES, repo.dir, env);
  return { byGit, local, merged: await gitStates(files, repo.dir, env) };
}

const asPaths = (states: Map<string, string>, root: string) =>
  Object.fromEntries([...states].map(([file, state]) => [file.slice(root.length + 1), state]));

describe("git's view of agent configs, read without git (checked against git status)", () => {
  it('a repository with no commit and no index: untracked or ignored, by every kind of rule', async () => {
    const env = homeEnv();
    const repo = scratch.repo();
    populate(repo.dir, env);
    const { byGit, local, merged } = await bothViews(repo, env);
    expect(local).toBeDefined();
    expect(Object.fromEntries(local!)).toEqual(asPaths(byGit, repo.dir));
    expect(merged).toEqual(byGit);
    // The cases the rules make: a sample of git's own answers, so a change in both would show.
    expect(local!.get('build/keep/x.json')).toBe('ignored');
    expect(local!.get('keep.env')).toBe('untracked');
    expect(local!.get('apps/web/.env')).toBe('untracked');
    expect(local!.get('apps/web/keep.env')).toBe('ignored');
    expect(local!.get('global.secret')).toBe('ignored');
    expect(local!.get('exclude.me')).toBe('ignored');
  });

  it('after a commit, a clone, packed refs, a gc and index version 4: tracked files too', async () => {
    const env = homeEnv();
    const repo = scratch.repo();
    populate(repo.dir, env);
    repo.git('add', '--', '.mcp.json', '.claude/settings.json', 'a', 'ab', '.gitignore', 'apps');
    repo.git('add', '-f', '--', '.env.local'); // tracked although ignored: tracked wins
    repo.commit('configs');
    const check = async (r: TempRepo) => {
      const { byGit, local } = await bothViews(r, env);
      expect(local).toBeDefined();
      expect(Object.fromEntries(local!)).toEqual(asPaths(byGit, r.dir));
      return local!;
    };
    expect((await check(repo)).get('.env.local')).toBe('tracked');
    repo.git('update-index', '--index-version', '4');
    await check(repo);
    repo.git('pack-refs', '--all');
    repo.git('gc', '-q');
    await check(repo);
    const parent = tempDir();
    scratch.add(() => rmSync(parent, { recursive: true, force: true }));
    mkdirSync(join(parent, 'clone'));
    const clone = createRepo({ dir: join(parent, 'clone') });
    clone.git('pull', '-q', repo.dir, 'main');
    populate(clone.dir, env);
    expect((await check(clone)).get('.mcp.json')).toBe('tracked');
  });

  it('no commit yet, files added: staged', async () => {
    const env = homeEnv();
    const repo = scratch.repo();
    populate(repo.dir, env);
    repo.git('add', '--', '.mcp.json', 'apps/web/.cursor/mcp.json');
    const { byGit, local } = await bothViews(repo, env);
    expect(Object.fromEntries(local!)).toEqual(asPaths(byGit, repo.dir));
    expect(local!.get('.mcp.json')).toBe('staged');
  });

  it('leaves to git what the files do not tell plainly, and then gives git its answer', async () => {
    const env = homeEnv();
    const cases: Array<[string, (repo: TempRepo) => unknown]> = [
      ['a staged change', (repo) => repo.git('add', '--', '.claude/settings.json')],
      ['an intent-to-add entry', (repo) => repo.git('add', '-N', '--', 'a')],
      ['an include in the configuration', (repo) => repo.git('config', 'include.path', '/dev/null')],
      ['case-insensitive paths', (repo) => repo.git('config', 'core.ignoreCase', 'true')],
      ['a nested repository', (repo) => createRepo({ dir: join(repo.dir, 'apps', 'web') })],
      ['a linked worktree', (repo) => repo.git('worktree', 'add', '-q', join(repo.dir, 'linked'))],
    ];
    for (const [name, make] of cases) {
      const repo = scratch.repo();
      populate(repo.dir, env);
      repo.commit('configs', { '.mcp.json': '{}\n' });
      expect(localGitStates(FILES, repo.dir, env), name).toBeDefined();
      make(repo);
      const root = name === 'a linked worktree' ? join(repo.dir, 'linked') : repo.dir;
      if (root !== repo.dir) populate(root, env);
      const files = FILES.map((f) => join(root, f));
      expect(localGitStates(FILES, root, env), name).toBeUndefined();
      expect(await gitStates(files, root, env), name).toEqual(
        await gitStates(files, root, env, { local: false }),
      );
    }
    const repo = scratch.repo();
    expect(localGitStates(FILES, repo.dir, { ...env, GIT_DIR: join(repo.dir, '.git') })).toBeUndefined();
  });

  it('core.excludesFile from ~/.gitconfig, with ~ expanded', async () => {
    const env = homeEnv();
    const repo = scratch.repo();
    populate(repo.dir, env);
    write(env.HOME!, {
      '.gitconfig': '[user]\n\tname = Ada\n[core]\n\texcludesFile = ~/ignores/global # ours\n',
      'ignores/global': 'a\n',
    });
    const { byGit, local } = await bothViews(repo, env);
    expect(Object.fromEntries(local!)).toEqual(asPaths(byGit, repo.dir));
    expect(local!.get('a')).toBe('ignored');
    expect(local!.get('global.secret')).toBe('untracked'); // the default file is no longer read
  });
});
