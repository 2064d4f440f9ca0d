import type { Finding, Severity } from '@keyward/core';
import { partialNotice, type Report, type ReporterOptions, type RuleMeta } from '../report.js';
import { DEFAULT_REMEDIATION, SECURITY_SEVERITY, reportedRules } from './rules-meta.js';
import { findingMessage, severityRank, sortFindings } from './shared.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** Key of keyward's own fingerprint in `partialFingerprints` (GitHub computes its own line hashes). */
export const SARIF_FINGERPRINT_KEY = 'keyward/v1';

/** GitHub code scanning rejects a run with more results than this (docs: "results-exceed-limit"). */
export const SARIF_MAX_RESULTS = 25_000;

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: one run, a rule per reported rule id with
 * `security-severity`, repo-relative URIs, 1-based regions (UTF-16 columns), content fingerprints.
 * Always redacted, even with --reveal: SARIF files are uploaded and kept by other systems.
 */
export function sarifReporter(report: Report, options: ReporterOptions): string {
  const all = sortFindings(report.findings);
  // Past GitHub's limit, keep the most severe results and say how many were left out: a rejected upload
  // would show nothing at all.
  const findings =
    all.length > SARIF_MAX_RESULTS
      ? all
          .map((finding, order) => ({ finding, order }))
          .sort(
            (a, b) =>
              severityRank(a.finding.severity) - severityRank(b.finding.severity) || a.order - b.order,
          )
          .slice(0, SARIF_MAX_RESULTS)
          .sort((a, b) => a.order - b.order)
          .map(({ finding }) => finding)
      : all;
  const omitted = all.length - findings.length;
  // keyward fleet: repositories that could not be audited whole make the run unsuccessful too.
  const notAudited = (report.repositories ?? []).filter((r) => r.status !== 'audited');
  const rules = reportedRules(findings, options.rules);
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keyward',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: 'https://github.com/keyward/keyward',
            rules: rules.map(sarifRule),
          },
        },
        // No automationDetails: upload-sarif sets it from its `category` only when the run has none.
        columnKind: 'utf16CodeUnits',
        results: findings.map((finding) => sarifResult(finding, index.get(finding.ruleId) ?? 0, rules)),
        ...(omitted > 0 || report.partial || notAudited.length > 0
          ? {
              invocations: [
                {
                  // A partial audit (objects missing from the store) did not do all it was asked.
                  executionSuccessful: !report.partial && notAudited.length === 0,
                  toolExecutionNotifications: [
                    ...(report.partial
                      ? [{ level: 'error', message: { text: partialNotice(report.partial) } }]
                      : []),
                    ...notAudited.map((r) => ({
                      level: 'error',
                      message: { text: `${r.repository}: ${r.status}: ${r.reason ?? 'not audited'}` },
                    })),
                    ...(omitted > 0
                      ? [
                          {
                            level: 'warning',
                            message: {
                              text:
                                `${omitted} less severe results were left out: GitHub code scanning accepts at most ` +
                                `${SARIF_MAX_RESULTS} a run. The JSON report (--format json) has them all.`,
                            },
                          },
                        ]
                      : []),
                  ],
                },
              ],
            }
          : {}),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function sarifRule(rule: RuleMeta) {
  const remediation = rule.remediation ?? DEFAULT_REMEDIATION;
  const references = rule.references ?? [];
  const markdown = [
    `**${rule.title}** (\`${rule.id}\`, ${rule.severity}).`,
    '',
    remediation,
    ...(references.length > 0 ? ['', ...references.map((ref) => `- <${ref}>`)] : []),
  ].join('\n');
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: `${rule.title}: a secret committed to the repository.` },
    help: { text: remediation, markdown },
    ...(references[0] ? { helpUri: references[0] } : {}),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', 'secret', rule.provider],
      precision: rule.confidence,
      'security-severity': SECURITY_SEVERITY[rule.severity],
    },
  };
}

function sarifResult(finding: Finding, ruleIndex: number, rules: RuleMeta[]) {
  const rule = rules[ruleIndex];
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: findingMessage(finding, false, rule?.title) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: {
            uri: sarifUri(finding.path),
            uriBaseId: '%SRCROOT%',
            // keyward fleet: the path is in this repository.
            ...(finding.repository !== undefined ? { description: { text: finding.repository } } : {}),
          },
          region: {
            startLine: finding.line,
            startColumn: finding.column,
            endLine: finding.endLine,
            endColumn: finding.endColumn,
          },
        },
      },
    ],
    partialFingerprints: { [SARIF_FINGERPRINT_KEY]: finding.fingerprint },
    ...(hasProperties(finding) ? { properties: properties(finding) } : {}),
  };
}

function hasProperties(finding: Finding): boolean {
  return (
    finding.commit !== undefined ||
    finding.reachable !== undefined ||
    finding.verification !== undefined ||
    finding.repository !== undefined
  );
}

function properties(finding: Finding) {
  return {
    ...(finding.repository !== undefined ? { repository: finding.repository } : {}),
    ...(finding.commit !== undefined ? { commit: finding.commit } : {}),
    ...(finding.author !== undefined ? { author: finding.author } : {}),
    ...(finding.date !== undefined ? { date: finding.date } : {}),
    ...(finding.reachable !== undefined ? { reachable: finding.reachable } : {}),
    ...(finding.verification
      ? { verification: { status: finding.verification.status, reason: finding.verification.reason } }
      : {}),
  };
}

/** A repo-relative URI reference: forward slashes, each segment percent-encoded. */
export function sarifUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

export default sarifReporter;
