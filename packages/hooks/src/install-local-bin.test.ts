import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempRepo } from '@keyward/test-utils';
import { ENV, newRepo, read, uninstallOk } from '../test/helpers.js';
import { huskyInit } from '../test/tools.js';
import { install, isProblem, type InstallResult } from './index.js';
import { DEFAULT_BIN, launcherLines, shellWord } from './launcher.js';

/**
 * keyward installed in a project that is a folder of the repository (`web/package.json`, `npm install
 * --save-dev keyward` and `npx keyward install` run in web/): git runs hooks from the top of the work tree,
 * where there is no node_modules, so the hooks must look in web/node_modules/.bin. And `npx keyward
 * install` must not take the node_modules/.bin that npx puts on its own PATH for one a hook will find.
 */

/** The machine's PATH without any folder holding a keyward, so only what a test puts there counts. */
const PATH = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => dir && !dir.includes('node_modules') && !existsSync(join(dir, 'keyward')))
  .join(delimiter);
const env = (extra: Record<string, string> = {}) => ({ ...ENV, PATH, NO_COLOR: '1', ...extra });

let repo: TempRepo;
beforeEach(() => {
  repo = newRepo();
  repo.commit('set-up', { 'README.md': '# app\n', 'web/package.json': '{ "name": "web" }\n' });
});
afterEach(() => repo.cleanup());

/** An executable `keyward` in `<folder>/node_modules/.bin` that logs its arguments and exits $STUB_EXIT. */
function stubKeyward(folder: string): string {
  const bin = join(repo.dir, folder, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  const log = join(repo.dir, '.git', 'stub-calls.log'); // a path the stub can quote
  writeFileSync(join(bin, 'keyward'), `#!/bin/sh\necho "$0 $*" >>'${log}'\nexit \${STUB_EXIT:-0}\n`, {
    mode: 0o755,
  });
  return log;
}

function installFrom(folder: string, extra: Record<string, string> = {}, manager?: 'husky'): InstallResult {
  const result = install({
    cwd: join(repo.dir, folder),
    hooks: ['pre-commit'],
    env: env(extra),
    ...(manager ? { manager } : {}),
  });
  if (isProblem(result)) throw new Error(`install failed: ${result.code} ${JSON.stringify(result.data)}`);
  return result;
}

/** A real `git commit` run in `folder`, through the hooks. */
function commit(folder: string, file: string, stubExit: number) {
  repo.write({ [file]: `${file}\n` });
  repo.git('add', file);
  const ran = spawnSync('git', ['commit', '-q', '-m', file], {
    cwd: join(repo.dir, folder),
    env: env({ STUB_EXIT: String(stubExit) }),
    encoding: 'utf8',
  });
  return { status: ran.status, out: `${ran.stdout}${ran.stderr}` };
}

describe('hooks of a project in a folder of the repository', () => {
  it('run the keyward that the folder installed, for commits made anywhere in the work tree', () => {
    const log = stubKeyward('web');
    const result = installFrom('web');
    expect(result.outcomes.map((o) => [o.manager, o.status])).toEqual([['plain', 'planned']]);
    expect(result.notes).toContain(
      "the hooks run web/node_modules/.bin/keyward: git runs hooks from the top of the repository, not from this project's folder.",
    );
    expect(result.notes.join('\n')).not.toContain('not in node_modules/.bin');
    expect(read(repo, '.git/hooks/pre-commit')).toContain(
      '  keyward_bin=${KEYWARD_BIN:-web/node_modules/.bin/keyward}\n',
    );

    // The stub stands for keyward: exit 1 (a key) refuses the commit, 0 lets it through.
    const refused = commit('', 'a.txt', 1);
    expect(refused.status, refused.out).toBe(1);
    expect(refused.out).toContain('keyward: commit refused');
    expect(commit('', 'b.txt', 0).status).toBe(0);
    expect(commit('web', 'web/c.txt', 0).status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe(`${'web/node_modules/.bin/keyward scan --staged\n'.repeat(3)}`);
    expect(repo.git('log', '--format=%s')).toBe('web/c.txt\nb.txt\nset-up');
  });

  it('are left as they were when the top of the work tree has keyward (the nearest install wins)', () => {
    stubKeyward('');
    const result = installFrom('web');
    expect(result.notes).toEqual([]);
    expect(read(repo, '.git/hooks/pre-commit')).toContain(`  keyward_bin=\${KEYWARD_BIN:-${DEFAULT_BIN}}\n`);
    expect(read(repo, '.git/hooks/pre-commit')).toBe(
      ['#!/bin/sh', ...launcherLines('pre-commit', 'staged'), ''].join('\n'),
    );
  });

  it('quote a folder name the shell would split, and still find keyward there', () => {
    repo.commit('app', { "my app's/package.json": '{ "name": "app" }\n' });
    const log = stubKeyward("my app's");
    installFrom("my app's");
    expect(read(repo, '.git/hooks/pre-commit')).toContain(
      `  keyward_bin=\${KEYWARD_BIN:-'my app'\\''s/node_modules/.bin/keyward'}\n`,
    );
    expect(commit('', 'a.txt', 1).status).toBe(1);
    expect(commit('', 'b.txt', 0).status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe("my app's/node_modules/.bin/keyward scan --staged\n".repeat(2));
  });

  it('put the same path into a husky hook (husky runs from the top too), and uninstall removes it', () => {
    stubKeyward('web');
    huskyInit(repo.dir);
    writeFileSync(join(repo.dir, '.husky', 'pre-commit'), 'echo "team checks"\n');
    installFrom('web', {}, 'husky');
    expect(read(repo, '.husky/pre-commit')).toContain('${KEYWARD_BIN:-web/node_modules/.bin/keyward}');
    const refused = commit('', 'a.txt', 1);
    expect(refused.status, refused.out).toBe(1);
    expect(refused.out).toContain('keyward: commit refused');
    const accepted = commit('', 'b.txt', 0);
    expect(accepted.status, accepted.out).toBe(0);
    expect(accepted.out).toContain('team checks');
    uninstallOk(repo, { cwd: join(repo.dir, 'web') });
    expect(read(repo, '.husky/pre-commit')).toBe('echo "team checks"\n');
  });

  it('put the same path into lefthook.yml and a `repo: local` pre-commit framework hook', () => {
    stubKeyward('web');
    repo.commit('managers', {
      'lefthook.yml': 'pre-commit:\n  commands:\n    lint:\n      run: echo lint\n',
      '.pre-commit-config.yaml':
        'repos:\n  - repo: local\n    hooks:\n      - id: lint\n        name: lint\n        entry: "true"\n        language: system\n',
    });
    const line = 'keyward_bin=${KEYWARD_BIN:-web/node_modules/.bin/keyward}';
    for (const manager of ['lefthook', 'pre-commit'] as const) {
      const result = install({
        cwd: join(repo.dir, 'web'),
        hooks: ['pre-commit', 'pre-push'],
        env: env(),
        manager,
      });
      if (isProblem(result)) throw new Error(`${manager}: ${result.code}`);
      expect(result.written).toBe(true);
    }
    for (const file of ['lefthook.yml', '.pre-commit-config.yaml']) {
      const text = read(repo, file);
      expect(text.split(line).length - 1, file).toBe(2); // pre-commit and pre-push
      expect(text, file).not.toContain(`:-${DEFAULT_BIN}}`);
    }
  });
});

describe('whether a hook will find keyward', () => {
  it('does not count the node_modules/.bin that npx puts on PATH for `npx keyward install` alone', () => {
    // npx ran keyward from web/, but install runs at the top (cwd) with no keyward there: the hook will not
    // have web/node_modules/.bin on its PATH.
    stubKeyward('web');
    const bin = join(repo.dir, 'web', 'node_modules', '.bin');
    const result = installFrom('', { PATH: `${bin}${delimiter}${PATH}` });
    expect(result.notes).toContain(
      'keyward is not in node_modules/.bin or on PATH: the hook refuses commits until it is (npm install --save-dev keyward).',
    );
  });

  it('counts a keyward on PATH elsewhere (a global install)', () => {
    const global = tempDir('keyward-global-bin-');
    try {
      writeFileSync(join(global, 'keyward'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      const result = installFrom('', { PATH: `${global}${delimiter}${PATH}` });
      expect(result.notes).toEqual([]);
    } finally {
      rmSync(global, { recursive: true, force: true });
    }
  });
});

describe('shellWord', () => {
  it('leaves plain paths bare and single-quotes the rest', () => {
    expect(shellWord('node_modules/.bin/keyward')).toBe('node_modules/.bin/keyward');
    expect(shellWord('apps/web-1/@x/node_modules/.bin/keyward')).toBe(
      'apps/web-1/@x/node_modules/.bin/keyward',
    );
    expect(shellWord('a b/$HOME/`x`')).toBe("'a b/$HOME/`x`'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
  });
});
