import { createHash } from 'node:crypto';
import type { Finding, Severity } from '@keyward/core';
import { partialNotice, type Report, type ReporterOptions } from '../report.js';
import { DEFAULT_REMEDIATION, reportedRules } from './rules-meta.js';
import { findingMessage, sortFindings } from './shared.js';

/** The security-report-schemas version this report follows (secret detection, v15). */
export const GITLAB_SCHEMA_VERSION = '15.0.7';

const SEVERITY: Record<Severity, 'Critical' | 'High' | 'Medium' | 'Low'> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

/**
 * GitLab's secret-detection report (`artifacts: reports: secret_detection:`). Always redacted: GitLab
 * stores it and shows `raw_source_code_extract` in the vulnerability page. Findings from a working-tree
 * scan carry the pipeline's commit (`CI_COMMIT_SHA`) when GitLab set one.
 */
export function gitlabReporter(report: Report, options: ReporterOptions): string {
  const rules = new Map(reportedRules(report.findings, options.rules).map((rule) => [rule.id, rule]));
  const started = report.scan.startedAt
    ? new Date(report.scan.startedAt)
    : new Date(Date.now() - report.scan.durationMs);
  const ended = new Date(started.getTime() + report.scan.durationMs);
  const tool = {
    id: 'keyward',
    name: 'keyward',
    url: 'https://github.com/keyward/keyward',
    version: report.tool.version,
    vendor: { name: 'keyward' },
  };
  const out = {
    version: GITLAB_SCHEMA_VERSION,
    scan: {
      analyzer: tool,
      scanner: tool,
      type: 'secret_detection',
      start_time: gitlabTime(started),
      end_time: gitlabTime(ended),
      status: 'success',
      // A partial history audit: its findings are reported, and the schema's scan messages say it is partial.
      ...(report.partial ? { messages: [{ level: 'warn', value: partialNotice(report.partial) }] } : {}),
    },
    vulnerabilities: sortFindings(report.findings).map((finding) => {
      const rule = rules.get(finding.ruleId);
      const title = rule?.title ?? finding.ruleId;
      return {
        id: vulnerabilityId(finding),
        name: title,
        description: findingMessage(finding, false, title),
        severity: SEVERITY[finding.severity],
        solution: rule?.remediation ?? DEFAULT_REMEDIATION,
        location: {
          file: finding.path,
          start_line: finding.line,
          end_line: finding.endLine,
          commit: {
            sha: finding.commit ?? options.env.CI_COMMIT_SHA ?? '0000000',
            ...(finding.author !== undefined ? { author: finding.author } : {}),
            ...(finding.date !== undefined ? { date: finding.date } : {}),
          },
        },
        identifiers: [
          {
            type: 'keyward_rule_id',
            name: `keyward rule ${finding.ruleId}`,
            value: finding.ruleId,
          },
        ],
        raw_source_code_extract: finding.redacted,
      };
    }),
    remediations: [],
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC, the only form the schema accepts. */
function gitlabTime(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** A stable UUID-shaped id per finding occurrence, so GitLab tracks the same finding across pipelines. */
function vulnerabilityId(finding: Finding): string {
  const hex = createHash('sha256')
    .update(`${finding.fingerprint}\0${finding.path}\0${finding.line}\0${finding.commit ?? ''}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export default gitlabReporter;
