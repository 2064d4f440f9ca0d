import { describe, expect, it } from 'vitest';
import { textReporter } from '../../src/reporters/text.js';
import { OPTIONS, cleanReport, expectGolden, rangeReport, secretsOf, worktreeReport } from './fixture.js';

describe('text reporter', () => {
  it('groups findings by file, sorted, aligned and redacted', () => {
    const report = worktreeReport();
    expectGolden('text/worktree.txt', textReporter(report, OPTIONS), secretsOf(report));
  });

  it('shows commit provenance, reachability and verification', () => {
    const report = rangeReport();
    expectGolden('text/range.txt', textReporter(report, OPTIONS), secretsOf(report));
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
    report.findings = [{ ...report.findings[0]!, path: 'evil\x1b[2J\nname.txt' }];
    const out = textReporter(report, OPTIONS);
    expect(out).not.toContain('\x1b');
    expect(out.split('\n')[0]).toBe('evil\\x1b[2J\\x0aname.txt');
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
});
