import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@keyward/test-utils';
import {
  available,
  BUILT,
  expectCommitsGuarded,
  expectWorks,
  fileSize,
  KEY,
  KEY_FILE,
  NOT_BUILT,
  packedFile,
  projectWithoutPackage,
  publishRelease,
  readJson,
  run,
  scratchFor,
  TOOLS,
  treeBytes,
  userProject,
  VERSION,
  type Release,
} from './release.js';

/**
 * keyward as users get it: from a real registry that holds nothing but the packed tarball, into fresh
 * git repositories, with npm, pnpm and yarn classic (`--save-dev`), `npm install -g` (into a prefix of the
 * test's own) and `npx -y keyward@<version>` with nothing installed. Each install is the one package, with
 * no dependencies, and its `keyward` prints the version and scans. The registry's own caches and stores
 * are the only ones used, so every package comes from it.
 */
const PNPM = available('pnpm');
const reasons = {
  pnpm: 'pnpm is not on PATH',
  yarn: 'yarn classic is not in node_modules (pnpm install installs tools/package.json)',
};
if (!BUILT) console.warn(`release test skipped: ${NOT_BUILT}`);
if (BUILT && !PNPM) console.warn(`release test: pnpm add skipped: ${reasons.pnpm}`);
if (BUILT && !TOOLS.yarn) console.warn(`release test: yarn add skipped: ${reasons.yarn}`);

let release: Release;
beforeAll(async () => {
  if (BUILT) release = await publishRelease();
}, 120_000);
afterAll(async () => {
  await release?.stop();
}, 60_000);

/** The installed package's manifest: no dependencies of any kind and no install scripts. */
function expectSelfContained(packageDir: string): void {
  const manifest = readJson(join(packageDir, 'package.json'));
  expect(manifest.name).toBe('keyward');
  expect(manifest.version).toBe(VERSION);
  for (const field of [
    'dependencies',
    'optionalDependencies',
    'peerDependencies',
    'bundleDependencies',
    'bundledDependencies',
    'devDependencies',
    'scripts',
  ]) {
    expect(manifest[field], field).toBeUndefined();
  }
}

/** The names (not dotfiles) in a folder, sorted. */
function names(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort();
}

describe.skipIf(!BUILT).concurrent('keyward installed from a registry', () => {
  it('npm install --save-dev: one package, no dependencies; the footprint', async (context) => {
    const repo = userProject(scratchFor(context));
    const installed = await run('npm', ['install', '--save-dev', 'keyward'], {
      cwd: repo.dir,
      env: release.env,
    });
    expect(installed.code, installed.out).toBe(0);
    expect(installed.out).toMatch(/\badded 1 package\b/);

    // What npm installed: keyward alone, from this registry, at the packed version.
    const lock = readJson<{
      packages: Record<string, { version?: string; resolved?: string; integrity?: string; dev?: boolean }>;
    }>(join(repo.dir, 'package-lock.json'));
    const packages = Object.keys(lock.packages).filter((path) => path !== '');
    expect(packages).toEqual(['node_modules/keyward']);
    expect(lock.packages['node_modules/keyward']).toMatchObject({
      version: VERSION,
      resolved: `${release.registry.url}keyward/-/keyward-${VERSION}.tgz`,
      integrity: release.integrity,
      dev: true,
    });
    expect(names(join(repo.dir, 'node_modules'))).toEqual(['keyward']);
    expect(readdirSync(join(repo.dir, 'node_modules', '.bin'))).toEqual(['keyward']);
    expect(readJson(join(repo.dir, 'package.json')).devDependencies).toEqual({ keyward: `^${VERSION}` });
    expectSelfContained(join(repo.dir, 'node_modules', 'keyward'));

    // The footprint, measured before keyward first runs (a run adds V8's code cache to the package).
    const added = treeBytes(join(repo.dir, 'node_modules'));
    const unpacked = treeBytes(join(repo.dir, 'node_modules', 'keyward'));
    const footprint = {
      version: VERSION,
      packages: packages.length,
      bytes: added.bytes,
      files: added.files,
      packageBytes: unpacked.bytes,
      packageFiles: unpacked.files,
      tarballBytes: fileSize(release.tarball),
    };
    console.log(
      `footprint: \`npm install keyward\` (${VERSION}) adds ${footprint.packages} package: ` +
        `${footprint.bytes} bytes in ${footprint.files} files under node_modules ` +
        `(the package itself ${footprint.packageBytes} bytes, ${footprint.packageFiles} files); ` +
        `the tarball is ${footprint.tarballBytes} bytes\nfootprint: ${JSON.stringify(footprint)}`,
    );
    expect(footprint.packageBytes).toBeGreaterThan(footprint.tarballBytes);

    await expectWorks(repo, release.env, join(repo.dir, 'node_modules', '.bin', 'keyward'));
    // And the way the README runs it.
    const npx = await run('npx', ['keyward', '--version'], { cwd: repo.dir, env: release.env });
    expect(npx.code, npx.out).toBe(0);
    expect(npx.stdout.trim()).toBe(VERSION);

    // The README's audit: a key committed once, then removed, is still found in the history.
    const keyCommit = repo.commit('add config', KEY_FILE);
    repo.commit('empty the key', { 'config.env': 'OPENAI_API_KEY=\n' });
    const history = await run('npx', ['keyward', 'scan', '--history', '--format', 'json'], {
      cwd: repo.dir,
      env: release.env,
    });
    expect(history.code, history.stderr).toBe(1);
    const report = JSON.parse(history.stdout) as { findings: Array<Record<string, unknown>> };
    expect(report.findings.map((f) => [f.ruleId, f.path, f.commit])).toEqual([
      ['openai-project-key', 'config.env', keyCommit],
    ]);
    expect(history.out).not.toContain(KEY);
  }, 120_000);

  it.skipIf(!PNPM)(
    `pnpm add -D (${PNPM ? 'the pnpm on PATH' : reasons.pnpm})`,
    async (context) => {
      const repo = userProject(scratchFor(context));
      const installed = await run('pnpm', ['add', '-D', 'keyward'], { cwd: repo.dir, env: release.env });
      expect(installed.code, installed.out).toBe(0);
      expect(readJson(join(repo.dir, 'package.json')).devDependencies).toEqual({ keyward: `^${VERSION}` });
      // pnpm's virtual store has a folder for each package it installed (beside its lock.yaml): keyward's.
      const store = names(join(repo.dir, 'node_modules', '.pnpm'));
      expect(store.filter((name) => !['lock.yaml', 'node_modules'].includes(name))).toEqual([
        `keyward@${VERSION}`,
      ]);
      expect(names(join(repo.dir, 'node_modules'))).toEqual(['keyward']);
      expect(repo.git('ls-files', '--others', '--exclude-standard')).toBe('pnpm-lock.yaml');
      // The lockfile names the tarball by its hash: the packed one, not a `keyward` from anywhere else.
      expect(readFileSync(join(repo.dir, 'pnpm-lock.yaml'), 'utf8')).toContain(
        `resolution: {integrity: ${release.integrity}}`,
      );
      expectSelfContained(join(repo.dir, 'node_modules', 'keyward'));
      // Its store is the registry's folder, not the machine's.
      expect(readdirSync(join(release.registry.dir, 'pnpm-store')).length).toBeGreaterThan(0);

      await expectWorks(repo, release.env, join(repo.dir, 'node_modules', '.bin', 'keyward'));
      const exec = await run('pnpm', ['exec', 'keyward', '--version'], { cwd: repo.dir, env: release.env });
      expect(exec.code, exec.out).toBe(0);
      expect(exec.stdout.trim()).toBe(VERSION);

      // Its hook runs pnpm's node_modules/.bin/keyward (a shell script, where npm makes a symlink).
      const wired = await run('pnpm', ['exec', 'keyward', 'install'], {
        cwd: repo.dir,
        env: release.env,
      });
      expect(wired.code, wired.out).toBe(0);
      expect(wired.out).toContain('created .git/hooks/pre-commit (plain git hooks)');
      expect(wired.out).not.toContain('note:');
      await expectCommitsGuarded(repo, release.env, 'keyward: commit refused');
    },
    120_000,
  );

  it.skipIf(!TOOLS.yarn)(
    `yarn classic add -D (${TOOLS.yarn ? 'yarn 1 from node_modules' : reasons.yarn})`,
    async (context) => {
      const repo = userProject(scratchFor(context));
      const yarn = (...args: string[]) =>
        run(process.execPath, [TOOLS.yarn!, '--non-interactive', '--no-progress', ...args], {
          cwd: repo.dir,
          env: release.env,
        });
      const version = await yarn('--version');
      expect(version.stdout.trim()).toMatch(/^1\./);
      const installed = await yarn('add', '-D', 'keyward');
      expect(installed.code, installed.out).toBe(0);
      expect(readJson(join(repo.dir, 'package.json')).devDependencies).toEqual({ keyward: `^${VERSION}` });
      // yarn.lock: one entry, resolved from this registry.
      const lock = await run('git', ['diff', '--no-index', '--', '/dev/null', 'yarn.lock'], {
        cwd: repo.dir,
        env: release.env,
      });
      expect(lock.stdout.split('\n').filter((line) => /^\+[^\s#+]/.test(line))).toEqual([
        `+keyward@^${VERSION}:`,
      ]);
      expect(lock.stdout).toContain(`resolved "${release.registry.url}keyward/-/keyward-${VERSION}.tgz#`);
      expect(lock.stdout).toContain(`integrity ${release.integrity}`);
      expect(names(join(repo.dir, 'node_modules'))).toEqual(['keyward']);
      expectSelfContained(join(repo.dir, 'node_modules', 'keyward'));

      await expectWorks(repo, release.env, join(repo.dir, 'node_modules', '.bin', 'keyward'));
      const viaYarn = await yarn('--silent', 'keyward', '--version');
      expect(viaYarn.code, viaYarn.out).toBe(0);
      expect(viaYarn.stdout.trim()).toBe(VERSION);

      const wired = await yarn('--silent', 'keyward', 'install');
      expect(wired.code, wired.out).toBe(0);
      expect(wired.out).toContain('created .git/hooks/pre-commit (plain git hooks)');
      expect(wired.out).not.toContain('note:');
      await expectCommitsGuarded(repo, release.env, 'keyward: commit refused');
    },
    120_000,
  );

  it('npm install -g --prefix: one package, `keyward` on PATH', async (context) => {
    const scratch = scratchFor(context);
    const prefix = tempDir('keyward-prefix-');
    scratch.add(() => rmSync(prefix, { recursive: true, force: true }));
    const installed = await run('npm', ['install', '-g', '--prefix', prefix, 'keyward'], {
      cwd: prefix,
      env: release.env,
    });
    expect(installed.code, installed.out).toBe(0);
    expect(installed.out).toMatch(/\badded 1 package\b/);
    expect(names(join(prefix, 'lib', 'node_modules'))).toEqual(['keyward']);
    expect(readdirSync(join(prefix, 'bin'))).toEqual(['keyward']);
    // npm keeps no lockfile for a global install: the files themselves are the packed ones.
    for (const file of ['package.json', 'bundle/main.cjs']) {
      expect(readFileSync(join(prefix, 'lib', 'node_modules', 'keyward', file), 'utf8'), file).toBe(
        packedFile(release, file),
      );
    }
    expectSelfContained(join(prefix, 'lib', 'node_modules', 'keyward'));

    // A user's shell: the prefix's bin on PATH, in a repository with no package.json.
    const repo = projectWithoutPackage(scratch);
    const env = { ...release.env, PATH: `${join(prefix, 'bin')}${delimiter}${release.env.PATH}` };
    await expectWorks(repo, env, 'keyward');
    expect(existsSync(join(repo.dir, 'node_modules'))).toBe(false);

    // Its hook finds keyward on PATH, as git gives it the user's.
    const wired = await run('keyward', ['install'], { cwd: repo.dir, env });
    expect(wired.code, wired.out).toBe(0);
    expect(wired.out).toContain('created .git/hooks/pre-commit (plain git hooks)');
    expect(wired.out).not.toContain('note:');
    await expectCommitsGuarded(repo, env, 'keyward: commit refused');
  }, 120_000);

  it(`npx -y keyward@<version>, nothing installed`, async (context) => {
    const repo = projectWithoutPackage(scratchFor(context));
    await expectWorks(repo, release.env, 'npx', ['-y', `keyward@${VERSION}`], { json: false });
    // npx fetched it into the registry's own npm cache, and installed nothing in the project.
    expect(existsSync(join(repo.dir, 'node_modules'))).toBe(false);
    expect(existsSync(join(repo.dir, 'package.json'))).toBe(false);
    const npxCache = join(release.registry.env.npm_config_cache!, '_npx');
    const fetched = readdirSync(npxCache).map((dir) => names(join(npxCache, dir, 'node_modules')));
    expect(fetched).toEqual([['keyward']]);
    const npxDir = join(npxCache, readdirSync(npxCache)[0]!);
    expectSelfContained(join(npxDir, 'node_modules', 'keyward'));
    const npxLock = readJson<{ packages: Record<string, { integrity?: string }> }>(
      join(npxDir, 'package-lock.json'),
    );
    expect(npxLock.packages['node_modules/keyward']?.integrity).toBe(release.integrity);

    // A hook needs keyward installed: run from npx's cache, install says so.
    const wired = await run('npx', ['-y', `keyward@${VERSION}`, 'install', '--dry-run'], {
      cwd: repo.dir,
      env: release.env,
    });
    expect(wired.code, wired.out).toBe(0);
    expect(wired.out).toContain('would create .git/hooks/pre-commit (plain git hooks)');
    expect(wired.out).toContain('keyward is not in node_modules/.bin or on PATH');
  }, 120_000);
});
