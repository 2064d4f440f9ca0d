import { describe, expect, it } from 'vitest';
import { textReporter } from '../../src/reporters/text.js';
import type { Finding } from '@keyward/core';
import {
  OPTIONS,
  cleanReport,
  commitId,
  expectGolden,
  historyReport,
  rangeReport,
  secretsOf,
  worktreeReport,
} from './fixture.js';

describe('text reporter', () => {
  it('prints one aligned line a secret, worst first, with its place, redacted', () => {
    const report = worktreeReport();
    expectGolden('text/worktree.txt', textReporter(report, OPTIONS), secretsOf(report));
  });

  it('shows commit provenance, reachability and verification', () => {
    const report = rangeReport();
    expectGolden('text/range.txt', textReporter(report, OPTIONS), secretsOf(report));
  });

  it('says which filter a finding shown with --no-filters would have met, and why', () => {
    const report = worktreeReport();
    const [first] = report.findings;
    report.findings = [{ ...first!, filtered: { filter: 'encoded-text', reason: 'base64 of words' } }];
    expect(textReporter(report, OPTIONS)).toContain(' · encoded-text filter: base64 of words\n');
  });

  it('prints nothing on stdout for a clean scan', () => {
    expect(textReporter(cleanReport(), OPTIONS)).toBe('');
  });

  it('prints the full secrets only with reveal, in place of the redacted form', () => {
    const report = worktreeReport();
    const out = textReporter(report, { ...OPTIONS, reveal: true });
    for (const finding of report.findings) {
      const line = out.split('\n').find((l) => l.includes(` ${finding.ruleId} `));
      expect(line).toContain(finding.secret);
      expect(line).not.toContain(finding.redacted);
    }
  });

  it('colours only when asked', () => {
    const report = worktreeReport();
    expect(textReporter(report, { ...OPTIONS, color: true })).toContain('\x1b[');
    expect(textReporter(report, OPTIONS)).not.toContain('\x1b[');
  });
});

describe('text reporter and hostile names', () => {
  it('shows control characters in paths as escapes, never raw', () => {
    const report = worktreeReport();
    const admin = report.findings[0]!;
    report.findings = [{ ...admin, path: 'evil\x1b[2J\nname.txt' }];
    const out = textReporter(report, OPTIONS);
    expect(out).not.toContain('\x1b');
    expect(out.split('\n')[0]).toBe(
      `critical  openai-admin-key  ${admin.redacted}  evil\\x1b[2J\\x0aname.txt:9:20`,
    );
  });

  it('shows control characters in rule ids and redacted forms read from a report file as escapes', () => {
    const report = worktreeReport();
    report.findings = [{ ...report.findings[0]!, ruleId: 'x\x1b[31m', redacted: 'sk-\x1b[2J…abcd' }];
    expect(textReporter(report, OPTIONS)).toBe(
      'critical  x\\x1b[31m  sk-\\x1b[2J…abcd  src/config.ts:9:20\n',
    );
  });

  it('shows control characters in the authors and paths of history entries as escapes', () => {
    const report = historyReport();
    const latest = (n: number) => report.findings.find((f) => f.commit === commitId(n))!;
    report.findings = [
      { ...latest(9), author: 'Eve\x1b]8;;x\x07 <e@x>', path: 'a\rb.env' },
      { ...latest(8), path: 'c\x1b[1Ad.env' },
    ];
    const out = textReporter(report, OPTIONS);
    for (const raw of ['\x1b', '\x07', '\r']) expect(out).not.toContain(raw);
    expect(spaced(out)).toContain('(Eve\\x1b]8;;x\\x07 <e@x>, 2026-01-10) in a\\x0db.env');
    expect(spaced(out)).toContain('paths a\\x0db.env, c\\x1b[1Ad.env');
  });
});

/** Runs of spaces (column padding) as one space, and without the trailing newline. */
function spaced(text: string): string {
  return text.trimEnd().replace(/ {2,}/g, ' ');
}

/** The lines of the entry whose first line names `ruleId`: that line and the indented ones below it. */
function entryOf(out: string, ruleId: string): string[] {
  const lines = spaced(out).split('\n');
  const start = lines.findIndex((line) => !line.startsWith(' ') && line.split(' ')[1] === ruleId);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, i) => i > start && !line.startsWith(' '));
  return lines.slice(start, end === -1 ? undefined : end);
}

const short = (n: number) => commitId(n).slice(0, 12);
const redactedOf = (report: { findings: Finding[] }, ruleId: string) =>
  report.findings.find((f) => f.ruleId === ruleId)!.redacted;

describe('text reporter: one entry per secret', () => {
  it('groups a history audit by secret: aligned entries, worst first (golden)', () => {
    const report = historyReport();
    expectGolden('text/history.txt', textReporter(report, OPTIONS), secretsOf(report));
  });

  it('gives each secret its count, first and last commit with dates, and its paths (at most 5, then +N more)', () => {
    const report = historyReport();
    const out = textReporter(report, OPTIONS);
    const heads = spaced(out)
      .split('\n')
      .filter((line) => !line.startsWith(' '));
    expect(heads.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual([
      'critical openai-admin-key',
      'high openai-project-key', // live and still at HEAD before the other high key
      'high anthropic-api-key',
      'medium groq-api-key',
    ]);
    expect(entryOf(out, 'openai-project-key')).toEqual([
      `high openai-project-key ${redactedOf(report, 'openai-project-key')} 12 places · 1 unreachable · still at HEAD · live`,
      ` first ${short(1)} (Ada Tester <ada@example.test>, 2026-01-02) in .env`,
      ` last ${short(9)} (Bo Builder <bo@example.test>, 2026-01-10) in .env`,
      ' paths .env, config/dev.env, config/prod.env, deploy/k8s/secret.yaml, docker/compose.env +3 more',
    ]);
    expect(entryOf(out, 'anthropic-api-key')).toEqual([
      `high anthropic-api-key ${redactedOf(report, 'anthropic-api-key')} 3 places · gone from HEAD`,
      ` first ${short(2)} (Ada Tester <ada@example.test>, 2026-01-03) in app/.env.local`,
      ` last ${short(6)} (Ada Tester <ada@example.test>, 2026-01-07) in app/.env.local`,
    ]);
    // One commit added it to two files: that commit, then both paths.
    expect(entryOf(out, 'groq-api-key')).toEqual([
      `medium groq-api-key ${redactedOf(report, 'groq-api-key')} 2 places · gone from HEAD`,
      ` commit ${short(5)} (Ada Tester <ada@example.test>, 2026-01-06)`,
      ' paths api/.env, web/.env',
    ]);
    // Found once: the place on the entry's line, its commit below.
    expect(entryOf(out, 'openai-admin-key')).toEqual([
      `critical openai-admin-key ${redactedOf(report, 'openai-admin-key')} ops/admin.ts:3:22 · gone from HEAD`,
      ` commit ${short(7)} (Ada Tester <ada@example.test>, 2026-01-08)`,
    ]);
  });

  it('prints the same report whatever order the findings come in', () => {
    const report = historyReport();
    const expected = textReporter(report, OPTIONS);
    const shuffled = [...report.findings];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = (i * 7 + 3) % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    expect(textReporter({ ...report, findings: shuffled }, OPTIONS)).toBe(expected);
  });

  it('with reveal shows each full secret once, in place of its redacted form', () => {
    const report = historyReport();
    const out = textReporter(report, { ...OPTIONS, reveal: true });
    const secrets = [...new Set(secretsOf(report))];
    expect(secrets).toHaveLength(4);
    for (const secret of secrets) expect(out.split(secret)).toHaveLength(2);
    for (const finding of report.findings) expect(out).not.toContain(finding.redacted);
  });

  it('lists every place of a key found in two files of the working tree, under one entry', () => {
    const report = worktreeReport();
    const project = report.findings.find((f) => f.ruleId === 'openai-project-key')!;
    report.findings.push({ ...project, path: 'app/.env', line: 2, column: 16 });
    const out = textReporter(report, OPTIONS);
    expect(entryOf(out, 'openai-project-key')).toEqual([
      `high openai-project-key ${project.redacted} 2 places`,
      ' app/.env:2:16',
      ' src/config.ts:3:15',
    ]);
    expect(spaced(out).split('\n')).toHaveLength(5 + 2);
    expect(out.split(project.redacted)).toHaveLength(2);
  });
});

describe('text reporter at scale', () => {
  it('renders 200,000 findings (a history audit) without overflowing', () => {
    const report = worktreeReport();
    const one = report.findings[1]!;
    report.findings = Array.from({ length: 200_000 }, (_, i) => ({ ...one, line: i + 1 }));
    const out = textReporter(report, OPTIONS);
    expect(out.split('\n')).toHaveLength(200_000 + 2);
  });

  it('groups 200,000 occurrences of one key, each in its own path and commit, into one entry', () => {
    const report = historyReport();
    const one = report.findings.find((f) => f.ruleId === 'openai-admin-key')!;
    report.findings = Array.from({ length: 200_000 }, (_, i) => ({
      ...one,
      path: `src/f${i}.ts`,
      commit: commitId(i),
      date: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
    }));
    const out = textReporter(report, OPTIONS);
    expect(spaced(out).split('\n')).toEqual([
      `critical openai-admin-key ${one.redacted} 200000 places · gone from HEAD`,
      ` first ${short(0)} (Ada Tester <ada@example.test>, 2020-01-01) in src/f0.ts`,
      ` last ${short(199_999)} (Ada Tester <ada@example.test>, 2020-05-18) in src/f199999.ts`,
      ' paths src/f0.ts, src/f1.ts, src/f10.ts, src/f100.ts, src/f1000.ts +199995 more',
    ]);
  });

  it('renders 200,000 occurrences of 1,000 keys as 1,000 entries', () => {
    const report = historyReport();
    const one = report.findings.find((f) => f.ruleId === 'openai-admin-key')!;
    report.findings = Array.from({ length: 200_000 }, (_, i) => ({
      ...one,
      fingerprint: `fp-${i % 1000}`,
      commit: commitId(i),
    }));
    const heads = textReporter(report, OPTIONS)
      .split('\n')
      .filter((line) => line.startsWith('critical'));
    expect(heads).toHaveLength(1000);
    for (const head of heads) expect(spaced(head)).toMatch(/ 200 places · gone from HEAD$/);
  });
});
