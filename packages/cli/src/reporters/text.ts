import type { Finding } from '@keyward/core';
import type { Report, ReporterOptions } from '../report.js';
import { colors, severityColor } from './colors.js';
import { printable, shownSecret, sortFindings, verificationLabel } from './shared.js';

/**
 * The human report on stdout: findings grouped by file, one aligned line each, redacted unless `--reveal`.
 * A clean scan prints nothing here (the summary line on stderr says so).
 */
export function textReporter(report: Report, options: ReporterOptions): string {
  if (report.findings.length === 0) return '';
  const c = colors(options.color);
  const findings = sortFindings(report.findings);
  const rows = findings.map((finding) => ({
    finding,
    position: `${finding.line}:${finding.column}`,
    secret: shownSecret(finding, options.reveal),
    extra: provenance(finding),
  }));
  const width = {
    position: widest(rows.map((r) => r.position)),
    severity: widest(rows.map((r) => r.finding.severity)),
    rule: widest(rows.map((r) => r.finding.ruleId)),
    secret: widest(rows.map((r) => r.secret)),
  };
  const lines: string[] = [];
  let path: string | undefined;
  for (const row of rows) {
    if (row.finding.path !== path) {
      if (path !== undefined) lines.push('');
      path = row.finding.path;
      lines.push(c.underline(c.bold(printable(path))));
    }
    const cells = [
      c.dim(row.position.padEnd(width.position)),
      severityColor(c, row.finding.severity)(row.finding.severity.padEnd(width.severity)),
      row.finding.ruleId.padEnd(width.rule),
      row.extra ? row.secret.padEnd(width.secret) : row.secret,
    ];
    if (row.extra) cells.push(c.dim(row.extra));
    lines.push(`  ${cells.join('  ')}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

/** The longest length (a loop: spreading 100k+ values into Math.max overflows the stack). */
function widest(values: readonly string[]): number {
  let max = 0;
  for (const value of values) if (value.length > max) max = value.length;
  return max;
}

/** Where the finding came from (commit, author, date, reachability) and what verification said. */
function provenance(finding: Finding): string {
  const parts: string[] = [];
  if (finding.commit) {
    const who = [finding.author && printable(finding.author), finding.date?.slice(0, 10)]
      .filter(Boolean)
      .join(', ');
    parts.push(`commit ${finding.commit.slice(0, 12)}${who ? ` (${who})` : ''}`);
  }
  if (finding.reachable === false) parts.push('unreachable');
  if (finding.presentAtHead !== undefined)
    parts.push(finding.presentAtHead ? 'still at HEAD' : 'gone from HEAD');
  if (finding.verification) parts.push(verificationLabel(finding.verification));
  return parts.join(' · ');
}

export default textReporter;
