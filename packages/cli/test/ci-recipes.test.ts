/**
 * The fleet recipes of docs/ci.md, run as their runners would run them: the files users copy
 * (docs/examples/fleet/*) are parsed, their matrices expanded here, each job's commands run by a shell in
 * a folder of its own (caches, artifacts and volumes copied between them as the runner would), the merge
 * job last. The repositories are local bare repositories behind `file://` URLs; keyward is this checkout's
 * build (the recipes name the command in one variable, KEYWARD, which the test sets, as a user pins a
 * release there). The merged report must hold what one full `keyward fleet` audit finds.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { fakeKey, GIT_ENV, runCli, Scratch, tempDir, type TempRepo } from '@keyward/test-utils';
import { BUILT, NOT_BUILT, ROOT } from './release/release.js';
import type { JsonFinding, JsonReport } from '../src/reporters/json.js';

const EXAMPLES = join(ROOT, 'docs', 'examples', 'fleet');
const KEYWARD = `${process.execPath} ${join(ROOT, 'packages', 'cli', 'bin', 'keyward.js')}`;

const scratch = new Scratch();
let work: string;
let origins: TempRepo[];
let urls: string[];

/** A job's environment: no CI variables of the machine running the test, git without user config. */
function baseEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'LANG', 'TMPDIR']) if (process.env[name]) env[name] = process.env[name]!;
  return { ...env, ...GIT_ENV, HOME: home, KEYWARD };
}

/** Runs a script with the given shell in `cwd`; resolves with its exit code and output. */
function shell(
  argv: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 128, output }));
  });
}

const identity = (f: JsonFinding) => `${f.repository} ${f.fingerprint} ${f.path} ${f.commit} ${f.line}`;
const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as JsonReport;

/** What one `keyward fleet` of the origins finds, run in this process. */
async function fullAudit(): Promise<JsonReport> {
  const run = await runCli(['fleet', '-', '--format', 'json', '--cache', join(work, 'full-cache')], {
    cwd: work,
    env: GIT_ENV,
    stdin: `${urls.join('\n')}\n`,
  });
  expect(run.code).toBe(1);
  return JSON.parse(run.stdout) as JsonReport;
}

/** The merged report holds exactly the full audit's findings and repositories. */
async function expectSameAsFullAudit(merged: JsonReport): Promise<void> {
  const full = await fullAudit();
  expect(merged.scan.mode).toBe('fleet');
  expect(merged.findings.length).toBeGreaterThan(0);
  expect(merged.findings.map(identity).sort()).toEqual(full.findings.map(identity).sort());
  const listed = (report: JsonReport) => report.repositories!.map((r) => [r.repository, r.status, r.commits]);
  expect(listed(merged)).toEqual(listed(full));
  expect(merged.repositories!.map((r) => r.status)).toEqual(urls.map(() => 'audited'));
}

beforeAll(() => {
  work = tempDir();
  scratch.add(() => rmSync(work, { recursive: true, force: true }));
  const api = scratch.repo();
  api.commit('config', { '.env': `OPENAI_API_KEY=${fakeKey('openai-project', 71)}\n`, 'a.md': 'api\n' });
  api.commit('remove', { '.env': 'OPENAI_API_KEY=\n' });
  for (let i = 0; i < 6; i++) api.commit(`more ${i}`, { [`src/f${i}.ts`]: `export const n = ${i};\n` });
  api.commit('admin', { 'ops/keys.txt': `admin: ${fakeKey('openai-admin', 72)}\n` });
  const web = scratch.repo();
  web.commit('web', { 'src/app.ts': `const k = "${fakeKey('anthropic', 73)}";\n` });
  web.commit('again', { 'src/b.ts': `const g = "${fakeKey('groq', 74)}";\n`, 'c.txt': 'c\n' });
  // Served as CI would reach them: bare repositories behind URLs.
  origins = [api, web].map((repo, i) => {
    const bare = join(work, `origin-${i}.git`);
    repo.git('clone', '-q', '--bare', repo.dir, bare);
    return repo;
  });
  urls = origins.map((_, i) => `file://${join(work, `origin-${i}.git`)}`);
});

afterAll(() => scratch.clear());

/** Adds a commit with a new key to the first origin (a later night finds it). */
function pushNewKey(seed: number): void {
  const [api] = origins;
  api!.commit(`night ${seed}`, { [`late/${seed}.env`]: `TOKEN=${fakeKey('openai-project', seed)}\n` });
  api!.git('push', '-q', join(work, 'origin-0.git'), 'HEAD:main');
}

// ---------------------------------------------------------------------------------------------------------
// GitHub Actions

type Step = {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
type GithubJob = {
  needs?: string;
  if?: string;
  strategy?: { matrix: Record<string, unknown[]> };
  steps: Step[];
};

/** `${{ … }}` as GitHub evaluates the few expressions the recipe uses; anything else fails the test. */
function githubExpand(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => {
    if (!(expression in context)) throw new Error(`the test does not evaluate \${{ ${expression} }}`);
    return context[expression]!;
  });
}

/** The cartesian product of a matrix (no include/exclude in the recipe). */
function expandMatrix(matrix: Record<string, unknown[]>): Array<Record<string, string>> {
  let combos: Array<Record<string, string>> = [{}];
  for (const [name, values] of Object.entries(matrix))
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [name]: String(value) })));
  return combos;
}

class GithubRunner {
  /** actions/cache entries by key, in the order saved (restore-keys take the newest match). */
  readonly caches: Array<{ key: string; dir: string }> = [];
  uploadedSarif: string[] = [];
  /** Every step's output, to show when a job ends otherwise than expected. */
  output = '';

  constructor(
    readonly workflow: { env: Record<string, string>; jobs: Record<string, GithubJob> },
    readonly root: string,
    readonly runId: number,
  ) {}

  /** Runs the audit matrix, then the report job; returns each job's conclusion (exit code) and folder. */
  async run(): Promise<{ audits: number[]; report: { code: number; dir: string } }> {
    const audit = this.workflow.jobs.audit!;
    const combos = expandMatrix(audit.strategy!.matrix);
    const audits: number[] = [];
    for (const [index, matrix] of combos.entries()) {
      const context = {
        ...Object.fromEntries(Object.entries(matrix).map(([k, v]) => [`matrix.${k}`, v])),
        'github.run_id': String(this.runId),
        'strategy.job-index': String(index),
      };
      audits.push((await this.job(audit, context, `audit-${index}`)).code);
    }
    const report = this.workflow.jobs.report!;
    expect(report.needs).toBe('audit');
    expect(report.if).toBe('${{ !cancelled() }}'); // runs after failed audits too
    return { audits, report: await this.job(report, { 'github.run_id': String(this.runId) }, 'report') };
  }

  private async job(job: GithubJob, context: Record<string, string>, name: string) {
    const dir = join(this.root, `run-${this.runId}`, name);
    mkdirSync(dir, { recursive: true });
    const env = { ...baseEnv(join(dir, '.home')), ...this.workflow.env, KEYWARD, GITHUB_WORKSPACE: dir };
    let code = 0;
    const saves: Array<() => void> = [];
    for (const step of job.steps) {
      if (code !== 0 && step.if !== 'always()') continue;
      const inputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [k, githubExpand(String(v), context)]),
      );
      const action = step.uses?.replace(/@.*$/, '');
      if (step.run !== undefined) {
        const stepEnv = Object.fromEntries(
          Object.entries(step.env ?? {}).map(([k, v]) => [k, githubExpand(v, context)]),
        );
        const script = githubExpand(step.run, context);
        const result = await shell(['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', script], dir, {
          ...env,
          ...stepEnv,
        });
        code = result.code;
        this.output += result.output;
      } else if (action === 'actions/setup-node') {
        // Node is already here.
      } else if (action === 'actions/cache') {
        this.restoreCache(inputs, dir);
        saves.push(() => {
          const into = join(this.root, 'caches', String(this.runId), name);
          cpSync(join(dir, inputs.path!), into, { recursive: true });
          this.caches.push({ key: inputs.key!, dir: into });
        });
      } else if (action === 'actions/upload-artifact') {
        const into = join(this.root, `run-${this.runId}`, 'artifacts', inputs.name!);
        for (const path of inputs.path!.split('\n').filter(Boolean))
          if (existsSync(join(dir, path)))
            cpSync(join(dir, path), join(into, path.replace(/\/$/, '').split('/').pop()!), {
              recursive: true,
            });
      } else if (action === 'actions/download-artifact') {
        const from = join(this.root, `run-${this.runId}`, 'artifacts');
        const pattern = new RegExp(`^${inputs.pattern!.replace('*', '.*')}$`);
        for (const artifact of readdirSync(from).filter((a) => pattern.test(a)))
          for (const entry of readdirSync(join(from, artifact)))
            cpSync(join(from, artifact, entry), join(dir, inputs.path!, artifact), { recursive: true });
      } else if (action === 'github/codeql-action/upload-sarif') {
        this.uploadedSarif.push(readFileSync(join(dir, inputs.sarif_file!), 'utf8'));
      } else {
        throw new Error(`the test does not run ${step.uses}`);
      }
    }
    // actions/cache saves in its post step, when the job succeeded.
    if (code === 0) for (const save of saves) save();
    return { code, dir };
  }

  private restoreCache(inputs: Record<string, string>, dir: string): void {
    const prefixes = (inputs['restore-keys'] ?? '').split('\n').filter(Boolean);
    const hit =
      this.caches.find((c) => c.key === inputs.key) ??
      [...this.caches].reverse().find((c) => prefixes.some((p) => c.key.startsWith(p)));
    if (hit) cpSync(hit.dir, join(dir, inputs.path!), { recursive: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// GitLab CI

type GitlabJob = {
  stage: string;
  parallel?: { matrix: Array<Record<string, string | string[]>> };
  cache?: { key: string; paths: string[] };
  script: string[];
  needs?: string[];
  when?: string;
  artifacts?: { paths: string[]; when?: string; reports?: Record<string, string> };
};

/** `$NAME` and `${NAME}` as GitLab expands them in keys. */
function gitlabExpand(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => env[name] ?? '');
}

/** CI_JOB_NAME_SLUG: lower case, anything else a dash, at most 63 characters. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 63)
    .replace(/-$/, '');
}

async function runGitlab(
  pipeline: Record<string, unknown>,
  root: string,
  caches: Map<string, string>,
): Promise<{ audits: number[]; report: { code: number; dir: string } }> {
  const variables = pipeline.variables as Record<string, string>;
  const audit = pipeline['keyward-audit'] as GitlabJob;
  const report = pipeline['keyward-report'] as GitlabJob;
  const combos = audit.parallel!.matrix.flatMap((entry) =>
    expandMatrix(Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]))),
  );
  const artifacts = join(root, 'artifacts');
  const audits: number[] = [];
  for (const [i, matrix] of combos.entries()) {
    const dir = join(root, `audit-${i + 1}`);
    mkdirSync(dir, { recursive: true });
    const name = `keyward-audit: [${Object.values(matrix).join(', ')}]`;
    const env = {
      ...baseEnv(join(dir, '.home')),
      ...variables,
      ...matrix,
      KEYWARD,
      CI_JOB_NAME: name,
      CI_JOB_NAME_SLUG: slug(name),
      CI_NODE_INDEX: String(i + 1),
      CI_NODE_TOTAL: String(combos.length),
    };
    const key = gitlabExpand(audit.cache!.key, env);
    const cached = caches.get(key);
    if (cached) cpSync(cached, dir, { recursive: true });
    const result = await shell(
      ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', audit.script.join('\n')],
      dir,
      env,
    );
    if (result.code !== 0) throw new Error(`${name}: exit ${result.code}\n${result.output}`);
    audits.push(result.code);
    const saveDir = join(root, 'cache', slug(key));
    for (const path of audit.cache!.paths) cpSync(join(dir, path), join(saveDir, path), { recursive: true });
    caches.set(key, saveDir);
    expect(audit.artifacts!.when).toBe('always');
    for (const path of audit.artifacts!.paths)
      cpSync(join(dir, path), join(artifacts, path), { recursive: true });
  }
  // needs: the audit jobs' artifacts are extracted into the report job's folder, at their paths.
  expect(report.needs).toEqual(['keyward-audit']);
  const dir = join(root, 'report');
  mkdirSync(dir, { recursive: true });
  cpSync(artifacts, dir, { recursive: true });
  const env = { ...baseEnv(join(dir, '.home')), ...variables, KEYWARD };
  const result = await shell(
    ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', report.script.join('\n')],
    dir,
    env,
  );
  return { audits, report: { code: result.code, dir } };
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes

type Container = {
  env: Array<{ name: string; value: string }>;
  command: string[];
  args: string[];
  volumeMounts: Array<{ name: string; mountPath: string }>;
};
type JobSpec = {
  completionMode?: string;
  completions?: number;
  parallelism?: number;
  template: {
    spec: { containers: Container[]; volumes: Array<{ name: string; configMap?: { name: string } }> };
  };
};

/**
 * A pod's container run as the kubelet would: its mounts become folders (a ConfigMap's data written as
 * files, the claim one folder shared by every pod), its env set, with paths under a mount pointed at the
 * folder; its command and args run as given.
 */
function podRunner(root: string, configMaps: Record<string, Record<string, string>>) {
  const claim = join(root, 'claim');
  mkdirSync(claim, { recursive: true });
  return (spec: JobSpec, extra: Record<string, string>) => {
    const [container] = spec.template.spec.containers;
    const mounts = container!.volumeMounts.map((mount) => {
      const volume = spec.template.spec.volumes.find((v) => v.name === mount.name)!;
      if (!volume.configMap) return { path: mount.mountPath, dir: claim };
      const dir = join(root, 'configmap', volume.configMap.name);
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of Object.entries(configMaps[volume.configMap.name]!))
        writeFileSync(join(dir, file), text);
      return { path: mount.mountPath, dir };
    });
    const mounted = (value: string) => {
      const mount = mounts.find((m) => value === m.path || value.startsWith(`${m.path}/`));
      return mount ? mount.dir + value.slice(mount.path.length) : value;
    };
    const env = {
      ...baseEnv(join(root, '.home')),
      ...Object.fromEntries(container!.env.map((e) => [e.name, mounted(e.value)])),
      KEYWARD,
      ...extra,
    };
    return shell([...container!.command, ...container!.args], root, env);
  };
}

async function runKubernetes(root: string): Promise<{ indexes: number[]; merge: number; claim: string }> {
  const docs = parseAllDocuments(readFileSync(join(EXAMPLES, 'kubernetes.yaml'), 'utf8')).map(
    (d) =>
      d.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: JobSpec },
  );
  const configMap = docs.find((d) => d.kind === 'ConfigMap')!;
  // The list users edit: the test's repositories, one a line, with a comment.
  const configMaps = {
    [configMap.metadata.name]: { 'repositories.txt': `# the fleet\n${urls.join('\n')}\n` },
  };
  expect(Object.keys(configMap.data!)).toEqual(['repositories.txt']);
  const audit = docs.find((d) => d.metadata.name === 'keyward-fleet-audit')!.spec!;
  const merge = docs.find((d) => d.metadata.name === 'keyward-fleet-merge')!.spec!;
  expect(audit.completionMode).toBe('Indexed');
  const pod = podRunner(root, configMaps);
  // The Job controller starts `parallelism` indexes at a time until `completions` have succeeded.
  const indexes: number[] = new Array<number>(audit.completions!);
  let next = 0;
  await Promise.all(
    Array.from({ length: audit.parallelism! }, async () => {
      while (next < audit.completions!) {
        const index = next++;
        const result = await pod(audit, { JOB_COMPLETION_INDEX: String(index) });
        if (result.code !== 0) throw new Error(`index ${index}: exit ${result.code}\n${result.output}`);
        indexes[index] = result.code;
      }
    }),
  );
  const merged = await pod(merge, {});
  return { indexes, merge: merged.code, claim: join(root, 'claim') };
}

// ---------------------------------------------------------------------------------------------------------

describe.skipIf(!BUILT)('fleet CI recipes (docs/examples/fleet)', () => {
  it('GitHub Actions: repositories × shards, cached mirrors and stores, merged into one SARIF and HTML', async () => {
    const workflow = parse(
      readFileSync(join(EXAMPLES, 'github-actions.yml'), 'utf8'),
    ) as GithubRunner['workflow'];
    // The user's edit: their repositories in the matrix.
    workflow.jobs.audit!.strategy!.matrix.repository = urls;
    expect(workflow.jobs.audit!.strategy!.matrix.shard).toHaveLength(Number(workflow.env.SHARDS));
    const root = join(work, 'github');
    const runner = new GithubRunner(workflow, root, 1);
    const first = await runner.run();
    expect(first.audits, runner.output).toEqual(new Array(urls.length * 3).fill(0));
    expect(first.report.code).toBe(1); // keys found: the job fails, after writing its reports
    await expectSameAsFullAudit(readReport(join(first.report.dir, 'keyward.json')));
    expect(runner.uploadedSarif).toHaveLength(1);
    const sarif = JSON.parse(runner.uploadedSarif[0]!) as {
      runs: Array<{ results: Array<{ properties: { repository: string } }> }>;
    };
    expect(new Set(sarif.runs[0]!.results.map((r) => r.properties.repository))).toEqual(new Set(urls));
    const html = readFileSync(join(first.report.dir, 'keyward.html'), 'utf8');
    expect(html).toMatch(/<main>\n<section id="repositories"/);
    expect(runner.caches).toHaveLength(urls.length * 3);

    // The next night: the caches hold mirrors and stores; a new key was pushed meanwhile.
    pushNewKey(75);
    const second = new GithubRunner(workflow, root, 2);
    second.caches.push(...runner.caches);
    const later = await second.run();
    expect(later.audits, second.output).toEqual(new Array(urls.length * 3).fill(0));
    expect(later.report.code).toBe(1);
    const merged = readReport(join(later.report.dir, 'keyward.json'));
    expect(merged.findings.some((f) => f.path.startsWith('late/'))).toBe(true);
    await expectSameAsFullAudit(merged);
    // Each job restored its mirror (fetched, not cloned) and its store.
    const job = join(root, 'run-2', 'audit-0', 'keyward-cache');
    expect(readdirSync(join(job, 'mirrors'))).toHaveLength(1);
    expect(readdirSync(join(job, 'stores'))).toHaveLength(1);
  });

  it('GitLab CI: parallel: matrix jobs, their artifacts merged by the report job', async () => {
    const pipeline = parse(readFileSync(join(EXAMPLES, 'gitlab-ci.yml'), 'utf8')) as Record<string, unknown>;
    const audit = pipeline['keyward-audit'] as GitlabJob;
    audit.parallel!.matrix[0]!.REPOSITORY = urls;
    const result = await runGitlab(pipeline, join(work, 'gitlab'), new Map());
    expect(result.audits).toHaveLength(urls.length * 3);
    expect(result.report.code).toBe(1);
    await expectSameAsFullAudit(readReport(join(result.report.dir, 'keyward.json')));
    const gitlab = JSON.parse(
      readFileSync(join(result.report.dir, 'gl-secret-detection-report.json'), 'utf8'),
    ) as {
      vulnerabilities: unknown[];
    };
    expect(gitlab.vulnerabilities.length).toBeGreaterThan(0);
    expect(readFileSync(join(result.report.dir, 'keyward.html'), 'utf8')).toContain('id="repositories"');
  });

  it('Kubernetes: an Indexed Job, JOB_COMPLETION_INDEX as the shard, then the merge Job', async () => {
    const result = await runKubernetes(join(work, 'kubernetes'));
    expect(result.indexes).toEqual([0, 0, 0, 0]);
    expect(result.merge).toBe(1);
    expect(readdirSync(join(result.claim, 'reports')).sort()).toEqual(
      [0, 1, 2, 3].map((i) => `shard-${i}.json`),
    );
    await expectSameAsFullAudit(readReport(join(result.claim, 'keyward.json')));
    expect(existsSync(join(result.claim, 'keyward.sarif'))).toBe(true);
    expect(existsSync(join(result.claim, 'keyward.html'))).toBe(true);
  });

  it('a repository that cannot be fetched fails its matrix job, and the merge exits 3 with it listed', async () => {
    const workflow = parse(
      readFileSync(join(EXAMPLES, 'github-actions.yml'), 'utf8'),
    ) as GithubRunner['workflow'];
    const gone = `file://${join(work, 'no-such-origin.git')}`;
    workflow.jobs.audit!.strategy!.matrix = { repository: [urls[1]!, gone], shard: [1, 2, 3] };
    const runner = new GithubRunner(workflow, join(work, 'github-broken'), 1);
    const result = await runner.run();
    // The matrix: web's three shards audited (keys found: exit 1, allowed), the missing origin's failed.
    expect(result.audits, runner.output).toEqual([0, 0, 0, 3, 3, 3]);
    expect(result.report.code).toBe(3);
    const merged = readReport(join(result.report.dir, 'keyward.json'));
    expect(merged.repositories!.map((r) => [r.repository, r.status])).toEqual([
      [urls[1], 'audited'],
      [gone, 'failed'],
    ]);
    expect(merged.findings.map((f) => f.repository)).toEqual(merged.findings.map(() => urls[1]));
  });
});

it.runIf(!BUILT)('fleet CI recipes need the build', () => {
  throw new Error(NOT_BUILT);
});
