import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, fakeKey, tempDir, type TempRepo } from '@keyward/test-utils';
import { BUILT, NOT_BUILT, ROOT, VERSION, publishRelease, userPath, type Release } from './release.js';

/**
 * A team adds keyward's repository to .pre-commit-config.yaml and installs nothing else. The real
 * pre-commit (Debian's 3.0.4 on CI, installed by .ci/run) clones a hook repository holding the files it
 * reads from keyward's repository, as they are in this working tree, runs its `language: node` install
 * (`npm install` and `npm pack` in that root, then `npm install -g` of that tarball and `keyward@<version>`),
 * which fetches keyward from a real registry on 127.0.0.1 (verdaccio, no uplinks) holding the packed
 * tarball; then real `git commit`s and `git push`es go through the hooks it installed.
 */
/** What pre-commit reads in a hook repository: the manifest, and the root it `npm install`s and packs. */
const HOOK_REPO_FILES = ['.pre-commit-hooks.yaml', 'package.json', 'README.md', 'LICENSE'];

/** keyward's repository as pre-commit clones it: every tracked file, as it is in this working tree. */
function trackedFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  return listed.filter((file) => file !== '' && existsSync(join(ROOT, file)));
}

const KEY = fakeKey('openai-project', 1515);
const REDACTED = `sk-proj-…${KEY.slice(-4)}`;

function preCommitVersion(): string | undefined {
  const result = spawnSync('pre-commit', ['--version'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: userPath() },
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

const PRE_COMMIT = preCommitVersion();
const SKIP = !PRE_COMMIT
  ? 'pre-commit is not on PATH (.ci/run installs Debian’s package on CI: apt-get install pre-commit)'
  : !BUILT
    ? NOT_BUILT
    : undefined;
if (SKIP) console.warn(`pre-commit-framework.test.ts: skipped: ${SKIP}`);

interface Ran {
  code: number | null;
  out: string;
}

/** Runs a command to completion, stdout and stderr together; killed after `timeout` ms. */
function run(command: string, args: string[], cwd: string, timeout = 120_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (error) => (clearTimeout(timer), reject(error)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, out: signal ? `${out}\n(killed: ${signal})` : out });
    });
  });
}

let release: Release | undefined;
let store = '';
let env: Record<string, string> = {};
const made: TempRepo[] = [];

beforeAll(async () => {
  if (SKIP) return;
  release = await publishRelease();
  store = tempDir('keyward-pre-commit-home-');
  // pre-commit unsets npm_config_userconfig inside its node environment: npm_config_registry (in the
  // registry's env, part of the release's) is what points its npm at the local registry.
  env = { ...release.env, PRE_COMMIT_HOME: store };
}, 120_000);

afterAll(async () => {
  for (const repo of made) repo.cleanup();
  if (store) rmSync(store, { recursive: true, force: true });
  await release?.stop();
});

function repo(options: { bare?: boolean } = {}): TempRepo {
  const created = createRepo(options);
  made.push(created);
  return created;
}

/** Asserts that a hook refused because of the key, showing it redacted and never in full. */
function expectRefused(ran: Ran, hookName: string): void {
  expect(ran.code, ran.out).not.toBe(0);
  expect(ran.out).toMatch(new RegExp(`${hookName.replace(/[()]/g, '\\$&')}\\.+Failed`));
  expect(ran.out).toContain('openai-project-key');
  expect(ran.out).toContain(REDACTED);
  expect(ran.out).not.toContain(KEY);
}

describe('the pre-commit framework installs keyward from the registry', () => {
  it.skipIf(SKIP !== undefined)(
    `refuses a commit and a push that add a key, and lets clean ones through${SKIP ? ` (skipped: ${SKIP})` : ''}`,
    async () => {
      // keyward's repository as pre-commit clones it, tagged as a release is.
      const hooks = repo();
      const files = trackedFiles();
      expect(files).toEqual(expect.arrayContaining(HOOK_REPO_FILES));
      for (const file of files) {
        mkdirSync(dirname(join(hooks.dir, file)), { recursive: true });
        cpSync(join(ROOT, file), join(hooks.dir, file));
      }
      hooks.git('add', '-A');
      hooks.commit('keyward');
      hooks.git('tag', `v${VERSION}`);

      const project = repo();
      project.commit('set-up', {
        'README.md': '# demo\n',
        '.pre-commit-config.yaml': [
          'repos:',
          `  - repo: ${hooks.dir}`,
          `    rev: v${VERSION}`,
          '    hooks:',
          '      - id: keyward',
          '      - id: keyward-pre-push',
          '',
        ].join('\n'),
      });
      const inProject = (command: string, ...args: string[]) => run(command, args, project.dir);
      const installed = await inProject('pre-commit', 'install', '--hook-type', 'pre-commit');
      expect(installed.code, installed.out).toBe(0);
      const installedPush = await inProject('pre-commit', 'install', '--hook-type', 'pre-push');
      expect(installedPush.code, installedPush.out).toBe(0);

      // The environment pre-commit makes: its own npm install of keyward@<version>, from the registry.
      const started = Date.now();
      const hooksInstalled = await inProject('pre-commit', 'install-hooks');
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      expect(hooksInstalled.code, hooksInstalled.out).toBe(0);
      console.info(`pre-commit-framework.test.ts: ${PRE_COMMIT}: the node environment took ${seconds} s`);
      const envs = spawnSync('sh', ['-c', 'ls -d "$0"/repo*/node_env-*', store], { encoding: 'utf8' });
      const envDir = envs.stdout.trim();
      expect(envDir.split('\n'), envs.stderr).toHaveLength(1);
      const keywardPackage = join(envDir, 'lib', 'node_modules', 'keyward', 'package.json');
      expect(JSON.parse(readFileSync(keywardPackage, 'utf8'))).toMatchObject({ version: VERSION });
      expect(realpathSync(join(envDir, 'bin', 'keyward'))).toBe(
        realpathSync(join(envDir, 'lib', 'node_modules', 'keyward', 'bin', 'keyward.js')),
      );

      // A commit that adds a key is refused; the key is shown redacted.
      project.write({ 'config.env': `OPENAI_API_KEY=${KEY}\n` });
      project.git('add', 'config.env');
      const leak = await inProject('git', 'commit', '-q', '-m', 'leak');
      expectRefused(leak, 'keyward (API keys in staged changes)');
      expect(project.git('log', '--format=%s')).toBe('set-up');

      // A clean one passes.
      project.git('rm', '-q', '--cached', 'config.env');
      project.write({ 'notes.txt': 'hello\n' });
      project.git('add', 'notes.txt');
      const notes = await inProject('git', 'commit', '-q', '-m', 'notes');
      expect(notes.code, notes.out).toBe(0);
      expect(notes.out).toMatch(/keyward \(API keys in staged changes\)\.+Passed/);
      expect(project.git('log', '--format=%s')).toBe('notes\nset-up');

      // Pushes, to a bare remote. A commit that slipped past the commit hook (--no-verify) is refused at
      // the push. The first push starts at the root commit: pre-commit names only the branch and the remote.
      const remote = repo({ bare: true });
      project.git('remote', 'add', 'origin', remote.dir);
      const clean = project.git('rev-parse', 'main');
      const slip = async () => {
        project.write({ 'config.env': `OPENAI_API_KEY=${KEY}\n` });
        project.git('add', 'config.env');
        const slipped = await inProject('git', 'commit', '-q', '--no-verify', '-m', 'key');
        expect(slipped.code, slipped.out).toBe(0);
      };
      await slip();
      // A CI job running every hook on every file (`pre-commit run --all-files`) fails on the committed key:
      // the commit hook checks each file pre-commit names whole when it has nothing staged.
      const all = await inProject('pre-commit', 'run', '--all-files', 'keyward');
      expectRefused(all, 'keyward (API keys in staged changes)');
      const firstRefused = await inProject('git', 'push', '-q', 'origin', 'main');
      expectRefused(firstRefused, 'keyward (API keys in pushed commits)');
      expect(remote.git('branch', '--list')).toBe('');
      project.git('reset', '-q', '--hard', clean);
      const first = await inProject('git', 'push', '-q', 'origin', 'main');
      expect(first.code, first.out).toBe(0);
      expect(first.out).toMatch(/keyward \(API keys in pushed commits\)\.+Passed/);
      expect(remote.git('rev-parse', 'main')).toBe(clean);

      // Later pushes: pre-commit names the remote's commit as the base (PRE_COMMIT_FROM_REF..TO_REF).
      await slip();
      const refused = await inProject('git', 'push', '-q', 'origin', 'main');
      expectRefused(refused, 'keyward (API keys in pushed commits)');
      expect(remote.git('rev-parse', 'main')).toBe(clean);

      // So is a new branch holding it (pre-commit's base: the parent of its first commit the remote lacks).
      const branch = await inProject('git', 'push', '-q', 'origin', 'main:refs/heads/topic');
      expectRefused(branch, 'keyward (API keys in pushed commits)');
      expect(remote.git('branch', '--list', 'topic')).toBe('');

      // Without the key, every file passes.
      project.git('reset', '-q', '--hard', clean);
      const allClean = await inProject('pre-commit', 'run', '--all-files', 'keyward');
      expect(allClean.code, allClean.out).toBe(0);
      expect(allClean.out).toMatch(/keyward \(API keys in staged changes\)\.+Passed/);

      // Without the key, the push goes through.
      project.git('reset', '-q', '--hard', clean);
      project.write({ 'more.txt': 'more\n' });
      project.git('add', 'more.txt');
      const more = await inProject('git', 'commit', '-q', '-m', 'more');
      expect(more.code, more.out).toBe(0);
      const accepted = await inProject('git', 'push', '-q', 'origin', 'main');
      expect(accepted.code, accepted.out).toBe(0);
      expect(accepted.out).toMatch(/keyward \(API keys in pushed commits\)\.+Passed/);
      expect(remote.git('rev-parse', 'main')).toBe(project.git('rev-parse', 'main'));
    },
    600_000,
  );
});
