import type { Finding } from '@keyward/core';
import { partialNotice, type Report, type ReporterOptions } from '../report.js';
import { reportedRules } from './rules-meta.js';
import { countBySeverity, findingMessage, plural, sortFindings, verificationLabel } from './shared.js';

/**
 * GitHub Actions workflow commands, one per finding: `::error file=…,line=…,col=…,endLine=…,endColumn=…,
 * title=<ruleId>::<message>` (`::warning` for low severity). Annotations do not fail a job by themselves;
 * keyward's exit code does. A partial audit (objects missing) starts with an `::error` that says so.
 * Always redacted: workflow logs are kept and often public.
 */
export function githubReporter(report: Report, options: ReporterOptions): string {
  const titles = new Map(reportedRules(report.findings, options.rules).map((rule) => [rule.id, rule.title]));
  const partial = report.partial
    ? `::error title=keyward partial audit::${escapeData(partialNotice(report.partial))}\n`
    : '';
  return (
    partial +
    sortFindings(report.findings)
      .map((finding) => `${workflowCommand(finding, titles.get(finding.ruleId))}\n`)
      .join('')
  );
}

function workflowCommand(finding: Finding, title: string | undefined): string {
  const level = finding.severity === 'low' ? 'warning' : 'error';
  const props: Array<[string, string | number]> = [
    ['file', finding.path],
    ['line', finding.line],
  ];
  // col and endColumn are only valid on single-line ranges.
  if (finding.endLine === finding.line) props.push(['col', finding.column]);
  props.push(['endLine', finding.endLine]);
  if (finding.endLine === finding.line) props.push(['endColumn', finding.endColumn]);
  props.push(['title', finding.ruleId]);
  const properties = props.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
  return `::${level} ${properties}::${escapeData(findingMessage(finding, false, title))}`;
}

/** Workflow command data: `%`, CR and LF are encoded (as @actions/core does). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow command properties: as data, plus `:` and `,`, which separate properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Rows shown in the step summary; the rest are counted (the summary has a size limit of its own). */
const SUMMARY_ROWS = 100;

/**
 * The Markdown appended to `$GITHUB_STEP_SUMMARY`: a headline with counts and a table of findings.
 * Cells are HTML-escaped inside `<code>`, so names with `|`, backticks or tags cannot break the table.
 */
export function githubStepSummary(report: Report): string {
  const findings = sortFindings(report.findings);
  const lines: string[] = [];
  if (report.partial) lines.push(`> **Partial audit.** ${code(partialNotice(report.partial))}`, '');
  if (findings.length === 0 && report.partial) {
    lines.push('### keyward: no secrets found in the objects present (partial audit)', '');
  } else if (findings.length === 0) {
    lines.push('### keyward: no secrets found', '');
  } else {
    const bySeverity = countBySeverity(findings)
      .map(([severity, n]) => `${n} ${severity}`)
      .join(', ');
    lines.push(`### keyward: ${plural(findings.length, 'secret')} found (${bySeverity})`, '');
  }
  const scanned = [`mode \`${report.scan.mode}\``];
  const described = report.scan.range ?? '';
  if (described) scanned.push(code(described));
  if (report.scan.commits > 0 && !described.includes('commit'))
    scanned.push(plural(report.scan.commits, 'commit'));
  if (report.scan.files > 0) scanned.push(plural(report.scan.files, 'file'));
  if (report.scan.blobs > 0 && !described.includes('blob')) scanned.push(plural(report.scan.blobs, 'blob'));
  const { inline, baseline, config } = report.suppressed;
  const filtered = Object.values(report.suppressed.filters ?? {}).reduce((a, n) => a + (n ?? 0), 0);
  if (inline + baseline + config + filtered > 0) {
    const byFilters = filtered > 0 ? `, ${filtered} by keyward's filters` : '';
    scanned.push(`suppressed: ${inline} inline, ${baseline} baseline, ${config} config${byFilters}`);
  }
  lines.push(`Scanned: ${scanned.join(' · ')}`, '');
  if (findings.length > 0) {
    const withCommit = findings.some((f) => f.commit);
    const withVerification = findings.some((f) => f.verification);
    const header = ['Severity', 'Rule', 'File', 'Line', 'Key'];
    if (withCommit) header.push('Commit');
    if (withVerification) header.push('Verified');
    lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
    for (const finding of findings.slice(0, SUMMARY_ROWS)) {
      const row = [
        finding.severity,
        code(finding.ruleId),
        code(finding.path),
        String(finding.line),
        code(finding.redacted),
      ];
      if (withCommit) row.push(finding.commit ? code(finding.commit.slice(0, 12)) : '');
      if (withVerification) row.push(finding.verification ? verificationLabel(finding.verification) : '');
      lines.push(`| ${row.join(' | ')} |`);
    }
    if (findings.length > SUMMARY_ROWS)
      lines.push('', `…and ${findings.length - SUMMARY_ROWS} more (see the job log).`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function code(text: string): string {
  const escaped = text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/`/g, '&#96;')
    .replace(/[\r\n]/g, ' ');
  return `<code>${escaped}</code>`;
}

export default githubReporter;
