/**
 * The GitHub Action as a runner runs it: action.yml's own steps, in order, through the runner emulation
 * (./runner.ts), in a real git workspace checked out shallow the way actions/checkout does, from a
 * `file://` origin, with keyward installed by the Action's default path (`npx keyward@<the Action's
 * version>`) from a real registry on 127.0.0.1 that holds the packed tarball, and a later decoy release
 * tagged `latest`. Needs `pnpm build` (the tarball packs the bundle).
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  GIT_ENV,
  type LocalRegistry,
  createRepo,
  fakeKey,
  startRegistry,
  tempDir,
} from '@keyward/test-utils';
import { type ActionResult, runAction } from './runner.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PACK_SCRIPT = join(ROOT, 'packages/cli/scripts/pack.mjs');
const execFileAsync = promisify(execFile);
const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')).version;
const DECOY_VERSION = '99.0.0';
const KEY = fakeKey('openai-project', 1507);
const REDACTED = `sk-proj-…${KEY.slice(-4)}`;

/**
 * What a runner downloads for `uses: keyward/keyward@v<version>` is the repository at that tag, unbuilt. The
 * Action needs only these files of it: a step that starts using another one fails here until it is listed.
 */
const ACTION_FILES = [
  'action.yml',
  'scripts/action/resolve-range.mjs',
  'scripts/action/run-scan.sh',
  'packages/cli/package.json',
];

let work: string;
let registry: LocalRegistry | undefined;
let actionPath: string;
let upstream: ReturnType<typeof createRepo>;
let runnerEnv: Record<string, string>;
const commits: Record<'m1' | 'm2' | 'f1' | 'merge', string> = { m1: '', m2: '', f1: '', merge: '' };
const workspaces: string[] = [];

/**
 * A release of `keyward` that is not the Action's: it says so on stderr and exits 0 (it finds nothing).
 * Packed with tar as npm packs (a `package/` folder), to spare an npm start.
 */
async function packDecoy(dir: string): Promise<string> {
  mkdirSync(join(dir, 'package', 'bin'), { recursive: true });
  writeFileSync(
    join(dir, 'package', 'package.json'),
    JSON.stringify({ name: 'keyward', version: DECOY_VERSION, bin: { keyward: 'bin/keyward.js' } }),
  );
  writeFileSync(
    join(dir, 'package', 'bin', 'keyward.js'),
    `#!/usr/bin/env node\nconsole.error('decoy keyward ${DECOY_VERSION}: ' + process.argv.slice(2).join(' '));\n`,
    { mode: 0o755 },
  );
  const tarball = join(dir, `keyward-${DECOY_VERSION}.tgz`);
  await execFileAsync('tar', ['-czf', tarball, '-C', dir, 'package']);
  return tarball;
}

/**
 * What actions/checkout@v4 does by default: a fresh repository with `origin`, one ref fetched at depth 1
 * into `localRef`, checked out detached.
 */
function checkout(ref: string, localRef: string): string {
  const dir = tempDir('keyward-workspace-');
  workspaces.push(dir);
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
  git('init', '-q');
  git('remote', 'add', 'origin', `file://${upstream.dir}`);
  git('fetch', '-q', '--no-tags', '--depth=1', 'origin', `+${ref}:${localRef}`);
  git('checkout', '-q', '--force', '--detach', localRef);
  expect(git('rev-parse', '--is-shallow-repository')).toBe('true');
  return dir;
}

const has = (dir: string, sha: string) => {
  try {
    execFileSync('git', ['cat-file', '-e', `${sha}^{commit}`], { cwd: dir, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const pullRequestEvent = () => ({
  action: 'synchronize',
  number: 7,
  pull_request: {
    number: 7,
    base: { ref: 'main', sha: commits.m2 },
    head: { ref: 'feature', sha: commits.f1 },
  },
  repository: { full_name: 'acme/app', default_branch: 'main' },
});

const pushEvent = () => ({
  ref: 'refs/heads/main',
  before: commits.m1,
  after: commits.m2,
  created: false,
  deleted: false,
  forced: false,
  repository: { full_name: 'acme/app', default_branch: 'main' },
});

interface Upload {
  with: Record<string, string>;
  sarif: { version: string; runs: Array<{ results: Array<Record<string, unknown>> }> } | undefined;
  text: string;
}

/** Runs the Action; the SARIF upload step is recorded with the file it would upload, read at that moment. */
async function run(
  workspace: string,
  eventName: string,
  event: unknown,
  inputs: Record<string, string> = {},
) {
  const uploads: Upload[] = [];
  const result = await runAction({
    actionPath,
    workspace,
    eventName,
    event,
    with: inputs,
    env: runnerEnv,
    stepTimeoutMs: 90_000,
    uses: {
      'github/codeql-action/upload-sarif': (input, runner) => {
        const file = join(runner.workspace, input.sarif_file ?? '');
        const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
        uploads.push({ with: input, sarif: text ? JSON.parse(text) : undefined, text });
      },
    },
  });
  return { result, uploads };
}

const stepOutcomes = (result: ActionResult) =>
  result.steps.map((s) => [s.id ?? (s.uses ? 'upload-sarif' : 'exit'), s.outcome]);

/** Every text the job shows or keeps: no part of the key beyond what redaction keeps. */
function expectNoSecret(...texts: string[]) {
  const body = KEY.slice('sk-proj-'.length, -4);
  for (const text of texts) {
    expect(text.includes(KEY)).toBe(false);
    for (let i = 0; i + 12 <= body.length; i++) expect(text.includes(body.slice(i, i + 12))).toBe(false);
  }
}

beforeAll(async () => {
  work = tempDir('keyward-action-');
  // Packing (in a child process: scripts/pack.mjs) while verdaccio starts; a registry that started is
  // stopped by afterAll even when packing failed.
  const [packed, decoy, started] = await Promise.allSettled([
    execFileAsync(process.execPath, [PACK_SCRIPT, '--out', join(work, 'pack')], { encoding: 'utf8' }),
    packDecoy(join(work, 'decoy')),
    startRegistry(),
  ]);
  if (started.status === 'fulfilled') registry = started.value;
  const value = <T>(settled: PromiseSettledResult<T>): T => {
    if (settled.status === 'rejected') throw settled.reason;
    return settled.value;
  };
  const [tarball, decoyTarball, local] = [value(packed).stdout.trim(), value(decoy), value(started)];
  await local.publish(tarball);
  await local.publish(decoyTarball);
  const manifest = (await (await fetch(`${local.url}keyward`)).json()) as {
    'dist-tags': Record<string, string>;
  };
  // The premise: an Action that ran `latest` would run the decoy.
  expect(manifest['dist-tags'].latest).toBe(DECOY_VERSION);

  actionPath = join(work, '_actions', 'keyward', 'keyward', `v${VERSION}`);
  for (const file of ACTION_FILES) cpSync(join(ROOT, file), join(actionPath, file), { recursive: true });

  upstream = createRepo({ dir: (mkdirSync(join(work, 'upstream')), join(work, 'upstream')) });
  commits.m1 = upstream.commit('m1', { 'README.md': '# app\n', 'src/app.ts': 'export const app = 1;\n' });
  upstream.git('checkout', '-q', '-b', 'feature');
  commits.f1 = upstream.commit('f1: config', {
    'src/config.ts': `export const config = {\n  openaiKey: '${KEY}',\n};\n`,
  });
  upstream.git('checkout', '-q', 'main');
  commits.m2 = upstream.commit('m2', { 'README.md': '# app\n\nNow with docs.\n' });
  // GitHub's refs for pull request 7: its head, and the merge commit that a pull_request run checks out.
  upstream.git('update-ref', 'refs/pull/7/head', commits.f1);
  upstream.git('checkout', '-q', '--detach', commits.m2);
  commits.merge = upstream.merge('feature', 'Merge f1 into m2');
  upstream.git('update-ref', 'refs/pull/7/merge', commits.merge);
  upstream.git('checkout', '-q', 'main');

  const home = join(work, 'home');
  mkdirSync(home);
  runnerEnv = {
    // The machine's tools (node, npm, npx, git, bash), none of the workspace's node_modules/.bin.
    PATH: (process.env.PATH ?? '')
      .split(':')
      .filter((dir) => dir !== '' && !dir.includes('/node_modules/'))
      .join(':'),
    HOME: home,
    LANG: 'C.UTF-8',
    GIT_CONFIG_NOSYSTEM: '1',
    ...local.env,
  };
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

afterEach(() => workspaces.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the GitHub Action, run as a runner runs it, keyward from the registry', () => {
  it("a pull request whose head adds a key (sarif: 'true'): annotations, summary, SARIF upload, exit-code 1, the job fails", async () => {
    const workspace = checkout('refs/pull/7/merge', 'refs/remotes/pull/7/merge');
    expect(has(workspace, commits.f1)).toBe(false);
    const { result, uploads } = await run(workspace, 'pull_request', pullRequestEvent(), {
      sarif: 'true',
      'sarif-category': 'secrets',
    });

    // The scan step records the exit code and passes, the upload runs, the last step fails the job.
    expect(stepOutcomes(result)).toEqual([
      ['range', 'success'],
      ['scan', 'success'],
      ['upload-sarif', 'success'],
      ['exit', 'failure'],
    ]);
    expect(result.conclusion).toBe('failure');
    expect(result.steps[3]!.exitCode).toBe(1);
    expect(result.steps[1]!.outputs).toEqual({ 'exit-code': '1', 'sarif-file': 'keyward.sarif' });
    expect(result.outputs).toEqual({
      'exit-code': '1',
      range: `${commits.m2}..${commits.f1}`,
      commits: '1',
    });
    // The shallow merge checkout lacked the PR's head: resolve-range fetched it from origin.
    expect(has(workspace, commits.f1)).toBe(true);
    expect(result.steps[0]!.stderr).toContain(
      `keyward: scanning ${commits.m2.slice(0, 12)}..${commits.f1.slice(0, 12)} (1 commit)`,
    );

    expect(result.annotations).toHaveLength(1);
    const [annotation] = result.annotations;
    expect(annotation!.level).toBe('error');
    expect(annotation!.properties).toMatchObject({
      file: 'src/config.ts',
      line: '2',
      endLine: '2',
      title: 'openai-project-key',
    });
    expect(annotation!.message).toContain(REDACTED);

    expect(result.summary).toContain('### keyward: 1 secret found (1 high)');
    expect(result.summary).toMatch(/^\| Severity \| Rule \| File \| Line \| Key \| Commit \|$/m);
    const rows = result.summary.split('\n').filter((line) => line.includes('src/config.ts'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('openai-project-key');
    expect(rows[0]).toContain(REDACTED);
    expect(rows[0]).toContain(commits.f1.slice(0, 7));

    // What github/codeql-action/upload-sarif would have been given, and the file it would have read.
    expect(uploads).toHaveLength(1);
    const [upload] = uploads;
    expect(upload!.with).toEqual({ sarif_file: 'keyward.sarif', category: 'secrets' });
    expect(upload!.sarif!.version).toBe('2.1.0');
    const results = upload!.sarif!.runs[0]!.results;
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      ruleId: 'openai-project-key',
      locations: [
        { physicalLocation: { artifactLocation: { uri: 'src/config.ts' }, region: { startLine: 2 } } },
      ],
    });

    expectNoSecret(result.log, result.summary, upload!.text);

    // keyward came from the registry at the Action's version, through npx: not `latest`, not the checkout.
    expect(result.log).not.toContain('decoy keyward');
    const npx = join(registry!.env.npm_config_cache!, '_npx');
    const installed = readdirSync(npx)
      .map((dir) => join(npx, dir, 'node_modules', 'keyward', 'package.json'))
      .filter((file) => existsSync(file))
      .map((file) => JSON.parse(readFileSync(file, 'utf8')).version);
    expect(installed).toEqual([VERSION]);
    expect(existsSync(join(actionPath, 'packages', 'cli', 'bin'))).toBe(false);
  }, 120_000);

  it('a clean push with the default inputs: the range is fetched into the shallow checkout, exit-code 0, the job passes', async () => {
    const workspace = checkout('refs/heads/main', 'refs/remotes/origin/main');
    expect(has(workspace, commits.m1)).toBe(false);
    const { result, uploads } = await run(workspace, 'push', pushEvent());
    expect(stepOutcomes(result)).toEqual([
      ['range', 'success'],
      ['scan', 'success'],
      ['upload-sarif', 'skipped'],
      ['exit', 'success'],
    ]);
    expect(result.conclusion).toBe('success');
    expect(result.steps[3]!.exitCode).toBe(0);
    expect(result.outputs).toEqual({
      'exit-code': '0',
      range: `${commits.m1}..${commits.m2}`,
      commits: '1',
    });
    expect(has(workspace, commits.m1)).toBe(true);
    expect(result.annotations).toEqual([]);
    expect(result.summary).toContain('### keyward: no secrets found');
    expect(uploads).toEqual([]);
    expect(existsSync(join(workspace, 'keyward.sarif'))).toBe(false);
    expect(result.log).not.toContain('decoy keyward');
  }, 120_000);

  it("a shallow checkout the Action may not fetch into (fetch: 'false'): the range step fails with 3, nothing is scanned", async () => {
    const workspace = checkout('refs/heads/main', 'refs/remotes/origin/main');
    const { result, uploads } = await run(workspace, 'push', pushEvent(), { fetch: 'false', sarif: 'true' });
    expect(stepOutcomes(result)).toEqual([
      ['range', 'failure'],
      ['scan', 'skipped'],
      ['upload-sarif', 'skipped'],
      ['exit', 'skipped'],
    ]);
    expect(result.steps[0]!.exitCode).toBe(3);
    expect(result.steps[0]!.stderr).toMatch(/^keyward: cannot resolve the push's base [0-9a-f]{12} /m);
    expect(result.conclusion).toBe('failure');
    expect(result.outputs).toEqual({ 'exit-code': '3', range: '', commits: '' });
    expect(uploads).toEqual([]);
    expect(has(workspace, commits.m1)).toBe(false);
  }, 120_000);

  it('the version input runs another release instead of the Action’s own', async () => {
    const workspace = checkout('refs/heads/main', 'refs/remotes/origin/main');
    const { result } = await run(workspace, 'push', pushEvent(), { version: 'latest' });
    expect(result.steps[1]!.stderr).toContain(
      `decoy keyward ${DECOY_VERSION}: scan --range ${commits.m1}..${commits.m2} --fail-on low --format github`,
    );
    expect(result.outputs['exit-code']).toBe('0');
  }, 120_000);
});
