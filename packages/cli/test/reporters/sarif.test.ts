import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SCHEMA_FILE, SCHEMA_SHA256, expectValidSarif } from './sarif-schema.js';
import { describe, expect, it } from 'vitest';
import { SARIF_MAX_RESULTS, sarifReporter, sarifUri } from '../../src/reporters/sarif.js';
import {
  OPTIONS,
  RULE_META,
  cleanReport,
  expectGolden,
  rangeReport,
  secretsOf,
  worktreeReport,
} from './fixture.js';

describe('sarif reporter', () => {
  it('uses the vendored schema unchanged', () => {
    expect(createHash('sha256').update(readFileSync(SCHEMA_FILE)).digest('hex')).toBe(SCHEMA_SHA256);
  });

  it.each([
    ['worktree', worktreeReport],
    ['range', rangeReport],
    ['clean', cleanReport],
  ])('writes a valid SARIF 2.1.0 log for a %s scan (golden)', (name, make) => {
    const report = make();
    const out = sarifReporter(report, { ...OPTIONS, rules: RULE_META });
    expectValidSarif(out);
    expectGolden(`sarif/${name}.sarif`, out, secretsOf(report));
  });

  it('describes each reported rule once, with security-severity, and indexes results into them', () => {
    const log = expectValidSarif(sarifReporter(worktreeReport(), { ...OPTIONS, rules: RULE_META }));
    const run = log.runs[0];
    const rules = run.tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual([
      'anthropic-api-key',
      'groq-api-key',
      'huggingface-token',
      'openai-admin-key',
      'openai-project-key',
    ]);
    const admin = rules.find((r: { id: string }) => r.id === 'openai-admin-key');
    expect(admin.properties['security-severity']).toBe('9.5');
    expect(admin.shortDescription.text).toBe('OpenAI admin API key');
    expect(admin.helpUri).toBe('https://platform.openai.com/docs/api-reference/administration');
    // Rules the pipeline did not describe fall back to what the finding says.
    expect(rules.find((r: { id: string }) => r.id === 'groq-api-key').properties['security-severity']).toBe(
      '5.5',
    );
    for (const result of run.results) expect(rules[result.ruleIndex].id).toBe(result.ruleId);
  });

  it('carries content fingerprints, repo-relative URIs and 1-based regions', () => {
    const report = worktreeReport();
    const log = expectValidSarif(sarifReporter(report, OPTIONS));
    const byFingerprint = new Map(report.findings.map((f) => [f.fingerprint, f]));
    for (const result of log.runs[0].results) {
      const finding = byFingerprint.get(result.partialFingerprints['keyward/v1'])!;
      expect(finding).toBeDefined();
      const location = result.locations[0].physicalLocation;
      expect(location.artifactLocation.uri).toBe(sarifUri(finding.path));
      expect(location.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(location.region).toEqual({
        startLine: finding.line,
        startColumn: finding.column,
        endLine: finding.endLine,
        endColumn: finding.endColumn,
      });
      expect(result.locations[0].physicalLocation.region).not.toHaveProperty('snippet');
    }
  });

  it('never reveals a secret, even with --reveal', () => {
    const report = worktreeReport();
    const out = sarifReporter(report, { ...OPTIONS, reveal: true });
    for (const secret of secretsOf(report)) expect(out).not.toContain(secret);
  });

  it('encodes paths as URI references', () => {
    expect(sarifUri('src/a b/c#d.ts')).toBe('src/a%20b/c%23d.ts');
    expect(sarifUri('./win\\path\\x.env')).toBe('win/path/x.env');
  });

  it("keeps the most severe results under GitHub's limit and says how many it left out", () => {
    const report = worktreeReport();
    const [critical, high, , medium] = report.findings;
    report.findings = [
      ...Array.from({ length: SARIF_MAX_RESULTS }, (_, i) => ({ ...medium!, line: i + 1 })),
      { ...high!, line: 1 },
      { ...critical!, line: 1 },
    ];
    const log = expectValidSarif(sarifReporter(report, OPTIONS));
    const results = log.runs[0].results;
    expect(results).toHaveLength(SARIF_MAX_RESULTS);
    expect(results.filter((r: { ruleId: string }) => r.ruleId !== medium!.ruleId)).toHaveLength(2);
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(
      /^2 less severe results were left out/,
    );
  });
});
