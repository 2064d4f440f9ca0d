import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '@keyward/test-utils';
import {
  BUILT,
  expectCommitsGuarded,
  lefthookBinary,
  NOT_BUILT,
  publishFolder,
  publishRelease,
  readJson,
  run,
  scratchFor,
  TOOLS,
  userProject,
  type Ran,
  type Release,
} from './release.js';

/**
 * `npx keyward install` in a project that installed keyward from a registry, then real `git commit`s
 * through the hook it wrote: with no hook manager (a plain git hook), under husky 9 + lint-staged 16, and
 * under lefthook 2. The hooks can only find keyward in the project's node_modules (nothing of this
 * checkout is on their PATH), so this is the installed package blocking a commit, as a user gets it.
 * husky (no dependencies) is published to the test's registry; lint-staged and lefthook are linked from
 * this checkout's node_modules (the registry has no uplinks, and they have dependencies or a native binary).
 */
const LEFTHOOK = lefthookBinary();
const reasons = {
  husky: 'husky or lint-staged is not in node_modules (pnpm install installs tools/package.json)',
  lefthook: `lefthook has no binary for ${process.platform}-${process.arch} in node_modules`,
};
if (!BUILT) console.warn(`release test skipped: ${NOT_BUILT}`);
if (BUILT && !(TOOLS.husky && TOOLS.lintStaged))
  console.warn(`release test: husky skipped: ${reasons.husky}`);
if (BUILT && !LEFTHOOK) console.warn(`release test: lefthook skipped: ${reasons.lefthook}`);

let release: Release;
beforeAll(async () => {
  if (!BUILT) return;
  release = await publishRelease();
  if (TOOLS.husky) await publishFolder(release, TOOLS.husky);
}, 120_000);
afterAll(async () => {
  await release?.stop();
}, 60_000);

/** Runs a command in a folder (a repository, or the folder of a project inside one). */
const exec = (at: TempRepo | string, command: string, ...args: string[]) =>
  run(command, args, { cwd: typeof at === 'string' ? at : at.dir, env: release.env });

async function expectOk(ran: Promise<Ran>): Promise<Ran> {
  const done = await ran;
  expect(done.code, done.out).toBe(0);
  return done;
}

/** npm install in the project's folder; the hooks must find nothing but what it installed. */
async function install(project: string, ...args: string[]): Promise<void> {
  await expectOk(exec(project, 'npm', 'install', '--save-dev', ...args));
  expect(readJson(join(project, 'package.json')).devDependencies).toHaveProperty('keyward');
  const lock = readJson<{ packages: Record<string, { integrity?: string }> }>(
    join(project, 'package-lock.json'),
  );
  expect(lock.packages['node_modules/keyward']?.integrity).toBe(release.integrity);
  const onPath = await exec(project, 'sh', '-c', 'command -v keyward');
  expect(onPath.code, `keyward must not be on the hooks' PATH: ${onPath.out}`).not.toBe(0);
}

describe.skipIf(!BUILT).concurrent('keyward install, from the installed package', () => {
  it('a plain git hook (no hook manager)', async (context) => {
    const repo = userProject(scratchFor(context));
    await install(repo.dir, 'keyward');
    const installed = await expectOk(exec(repo, 'npx', 'keyward', 'install'));
    expect(installed.out).toContain('created .git/hooks/pre-commit (plain git hooks)');
    expect(installed.out).not.toContain('not in node_modules/.bin');
    const hook = readFileSync(join(repo.dir, '.git', 'hooks', 'pre-commit'), 'utf8');
    expect(hook).toContain('node_modules/.bin/keyward');

    await expectCommitsGuarded(repo, release.env, 'keyward: commit refused');
  }, 120_000);

  it('a project in a folder of the repository (web/), installed from there', async (context) => {
    // The repository holds more than the JavaScript project: keyward is installed in web/, and git runs
    // hooks from the top of the work tree, where there is no node_modules.
    const repo = scratchFor(context).repo();
    repo.commit('set-up', {
      'README.md': '# app\n',
      'web/package.json': `${JSON.stringify({ name: 'web', version: '1.0.0', private: true }, null, 2)}\n`,
      'web/.gitignore': 'node_modules/\n',
    });
    const web = join(repo.dir, 'web');
    await install(web, 'keyward');
    const installed = await expectOk(exec(web, 'npx', 'keyward', 'install'));
    expect(installed.out).toContain('created .git/hooks/pre-commit (plain git hooks)');
    expect(installed.out).not.toContain('not in node_modules/.bin');
    const hook = readFileSync(join(repo.dir, '.git', 'hooks', 'pre-commit'), 'utf8');
    expect(hook).toContain('keyward_bin=${KEYWARD_BIN:-web/node_modules/.bin/keyward}');
    expect(installed.out).toContain('the hooks run web/node_modules/.bin/keyward');

    await expectCommitsGuarded(repo, release.env, 'keyward: commit refused');
  }, 120_000);

  it.skipIf(!(TOOLS.husky && TOOLS.lintStaged))(
    `husky 9 + lint-staged 16 (${TOOLS.husky && TOOLS.lintStaged ? 'husky from the registry, lint-staged linked' : reasons.husky})`,
    async (context) => {
      // A JavaScript project as lint-staged's README sets it up: a task of its own, run by husky.
      const repo = userProject(scratchFor(context), { 'lint-staged': { '*.js': 'node --check' } });
      await install(repo.dir, 'keyward', 'husky', TOOLS.lintStaged!);
      expect(readJson(join(repo.dir, 'node_modules', 'husky', 'package.json')).version).toMatch(/^9\./);
      await expectOk(exec(repo, 'node_modules/.bin/husky', 'init'));
      expect(repo.git('config', 'core.hooksPath')).toBe('.husky/_');
      // husky puts node_modules/.bin on the hook's PATH (`npx lint-staged` would work too, only slower).
      repo.write({ '.husky/pre-commit': 'lint-staged\n' });

      const installed = await expectOk(exec(repo, 'npx', 'keyward', 'install'));
      expect(installed.out).toContain('edited package.json (lint-staged)');
      expect(readJson(join(repo.dir, 'package.json'))['lint-staged']).toEqual({
        '*': 'keyward scan --staged',
        '*.js': 'node --check',
      });

      await expectCommitsGuarded(repo, release.env, 'keyward scan --staged');
    },
    120_000,
  );

  it.skipIf(!LEFTHOOK)(
    `lefthook (${LEFTHOOK ? `lefthook ${LEFTHOOK}, linked` : reasons.lefthook})`,
    async (context) => {
      const repo = userProject(scratchFor(context));
      repo.commit('lefthook', {
        'lefthook.yml':
          'pre-commit:\n  commands:\n    syntax:\n      glob: "*.js"\n      run: node --check {staged_files}\n',
      });
      // lefthook's postinstall would run `lefthook install` from its linked folder: run it here instead.
      await install(repo.dir, '--ignore-scripts', 'keyward', TOOLS.lefthook!);
      await expectOk(exec(repo, 'node_modules/.bin/lefthook', 'install'));
      expect(readFileSync(join(repo.dir, '.git', 'hooks', 'pre-commit'), 'utf8')).toContain('lefthook');

      const installed = await expectOk(exec(repo, 'npx', 'keyward', 'install'));
      expect(installed.out).toContain('lefthook.yml');
      expect(readFileSync(join(repo.dir, 'lefthook.yml'), 'utf8')).toContain('node_modules/.bin/keyward');

      await expectCommitsGuarded(repo, release.env, 'keyward: commit refused');
    },
    120_000,
  );
});
