import { describe, expect, it } from 'vitest';
import { jsonReporter } from '../../src/reporters/json.js';
import { OPTIONS, cleanReport, expectGolden, rangeReport, secretsOf, worktreeReport } from './fixture.js';

describe('json reporter', () => {
  it('writes the DESIGN §3 report, redacted', () => {
    const report = worktreeReport();
    expectGolden('json/worktree.json', jsonReporter(report, OPTIONS), secretsOf(report));
  });

  it('carries commit, author, date, reachability and verification when known', () => {
    const report = rangeReport();
    expectGolden('json/range.json', jsonReporter(report, OPTIONS), secretsOf(report));
  });

  it('uses exactly the DESIGN §3 keys, in order', () => {
    const parsed = JSON.parse(jsonReporter(rangeReport(), OPTIONS));
    expect(Object.keys(parsed)).toEqual(['version', 'tool', 'scan', 'findings']);
    expect(Object.keys(parsed.scan)).toEqual(['mode', 'files', 'blobs', 'commits', 'bytes', 'durationMs']);
    expect(Object.keys(parsed.findings[0])).toEqual([
      'ruleId',
      'severity',
      'confidence',
      'path',
      'line',
      'column',
      'endLine',
      'endColumn',
      'redacted',
      'fingerprint',
      'commit',
      'author',
      'date',
      'verification',
    ]);
    expect(Object.keys(parsed.findings[1])).toContain('reachable');
    expect(Object.keys(parsed.findings[0].verification)).toEqual(['status', 'reason', 'detail']);
  });

  it('adds secret only with reveal', () => {
    const report = worktreeReport();
    const hidden = JSON.parse(jsonReporter(report, OPTIONS));
    for (const f of hidden.findings) expect(f).not.toHaveProperty('secret');
    const shown = JSON.parse(jsonReporter(report, { ...OPTIONS, reveal: true }));
    const byFingerprint = new Map(report.findings.map((f) => [f.fingerprint, f.secret]));
    expect(shown.findings).toHaveLength(report.findings.length);
    for (const f of shown.findings) expect(f.secret).toBe(byFingerprint.get(f.fingerprint));
  });

  it('writes an empty findings list for a clean scan', () => {
    expect(JSON.parse(jsonReporter(cleanReport(), OPTIONS)).findings).toEqual([]);
  });
});
