import { describe, expect, it } from 'vitest';
import { GITLAB_SCHEMA_VERSION, gitlabReporter } from '../../src/reporters/gitlab.js';
import {
  OPTIONS,
  RULE_META,
  cleanReport,
  expectGolden,
  rangeReport,
  secretsOf,
  worktreeReport,
} from './fixture.js';

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface GitlabVulnerability {
  id: string;
  severity: string;
  name: string;
  location: { file: string; start_line: number; commit: { sha: string } };
  identifiers: Array<Record<string, string>>;
}

/** The parts of GitLab's secret-detection report schema (v15) that GitLab requires. */
function expectGitlabShape(report: Record<string, unknown>) {
  expect(report.version).toBe(GITLAB_SCHEMA_VERSION);
  const scan = report.scan as Record<string, Record<string, unknown> | string>;
  for (const tool of [scan.analyzer, scan.scanner] as Array<Record<string, unknown>>) {
    expect(tool).toMatchObject({ id: 'keyward', name: 'keyward', vendor: { name: 'keyward' } });
    expect(typeof tool.version).toBe('string');
  }
  expect(scan.type).toBe('secret_detection');
  expect(scan.status).toBe('success');
  expect(scan.start_time).toMatch(TIME);
  expect(scan.end_time).toMatch(TIME);
  for (const v of report.vulnerabilities as Array<GitlabVulnerability>) {
    expect(v.id).toMatch(UUID);
    expect(['Critical', 'High', 'Medium', 'Low']).toContain(v.severity);
    expect(typeof v.name).toBe('string');
    expect(v.location.file.length).toBeGreaterThan(0);
    expect(Number.isInteger(v.location.start_line)).toBe(true);
    expect(v.location.commit.sha.length).toBeGreaterThan(0);
    expect(v.identifiers.length).toBeGreaterThan(0);
    for (const id of v.identifiers) expect(Object.keys(id).sort()).toEqual(['name', 'type', 'value']);
  }
}

describe('gitlab reporter', () => {
  it.each([
    ['worktree', worktreeReport],
    ['range', rangeReport],
    ['clean', cleanReport],
  ])('writes a secret-detection report for a %s scan (golden)', (name, make) => {
    const report = make();
    const out = gitlabReporter(report, {
      ...OPTIONS,
      rules: RULE_META,
      env: { CI_COMMIT_SHA: 'f'.repeat(40) },
    });
    expectGitlabShape(JSON.parse(out));
    expectGolden(`gitlab/${name}.json`, out, secretsOf(report));
  });

  it('times the scan from its start and duration', () => {
    const parsed = JSON.parse(gitlabReporter(rangeReport(), OPTIONS));
    expect([parsed.scan.start_time, parsed.scan.end_time]).toEqual([
      '2026-01-02T03:04:05',
      '2026-01-02T03:04:06',
    ]);
  });

  it('uses the commit that added the key, else the pipeline commit, else zeros', () => {
    const sha = (report: ReturnType<typeof worktreeReport>, env: Record<string, string>) =>
      JSON.parse(gitlabReporter(report, { ...OPTIONS, env })).vulnerabilities[0].location.commit.sha;
    expect(sha(rangeReport(), { CI_COMMIT_SHA: 'f'.repeat(40) })).toBe(rangeReport().findings[0]!.commit);
    expect(sha(worktreeReport(), { CI_COMMIT_SHA: 'f'.repeat(40) })).toBe('f'.repeat(40));
    expect(sha(worktreeReport(), {})).toBe('0000000');
  });

  it('gives each occurrence a stable, distinct id', () => {
    const ids = JSON.parse(gitlabReporter(worktreeReport(), OPTIONS)).vulnerabilities.map(
      (v: { id: string }) => v.id,
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      JSON.parse(gitlabReporter(worktreeReport(), OPTIONS)).vulnerabilities.map((v: { id: string }) => v.id),
    ).toEqual(ids);
  });

  it('never reveals a secret, even with --reveal', () => {
    const report = worktreeReport();
    const out = gitlabReporter(report, { ...OPTIONS, reveal: true });
    for (const secret of secretsOf(report)) expect(out).not.toContain(secret);
  });
});
