import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import {
  fakeKey,
  GIT_ENV,
  Scratch,
  startRegistry,
  type LocalRegistry,
  type TempRepo,
} from '@keyward/test-utils';
// The script that packs the tarball users install (scripts/pack.mjs); `pnpm build` must have run.
import { pack } from '../../scripts/pack.mjs';

/**
 * The release test's tools: a real registry (verdaccio, no uplinks) holding the packed `keyward` tarball,
 * and user projects that are real git repositories, where npm, pnpm, yarn and git run as a user runs them.
 * Nothing of this checkout is on their PATH: whatever keyward runs there came from the registry.
 */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI_DIR = join(ROOT, 'packages', 'cli');

/** The version the tarball carries (read at run time: `pnpm release:version` changes it). */
export const VERSION: string = JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8')).version;

export const BUILT = existsSync(join(CLI_DIR, 'bundle', 'main.cjs'));
export const NOT_BUILT =
  'packages/cli/bundle/main.cjs is missing: run `pnpm build` (the tarball packs the bundle)';

/** A key the rules know, built at test time (never a literal in a file). */
export const KEY = fakeKey('openai-project', 2718);
export const KEY_FILE = { 'config.env': `OPENAI_API_KEY=${KEY}\n` };

/** The monorepo's hoisted development tools (tools/package.json), run from their own folders. */
const hoisted = (name: string): string | undefined => {
  const path = join(ROOT, 'node_modules', name);
  return existsSync(path) ? realpathSync(path) : undefined;
};
export const TOOLS = {
  yarn: hoisted('yarn/bin/yarn.js'),
  husky: hoisted('husky'),
  lintStaged: hoisted('lint-staged'),
  lefthook: hoisted('lefthook'),
};

/** The lefthook binary for this platform (an optional dependency of lefthook: absent on other platforms). */
export function lefthookBinary(): string | undefined {
  if (!TOOLS.lefthook) return undefined;
  const result = spawnSync(process.execPath, [join(TOOLS.lefthook, 'bin', 'index.js'), 'version'], {
    encoding: 'utf8',
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * PATH for user commands: the machine's PATH without any node_modules/.bin (a test runner started by pnpm
 * puts this checkout's there) and without any folder holding a `keyward`.
 */
export function userPath(): string {
  const dirs = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir && !dir.includes('node_modules') && !existsSync(join(dir, 'keyward')));
  return [dirname(process.execPath), ...dirs].join(delimiter);
}

/** The environment of the machine minus anything of the test runner's package manager, git or CI context. */
function machineEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const drop =
    /^(npm_|pnpm_|yarn_|berry_|INIT_CWD$|NODE_OPTIONS$|NODE_PATH$|GIT_|KEYWARD|PRE_COMMIT|HUSKY|LEFTHOOK|XDG_|CI$|GITHUB_|NO_COLOR$|FORCE_COLOR$|VITEST)/i;
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !drop.test(key)) env[key] = value;
  return env;
}

export interface Release {
  registry: LocalRegistry;
  /** The packed `keyward-<version>.tgz`. */
  tarball: string;
  /** Its `sha512-…` integrity, as lockfiles record it: what proves an install came from this tarball. */
  integrity: string;
  /** Where user projects point: this registry, its caches, git's pinned identity, no colour, no keyward on PATH. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts a registry, packs keyward into its folder and publishes it there. */
export async function publishRelease(): Promise<Release> {
  const registry = await startRegistry();
  try {
    const tarball = pack(join(registry.dir, 'pack'));
    await registry.publish(tarball);
    const env = {
      ...machineEnv(),
      ...GIT_ENV,
      ...registry.env,
      PATH: userPath(),
      NO_COLOR: '1',
    };
    const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    return { registry, tarball, integrity, env, stop: () => registry.stop() };
  } catch (error) {
    await registry.stop();
    throw error;
  }
}

/** A file of the packed tarball (`package/<path>`), as text. */
export function packedFile(release: Release, path: string): string {
  const result = spawnSync('tar', ['-xzOf', release.tarball, `package/${path}`], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tar: ${result.stderr}`);
  return result.stdout;
}

/** Packs a package folder of this checkout's node_modules (one with no dependencies) and publishes it. */
export async function publishFolder(release: Release, folder: string): Promise<void> {
  const ran = await run('npm', ['pack', folder, '--ignore-scripts', '--json'], {
    cwd: join(release.registry.dir, 'pack'),
    env: release.env,
  });
  expect(ran.code, ran.out).toBe(0);
  const [info] = JSON.parse(ran.stdout) as Array<{ filename: string }>;
  await release.registry.publish(join(release.registry.dir, 'pack', info!.filename));
}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr, in the order they came. */
  out: string;
}

/** Runs a command to completion (never throws on a non-zero exit); killed after `timeout` ms. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeout?: number },
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), (out += chunk.toString())));
    child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), (out += chunk.toString())));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout ?? 90_000);
    child.on('error', (error) => (clearTimeout(timer), reject(error)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, out: signal ? `${out}\n(killed: ${signal})` : out });
    });
  });
}

/** Whether a program answers `--version` in the user environment (pnpm may not be on a fresh machine). */
export function available(command: string): boolean {
  return (
    spawnSync(command, ['--version'], { stdio: 'ignore', env: { ...process.env, PATH: userPath() } })
      .status === 0
  );
}

/**
 * What one test makes, removed when it finishes. The tests run concurrently (each mostly waits on a package
 * manager or git), so each keeps its own.
 */
export function scratchFor(context: { onTestFinished(cleanup: () => unknown): void }): Scratch {
  const scratch = new Scratch();
  context.onTestFinished(() => scratch.clear());
  return scratch;
}

/**
 * A fresh user project: a git repository with a package.json (and node_modules ignored, as projects do),
 * its first commit made, removed after the test.
 */
export function userProject(scratch: Scratch, packageJson: Record<string, unknown> = {}): TempRepo {
  const repo = scratch.repo();
  repo.commit('set-up', {
    'package.json': `${JSON.stringify({ name: 'demo', version: '1.0.0', private: true, ...packageJson }, null, 2)}\n`,
    '.gitignore': 'node_modules/\n',
    'README.md': '# demo\n',
  });
  return repo;
}

/** A git repository with no package.json at all (for npx and the global install), removed after the test. */
export function projectWithoutPackage(scratch: Scratch): TempRepo {
  const repo = scratch.repo();
  repo.commit('set-up', { 'README.md': '# demo\n' });
  return repo;
}

/**
 * What a user sees from an installed keyward, run as `command ...prefix`: `--version` prints the package's
 * version; a scan of the working tree exits 1 on a planted key, naming the rule and showing the key only
 * redacted (and, unless `json: false`, so does the JSON report, whose tool version is the package's), and
 * 0 once the key is gone.
 */
export async function expectWorks(
  repo: TempRepo,
  env: Record<string, string>,
  command: string,
  prefix: string[] = [],
  options: { json?: boolean } = {},
): Promise<void> {
  const keyward = (...args: string[]) => run(command, [...prefix, ...args], { cwd: repo.dir, env });

  const version = await keyward('--version');
  expect(version.code, version.out).toBe(0);
  expect(version.stdout.trim()).toBe(VERSION);

  repo.write(KEY_FILE);
  const dirty = await keyward('scan');
  expect(dirty.code, dirty.out).toBe(1);
  expect(dirty.stdout).toContain('openai-project-key');
  expect(dirty.stdout).toContain('config.env');
  expect(dirty.out).toContain(`sk-proj-…${KEY.slice(-4)}`);
  expect(dirty.out).not.toContain(KEY);
  expect(dirty.out).not.toContain(KEY.slice(8, 40)); // no long piece of the key's body either

  if (options.json !== false) {
    const json = await keyward('scan', '--format', 'json');
    expect(json.code, json.out).toBe(1);
    const report = JSON.parse(json.stdout) as {
      tool: { version: string };
      findings: Array<{ path: string; ruleId: string }>;
    };
    expect(report.tool.version).toBe(VERSION);
    expect(report.findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual(['openai-project-key config.env']);
    expect(json.out).not.toContain(KEY);
  }

  repo.write({ 'config.env': 'OPENAI_API_KEY=\n' });
  const clean = await keyward('scan');
  expect(clean.code, clean.out).toBe(0);
  expect(clean.out).not.toContain('openai-project-key');
}

/** Asserts that git refused a commit because of the key, saying so with the key redacted. */
export function expectRefused(ran: Ran): void {
  expect(ran.code, ran.out).not.toBe(0);
  expect(ran.out).toContain('openai-project-key');
  expect(ran.out).toContain(`sk-proj-…${KEY.slice(-4)}`);
  expect(ran.out).not.toContain(KEY);
}

/**
 * Real `git commit`s through the hooks `keyward install` wrote: a commit adding a key is refused with the
 * key redacted (and `refusal` said), nothing committed; then a clean commit of everything else in the work
 * tree (the project's package.json and lockfile among it, with their integrity hashes) goes through.
 */
export async function expectCommitsGuarded(
  repo: TempRepo,
  env: Record<string, string>,
  refusal: string,
): Promise<void> {
  const commit = (message: string) => run('git', ['commit', '-m', message], { cwd: repo.dir, env });
  const head = repo.git('rev-parse', 'HEAD');
  repo.write(KEY_FILE);
  repo.git('add', 'config.env');
  const leak = await commit('leak');
  expectRefused(leak);
  expect(leak.out).toContain(refusal);
  expect(repo.git('rev-parse', 'HEAD')).toBe(head);

  repo.git('rm', '-q', '--cached', 'config.env');
  rmSync(join(repo.dir, 'config.env'));
  repo.write({ 'index.js': "console.log('hello');\n" });
  repo.git('add', '-A');
  const clean = await commit('clean');
  expect(clean.code, clean.out).toBe(0);
  expect(repo.git('log', '-1', '--format=%s')).toBe('clean');
  expect(repo.git('show', '--name-only', '--format=', 'HEAD').split('\n')).toContain('index.js');
  expect(repo.git('status', '--porcelain')).toBe('');
}

/** Every file under `dir` (symlinks counted as links, not followed): how many bytes an install wrote. */
export function treeBytes(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        files++;
        bytes += lstatSync(path).size;
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return { files, bytes };
}

export function fileSize(path: string): number {
  return statSync(path).size;
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
