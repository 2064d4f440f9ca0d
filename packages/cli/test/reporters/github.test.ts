import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, githubReporter, githubStepSummary } from '../../src/reporters/github.js';
import {
  OPTIONS,
  RULE_META,
  cleanReport,
  expectGolden,
  rangeReport,
  secretsOf,
  worktreeReport,
} from './fixture.js';

describe('github reporter', () => {
  it('prints one escaped workflow command per finding (golden)', () => {
    const report = worktreeReport();
    const out = githubReporter(report, { ...OPTIONS, rules: RULE_META });
    expectGolden('github/worktree.txt', out, secretsOf(report));
    expect(out.trimEnd().split('\n')).toHaveLength(report.findings.length);
  });

  it('uses warning for low severity and error otherwise, with the rule id as title', () => {
    const lines = githubReporter(worktreeReport(), OPTIONS).trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::warning '))).toHaveLength(1);
    expect(lines.find((l) => l.includes('title=huggingface-token'))).toMatch(/^::warning /);
    expect(lines.find((l) => l.includes('title=openai-admin-key'))).toMatch(
      /^::error file=src\/config\.ts,line=9,col=20,endLine=9,endColumn=\d+,title=openai-admin-key::/,
    );
  });

  it('escapes properties and data so a file name cannot inject a command', () => {
    const line = githubReporter(worktreeReport(), OPTIONS)
      .split('\n')
      .find((l) => l.includes('groq-api-key'))!;
    expect(line).toContain('file=deploy/eu%2Cprod%3A1%25<a&b>|x.env,line=2,');
    expect(escapeData('50%\r\nnext')).toBe('50%25%0D%0Anext');
    expect(escapeProperty('a,b:c%')).toBe('a%2Cb%3Ac%25');
    const evil = worktreeReport();
    evil.findings = [{ ...evil.findings[0]!, path: 'x.txt\n::error::forged' }];
    expect(githubReporter(evil, OPTIONS).trimEnd().split('\n')).toHaveLength(1);
  });

  it('omits col and endColumn on multi-line ranges', () => {
    const report = worktreeReport();
    report.findings = [{ ...report.findings[0]!, endLine: report.findings[0]!.line + 1 }];
    const line = githubReporter(report, OPTIONS);
    expect(line).not.toContain('col=');
    expect(line).not.toContain('endColumn=');
  });

  it('prints nothing for a clean scan', () => {
    expect(githubReporter(cleanReport(), OPTIONS)).toBe('');
  });
});

describe('github step summary', () => {
  it.each([
    ['worktree', worktreeReport],
    ['range', rangeReport],
    ['clean', cleanReport],
  ])('renders a Markdown table for a %s scan (golden)', (name, make) => {
    const report = make();
    expectGolden(`github/summary-${name}.md`, githubStepSummary(report), secretsOf(report));
  });

  it('keeps table cells intact whatever the file name holds', () => {
    const row = githubStepSummary(worktreeReport())
      .split('\n')
      .find((l) => l.includes('groq-api-key'))!;
    expect(row.split(' | ')).toHaveLength(5);
    expect(row).toContain('<code>deploy/eu,prod:1%&lt;a&amp;b&gt;&#124;x.env</code>');
  });
});
