import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRepo, fakeKey, runCli, tempDir, type TempRepo } from '@keyward/test-utils';
import { expectValidSarif } from './sarif-schema.js';

let dir: string;
beforeEach(() => {
  dir = tempDir();
  writeFileSync(join(dir, 'app.env'), `OPENAI_API_KEY=${project}\n`);
  writeFileSync(join(dir, 'admin.ts'), `const admin = "${admin}";\n`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const project = fakeKey('openai-project', 41);
const admin = fakeKey('openai-admin', 42);
const scan = (argv: string[], env: Record<string, string> = {}) =>
  runCli(['scan', ...argv], { cwd: dir, env });

describe('keyward scan --format (end to end)', () => {
  it('sarif: a valid SARIF 2.1.0 log of the real findings, redacted', async () => {
    const r = await scan(['--format', 'sarif']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(project);
    const log = expectValidSarif(r.stdout);
    const results = log.runs[0].results;
    expect(results.map((x: { ruleId: string }) => x.ruleId).sort()).toEqual([
      'openai-admin-key',
      'openai-project-key',
    ]);
    const rule = log.runs[0].tool.driver.rules.find((x: { id: string }) => x.id === 'openai-admin-key');
    expect(rule.properties['security-severity']).toBe('9.5');
    expect(rule.shortDescription.text).not.toBe('openai-admin-key'); // the rule's own title
  });

  it('github: one annotation per finding and the step summary', async () => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    const r = await scan(['--format', 'github'], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.slice(0, 7)),
    ).toEqual(['::error', '::error']);
    expect(readFileSync(summary, 'utf8')).toContain('### keyward: 2 secrets found (1 critical, 1 high)');
  });

  it('gitlab and junit: well-formed, redacted', async () => {
    const gitlab = await scan(['--format', 'gitlab']);
    expect(JSON.parse(gitlab.stdout).vulnerabilities).toHaveLength(2);
    const junit = await scan(['--format', 'junit']);
    expect(junit.stdout.match(/<failure /g)).toHaveLength(2);
    for (const out of [gitlab.stdout, junit.stdout]) {
      expect(out).not.toContain(project);
      expect(out).not.toContain(admin);
    }
  });

  it('--output --reveal writes a 0600 file and nothing to stdout', async () => {
    const r = await scan(['--format', 'json', '--reveal', '--output', 'report.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(statSync(join(dir, 'report.json')).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).findings.map(
      (f: { secret: string }) => f.secret,
    );
    expect(secrets.sort()).toEqual([admin, project].sort());
  });

  it('--fail-on and --exit-zero decide the exit code, not the report', async () => {
    rmSync(join(dir, 'admin.ts'));
    expect((await scan(['--fail-on', 'critical'])).code).toBe(0);
    expect((await scan(['--fail-on', 'high'])).code).toBe(1);
    const zero = await scan(['--exit-zero']);
    expect(zero.code).toBe(0);
    expect(zero.stdout).toContain('openai-project-key');
  });
});

describe('CI formats of a working-tree scan below the top of a repository', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = createRepo();
    repo.write({ 'packages/api/src/app.ts': `const key = "${project}";\n` });
  });
  afterEach(() => repo.cleanup());
  const api = () => join(repo.dir, 'packages', 'api');

  it('name files from the top, as GitHub, code scanning and GitLab read them; text keeps the folder run in', async () => {
    const summary = join(repo.dir, 'summary.md');
    writeFileSync(summary, '');
    const github = await runCli(['scan', '--format', 'github'], {
      cwd: api(),
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(github.stdout).toMatch(/^::error file=packages\/api\/src\/app\.ts,line=1,/);
    expect(readFileSync(summary, 'utf8')).toContain('packages/api/src/app.ts');
    const sarif = expectValidSarif((await runCli(['scan', '--format', 'sarif'], { cwd: api() })).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'packages/api/src/app.ts',
    );
    const gitlab = JSON.parse((await runCli(['scan', '--format', 'gitlab'], { cwd: api() })).stdout);
    expect(gitlab.vulnerabilities[0].location.file).toBe('packages/api/src/app.ts');
    const junit = (await runCli(['scan', '--format', 'junit'], { cwd: api() })).stdout;
    expect(junit).toContain(' file="packages/api/src/app.ts" line="1"');
    const text = await runCli(['scan'], { cwd: api() });
    expect(text.stdout).toContain(' src/app.ts:1:');
    const json = JSON.parse((await runCli(['scan', '--format', 'json'], { cwd: api() })).stdout);
    expect(json.findings[0].path).toBe('src/app.ts');
  });

  it("from the folder above a checkout, name files from that checkout's top", async () => {
    const github = await runCli(['scan', repo.dir, '--format', 'github'], { cwd: join(repo.dir, '..') });
    expect(github.stdout).toMatch(/^::error file=packages\/api\/src\/app\.ts,line=1,/);
  });

  it('outside any repository, paths stay as the scan reports them', async () => {
    const github = await scan(['--format', 'github']);
    expect(github.stdout).toMatch(/file=(admin\.ts|app\.env),/);
  });
});
