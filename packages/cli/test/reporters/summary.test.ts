import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, summaryLine } from '../../src/reporters/summary.js';
import { cleanReport, historyReport, rangeReport, worktreeReport } from './fixture.js';

describe('summaryLine', () => {
  it('counts findings by severity, what was scanned, time, suppressions and skips', () => {
    expect(summaryLine(worktreeReport(), { color: false })).toBe(
      'keyward: 5 secrets found (1 critical, 2 high, 1 medium, 1 low) · 128 files, 1.2 MB in 84 ms' +
        ' · suppressed 3 (2 inline, 1 baseline) · skipped 36 (31 ignored, 4 binary, 1 too large)',
    );
  });

  it("counts what keyward's filters hid, by filter", () => {
    const report = cleanReport();
    report.suppressed = {
      ...report.suppressed,
      filters: { 'public-key': 17, 'encoded-text': 2, allowlist: 1 },
    };
    expect(summaryLine(report, { color: false })).toContain(
      ' · suppressed 20 (17 public key, 2 encoded text, 1 allowlisted) · ',
    );
  });

  it('says a clean scan is clean', () => {
    expect(summaryLine(cleanReport(), { color: false })).toBe(
      'keyward: no secrets found · 128 files, 1.2 MB in 84 ms · skipped 36 (31 ignored, 4 binary, 1 too large)',
    );
  });

  it('names the range and tallies verification results', () => {
    expect(summaryLine(rangeReport(), { color: false })).toBe(
      'keyward: 2 secrets found (2 high) · 0123456789ab..a1b2c3d4e5f6 (3 commits), 6 blobs, 4.3 kB in 1.53 s' +
        ' · verified: 1 live, 1 invalid, 0 unknown',
    );
  });

  it('counts a secret found in many places once, and says both counts (history)', () => {
    // 4 keys in 18 blobs; only the project key (12 places) was verified, once.
    expect(summaryLine(historyReport(), { color: false })).toBe(
      'keyward: 4 secrets found in 18 places (1 critical, 2 high, 1 medium)' +
        ' · all objects (240 blobs), 10 commits, 98.8 kB in 2.04 s · verified: 1 live, 0 invalid, 0 unknown',
    );
  });

  it('says "1 secret found in 2 places" for one key in two files', () => {
    const report = worktreeReport();
    const project = report.findings.find((f) => f.ruleId === 'openai-project-key')!;
    report.findings = [project, { ...project, path: 'app/.env', line: 2 }];
    expect(summaryLine(report, { color: false })).toMatch(
      /^keyward: 1 secret found in 2 places \(1 high\) · /,
    );
  });

  it('counts blobs once when the description already does (history)', () => {
    const report = rangeReport();
    report.scan = { ...report.scan, mode: 'history', commits: 0, range: 'all objects (6 blobs)' };
    expect(summaryLine(report, { color: false })).toContain('· all objects (6 blobs), 4.3 kB in 1.53 s');
  });

  it('counts warnings and colours only when asked', () => {
    const report = { ...cleanReport(), warnings: ['src/x: permission denied'] };
    expect(summaryLine(report, { color: false })).toContain('1 warning');
    expect(summaryLine(report, { color: false })).not.toContain('\x1b[');
    expect(summaryLine(report, { color: true })).toContain('\x1b[');
  });

  it('formats sizes and durations', () => {
    expect([formatBytes(999), formatBytes(1000), formatBytes(5_500_000_000)]).toEqual([
      '999 B',
      '1.0 kB',
      '5.5 GB',
    ]);
    expect([formatDuration(84.4), formatDuration(1530)]).toEqual(['84 ms', '1.53 s']);
  });
});
