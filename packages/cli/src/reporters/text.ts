import type { Finding } from '@keyward/core';
import { partialNotice, type Report, type ReporterOptions } from '../report.js';
import { colors, severityColor, type Colors } from './colors.js';
import { bounded, groupBySecret, worstFirst, type SecretGroup } from './groups.js';
import { plural, printable, sortFindings, verificationLabel } from './shared.js';
import { repositoryRows } from '../fleet/report.js';

/**
 * The human report on stdout: one entry per secret (groups.ts), worst first, redacted unless `--reveal`
 * (and then each secret is shown once). An entry's first line is aligned with the others: severity, rule,
 * secret, where it is and what is known about it. Below it:
 * - found in files (working tree, index, stdin), when in more than one place: every place,
 *   `path:line:column`, one a line, since each is an edit to make;
 * - found in history (history, range, pre-push): the commit that introduced it and the last one that
 *   added it, each with its path (or the one commit), and the distinct paths (at most PATHS_SHOWN, then
 *   `+N more`); every occurrence is in the JSON report.
 * A clean scan prints nothing here (the summary line on stderr says so).
 */
export function textReporter(report: Report, options: ReporterOptions): string {
  const notice =
    (report.partial ? `keyward: ${partialNotice(report.partial)}\n` : '') +
    (report.repositories ? repositoryTable(report, colors(options.color)) : '');
  if (report.findings.length === 0) return notice;
  const c = colors(options.color);
  const groups = groupBySecret(sortFindings(report.findings)).sort(worstFirst);
  // A merged report is read from a file: its rule ids and redacted forms are shown as text, like paths.
  const rows = groups.map((group) => ({
    group,
    rule: printable(group.ruleId),
    secret: printable(options.reveal && group.secret ? group.secret : group.redacted),
    facts: facts(group),
  }));
  const width = {
    severity: widest(rows.map((r) => r.group.severity)),
    rule: widest(rows.map((r) => r.rule)),
    secret: widest(rows.map((r) => r.secret)),
  };
  const lines: string[] = [];
  for (const { group, rule, secret, facts } of rows) {
    const [where, ...rest] = facts;
    const cells = [
      severityColor(c, group.severity)(group.severity.padEnd(width.severity)),
      rule.padEnd(width.rule),
      secret.padEnd(width.secret),
      `${where}${rest.length > 0 ? c.dim(` · ${rest.join(' · ')}`) : ''}`,
    ];
    lines.push(cells.join('  '));
    if (group.inHistory) historyLines(group, c, lines);
    else if (group.occurrences.length > 1) for (const f of group.occurrences) lines.push(`  ${place(f)}`);
  }
  return `${notice}${lines.join('\n')}\n`;
}

/** Where (the one place, or how many), then reachability, HEAD and the verifier's verdict. */
function facts(group: SecretGroup): string[] {
  const { occurrences } = group;
  const out = [occurrences.length === 1 ? place(occurrences[0]!) : plural(occurrences.length, 'place')];
  // keyward fleet: the repositories it is in.
  const repositories = [...new Set(occurrences.flatMap((f) => (f.repository ? [f.repository] : [])))];
  if (repositories.length > 0) {
    const { shown, more } = bounded(repositories);
    out.push(`in ${shown.map(printable).join(', ')}${more > 0 ? ` +${more} more` : ''}`);
  }
  if (group.unreachable > 0)
    out.push(group.unreachable === occurrences.length ? 'unreachable' : `${group.unreachable} unreachable`);
  if (group.presentAtHead !== undefined) out.push(group.presentAtHead ? 'still at HEAD' : 'gone from HEAD');
  if (group.verification) out.push(verificationLabel(group.verification));
  // With --no-filters: the filter that would have hidden it, and why.
  const filtered = occurrences.find((f) => f.filtered)?.filtered;
  if (filtered) out.push(`${filtered.filter} filter: ${filtered.reason}`);
  return out;
}

/**
 * `commit <sha> (<author>, <date>)` when one commit holds every occurrence; else the first and the last
 * commit, each with the path it added the secret to. Then the paths, when there is more than one place.
 */
function historyLines(group: SecretGroup, c: Colors, lines: string[]): void {
  const { first, last } = group;
  const twoCommits = first !== undefined && last !== undefined && first.commit !== last.commit;
  if (twoCommits) {
    lines.push(`  ${c.dim('first ')} ${commit(first)} in ${printable(first.path)}`);
    lines.push(`  ${c.dim('last  ')} ${commit(last)} in ${printable(last.path)}`);
  } else if (first) {
    lines.push(`  ${c.dim('commit')} ${commit(first)}`);
  }
  // One place is on the entry's first line; one path is already named by the first and last commit.
  if (group.occurrences.length === 1 || (twoCommits && group.paths.length === 1)) return;
  const { shown, more } = bounded(group.paths);
  const label = group.paths.length === 1 ? 'path  ' : 'paths ';
  lines.push(`  ${c.dim(label)} ${shown.map(printable).join(', ')}${more > 0 ? ` +${more} more` : ''}`);
}

/** `a1b2c3d4e5f6 (Ada <ada@example.test>, 2026-01-01)`. */
function commit(finding: Finding): string {
  const who = [finding.author && printable(finding.author), finding.date?.slice(0, 10)]
    .filter(Boolean)
    .join(', ');
  return `${finding.commit!.slice(0, 12)}${who ? ` (${who})` : ''}`;
}

function place(finding: Finding): string {
  return `${printable(finding.path)}:${finding.line}:${finding.column}`;
}

/** The longest length (a loop: spreading 100k+ values into Math.max overflows the stack). */
function widest(values: readonly string[]): number {
  let max = 0;
  for (const value of values) if (value.length > max) max = value.length;
  return max;
}

/**
 * keyward fleet: one line a repository, in list order, before the keys: its status, then the keys found,
 * live ones when verified and those still at HEAD; or why it was not audited whole.
 */
function repositoryTable(report: Report, c: Colors): string {
  const rows = repositoryRows(report.repositories!, report.findings);
  const width = widest(rows.map((r) => r.entry.status));
  const lines = rows.map(({ entry, keys, live, verified, atHead }) => {
    const status = entry.status === 'audited' ? c.green : c.yellow;
    const facts = [
      plural(keys, 'key'),
      ...(verified > 0 ? [`${live} live`] : []),
      ...(keys > 0 ? [`${atHead} at HEAD`] : []),
      ...(entry.reason ? [printable(entry.reason)] : []),
    ];
    return `${status(entry.status.padEnd(width))}  ${printable(entry.repository)}  ${c.dim(facts.join(' · '))}`;
  });
  return `${lines.join('\n')}\n\n`;
}

export default textReporter;
