import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, fakeKey, GIT_ENV, runCli, tempDir, type TempRepo } from '@keyward/test-utils';

/**
 * Issue 18: a history audit of a store with missing objects reports what the present objects hold, says it
 * is partial in every format, and exits 3; `--require-complete` refuses before reporting, as before.
 */
const KEPT = fakeKey('openai-project', 821);
const LOST = fakeKey('openai-admin', 822);

let whole: TempRepo;
let broken: TempRepo;
let lostBlob: string;
let keptCommit: string;

beforeAll(() => {
  const make = () => {
    const r = createRepo();
    const first = r.commit('keys', { 'kept.env': `OPENAI_API_KEY=${KEPT}\n`, 'lost.env': `ADMIN=${LOST}\n` });
    r.commit('more', { 'notes.txt': 'notes\n' });
    return { r, first };
  };
  whole = make().r;
  const made = make();
  broken = made.r;
  keptCommit = made.first;
  // Loose objects (no gc in test repositories): one file under .git/objects is one blob gone.
  lostBlob = broken.git('rev-parse', 'HEAD:lost.env');
  rmSync(join(broken.dir, '.git', 'objects', lostBlob.slice(0, 2), lostBlob.slice(2)));
});
afterAll(() => {
  whole?.cleanup();
  broken?.cleanup();
});

const scan = (r: TempRepo, ...argv: string[]) =>
  runCli(['scan', '--history', ...argv], { cwd: r.dir, env: GIT_ENV });
const notice = () => `partial audit: 1 object is missing, e.g. ${lostBlob.slice(0, 12)}`;

describe('keyward scan --history on a store with a missing blob', () => {
  it('JSON: the present key, complete false, the missing id, exit 3', async () => {
    const result = await scan(broken, '--format', 'json');
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as Record<string, unknown> & {
      findings: Array<Record<string, unknown>>;
    };
    expect(report.findings).toEqual([
      expect.objectContaining({
        ruleId: 'openai-project-key',
        path: 'kept.env',
        commit: keptCommit,
        redacted: `sk-proj-…${KEPT.slice(-4)}`,
      }),
    ]);
    expect(report).toMatchObject({
      complete: false,
      missing: [lostBlob],
      missingCount: 1,
      partial: {
        reason: `1 object is missing, e.g. ${lostBlob.slice(0, 12)}`,
        hint: expect.stringContaining('git fsck'),
      },
    });
    expect(result.stdout).not.toContain(KEPT); // redacted
    expect(result.stderr).toMatch(/1 secret found.*partial audit: 1 object is missing/);
  });

  it('text: the notice at the top, then the key; exit 3', async () => {
    const result = await scan(broken);
    expect(result.code).toBe(3);
    const [first, second] = result.stdout.split('\n');
    expect(first).toBe(
      `keyward: partial audit: 1 object is missing, e.g. ${lostBlob.slice(0, 12)}; the findings are those of the objects present, not the whole history. To complete it: fetch them from a complete copy (\`git fetch <remote>\`), or check the repository with \`git fsck\`, and scan again`,
    );
    expect(second).toMatch(
      new RegExp(`^high\\s+openai-project-key\\s+sk-proj-…${KEPT.slice(-4)}\\s+kept\\.env:1:16`),
    );
  });

  it('SARIF: the result, and a run that says it did not complete', async () => {
    const result = await scan(broken, '--format', 'sarif');
    expect(result.code).toBe(3);
    const [run] = (
      JSON.parse(result.stdout) as {
        runs: Array<{ results: Array<{ ruleId: string }>; invocations: unknown }>;
      }
    ).runs;
    expect(run!.results.map((r) => r.ruleId)).toEqual(['openai-project-key']);
    expect(run!.invocations).toEqual([
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          { level: 'error', message: { text: expect.stringContaining(notice()) } },
        ],
      },
    ]);
  });

  it('JUnit, GitLab and HTML carry the notice too', async () => {
    const junit = await scan(broken, '--format', 'junit');
    expect(junit.code).toBe(3);
    expect(junit.stdout).toContain('tests="2" failures="2"');
    expect(junit.stdout).toMatch(
      /<testcase classname="keyward" name="complete history" time="0">\s*<failure type="partial-audit" message="partial audit: 1 object is missing/,
    );
    const gitlab = await scan(broken, '--format', 'gitlab');
    expect(gitlab.code).toBe(3);
    const gl = JSON.parse(gitlab.stdout) as { scan: { messages: unknown }; vulnerabilities: unknown[] };
    expect(gl.vulnerabilities).toHaveLength(1);
    expect(gl.scan.messages).toEqual([{ level: 'warn', value: expect.stringContaining(notice()) }]);
    const html = await scan(broken, '--format', 'html');
    expect(html.code).toBe(3);
    const header = html.stdout.slice(html.stdout.indexOf('<header>'), html.stdout.indexOf('</header>'));
    expect(header).toContain(`<p class="banner reveal" role="alert">${notice()}`);
  });

  it('GitHub: an ::error saying it is partial first, and the step summary says it too', async () => {
    const dir = tempDir();
    try {
      const summary = join(dir, 'summary.md');
      const result = await runCli(['scan', '--history', '--format', 'github'], {
        cwd: broken.dir,
        env: { ...GIT_ENV, GITHUB_STEP_SUMMARY: summary },
      });
      expect(result.code).toBe(3);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`^::error title=keyward partial audit::${notice()}`));
      expect(lines[1]).toMatch(/^::error file=kept\.env,line=1,/);
      expect(readFileSync(summary, 'utf8')).toMatch(
        /^> \*\*Partial audit\.\*\* <code>partial audit: 1 object is missing/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--require-complete refuses before reporting, with the old message', async () => {
    const result = await scan(broken, '--require-complete', '--format', 'json');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `the repository history is incomplete (1 object is missing, e.g. ${lostBlob.slice(0, 12)}); fetch them from a complete copy`,
    );
  });

  it('--require-complete works with --history or --range only', async () => {
    const result = await runCli(['scan', '--require-complete'], { cwd: whole.dir, env: GIT_ENV });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--require-complete works with --history or --range only');
  });

  it('a complete store: no complete/missing fields, exit 1 as before (and with --require-complete)', async () => {
    for (const extra of [[], ['--require-complete']]) {
      const result = await scan(whole, '--format', 'json', ...extra);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as { findings: unknown[] };
      expect(Object.keys(report)).toEqual(['version', 'tool', 'scan', 'findings']);
      expect(report.findings).toHaveLength(2);
    }
  });

  it('no finding in what is present is still not clean: exit 3, and the summary says partial', async () => {
    const r = createRepo();
    try {
      r.commit('one', { 'a.txt': 'a\n', 'b.txt': `ADMIN=${LOST}\n` });
      const blob = r.git('rev-parse', 'HEAD:b.txt');
      rmSync(join(r.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
      const result = await scan(r);
      expect(result.code).toBe(3);
      expect(result.stdout).toMatch(/^keyward: partial audit: 1 object is missing/);
      expect(result.stderr).toContain(
        'no secrets found in the objects present (partial audit: 1 object is missing',
      );
      expect(result.stderr).not.toMatch(/keyward: no secrets found(?! in the objects present)/);
    } finally {
      r.cleanup();
    }
  });
});

describe('keyward merge of partial shard reports', () => {
  it('stays partial: the findings, complete false, the missing id, exit 3; whole shards merge as before', async () => {
    const dir = tempDir();
    try {
      const shards = async (r: TempRepo, name: string) => {
        const files: string[] = [];
        for (const shard of ['1/2', '2/2']) {
          const file = join(dir, `${name}-${shard.replace('/', 'of')}.json`);
          const result = await scan(r, '--shard', shard, '--format', 'json', '--output', file);
          // Every shard walks the whole store: each of the broken one's is partial.
          if (name === 'broken') expect(result.code).toBe(3);
          else expect([0, 1]).toContain(result.code);
          files.push(file);
        }
        return runCli(['merge', ...files, '--format', 'json'], { cwd: r.dir, env: GIT_ENV });
      };
      const partial = await shards(broken, 'broken');
      expect(partial.code).toBe(3);
      const merged = JSON.parse(partial.stdout) as Record<string, unknown> & {
        findings: Array<{ path: string }>;
      };
      expect(merged.findings.map((f) => f.path)).toEqual(['kept.env']);
      expect(merged).toMatchObject({
        complete: false,
        missing: [lostBlob],
        missingCount: 1,
        partial: { reason: `1 object is missing, e.g. ${lostBlob.slice(0, 12)}` },
      });
      const complete = await shards(whole, 'whole');
      expect(complete.code).toBe(1);
      expect(Object.keys(JSON.parse(complete.stdout) as object)).toEqual([
        'version',
        'tool',
        'scan',
        'findings',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('keyward scan --history in a blobless clone whose remote is gone', () => {
  it('reports the keys in the blobs it holds, names what it lacks, exits 3', async () => {
    const origin = createRepo();
    const dir = join(tempDir(), 'clone');
    try {
      origin.commit('early', { 'early.env': `ADMIN=${LOST}\n` });
      const tip = origin.commit('late', { 'early.env': 'ADMIN=\n', 'late.env': `OPENAI_API_KEY=${KEPT}\n` });
      const early = origin.git('rev-parse', 'HEAD~1:early.env');
      origin.git('config', 'uploadpack.allowFilter', 'true');
      execFileSync('git', ['clone', '-q', '--no-local', '--filter=blob:none', `file://${origin.dir}`, dir], {
        env: { ...process.env, ...GIT_ENV },
        stdio: 'ignore',
      });
      rmSync(origin.dir, { recursive: true, force: true });
      const result = await runCli(['scan', '--history', '--format', 'json'], { cwd: dir, env: GIT_ENV });
      expect(result.code).toBe(3);
      const report = JSON.parse(result.stdout) as {
        findings: Array<{ path: string; commit: string; ruleId: string }>;
        complete: boolean;
        missing: string[];
        partial: { reason: string; hint: string };
      };
      expect(report.findings.map((f) => [f.ruleId, f.path, f.commit])).toEqual([
        ['openai-project-key', 'late.env', tip],
      ]);
      expect(report.complete).toBe(false);
      expect(report.missing).toContain(early);
      expect(report.partial.reason).toMatch(/partial clone/);
      expect(report.partial.hint).toContain('git fetch --refetch origin');
    } finally {
      origin.cleanup();
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});

describe('keyward scan --range on a store with a missing blob', () => {
  it('reports the present keys with the missing blob, its path and commit; --require-complete refuses', async () => {
    const r = createRepo();
    try {
      const base = r.commit('base', { 'README.md': 'hello\n' });
      const add = r.commit('keys', {
        'kept.env': `OPENAI_API_KEY=${KEPT}\n`,
        'lost.env': `ADMIN=${LOST}\n`,
      });
      const blob = r.git('rev-parse', 'HEAD:lost.env');
      rmSync(join(r.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
      const run = (...argv: string[]) =>
        runCli(['scan', '--range', `${base}..HEAD`, ...argv], { cwd: r.dir, env: GIT_ENV });
      const result = await run('--format', 'json');
      expect(result.code).toBe(3);
      const report = JSON.parse(result.stdout) as Record<string, unknown> & {
        findings: Array<{ path: string; commit: string }>;
      };
      expect(report.findings.map((f) => [f.path, f.commit])).toEqual([['kept.env', add]]);
      expect(report).toMatchObject({
        complete: false,
        missing: [blob],
        missingCount: 1,
        missingAt: [{ id: blob, path: 'lost.env', commit: add }],
      });
      const text = await run();
      expect(text.code).toBe(3);
      expect(text.stdout).toMatch(
        new RegExp(
          `^keyward: partial audit: 1 blob is missing, e\\.g\\. ${blob.slice(0, 12)} \\(lost\\.env in`,
        ),
      );
      const refused = await run('--require-complete', '--format', 'json');
      expect(refused.code).toBe(3);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain(`blob ${blob} (lost.env in ${add.slice(0, 12)}) is missing`);
    } finally {
      r.cleanup();
    }
  });
});
