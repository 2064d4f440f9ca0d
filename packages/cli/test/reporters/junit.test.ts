import { describe, expect, it } from 'vitest';
import { junitReporter, xml } from '../../src/reporters/junit.js';
import {
  OPTIONS,
  RULE_META,
  cleanReport,
  expectGolden,
  rangeReport,
  secretsOf,
  worktreeReport,
} from './fixture.js';

describe('junit reporter', () => {
  it.each([
    ['worktree', worktreeReport],
    ['range', rangeReport],
    ['clean', cleanReport],
  ])('writes one testsuite for a %s scan (golden)', (name, make) => {
    const report = make();
    const out = junitReporter(report, { ...OPTIONS, rules: RULE_META });
    expectGolden(`junit/${name}.xml`, out, secretsOf(report));
    expect(out.match(/<testsuite /g)).toHaveLength(1);
    expect(out.match(/<testcase /g)).toHaveLength(Math.max(report.findings.length, 1));
    expect(out.match(/<failure /g) ?? []).toHaveLength(report.findings.length);
  });

  it('escapes XML in names and messages', () => {
    expect(xml(`a&b<c>"d'\n\x01`)).toBe('a&amp;b&lt;c&gt;&quot;d&apos;&#10;\uFFFD');
    const out = junitReporter(worktreeReport(), OPTIONS);
    expect(out).toContain('classname="deploy/eu,prod:1%&lt;a&amp;b&gt;|x.env"');
    expect(out).not.toContain('<a&b>');
  });

  it('never reveals a secret, even with --reveal', () => {
    const report = worktreeReport();
    const out = junitReporter(report, { ...OPTIONS, reveal: true });
    for (const secret of secretsOf(report)) expect(out).not.toContain(secret);
  });
});
