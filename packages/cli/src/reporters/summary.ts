import type { Report } from '../report.js';
import { groupBySecret, type SecretGroup } from './groups.js';
import { countBySeverity, plural } from './shared.js';
import { colors, severityColor } from './colors.js';

/**
 * The one-line summary the pipeline writes to stderr after every scan: what was found, what was scanned
 * and how long it took, and every suppression and skip (counted, never silently dropped).
 */
export function summaryLine(report: Report, options: { color: boolean }): string {
  const c = colors(options.color);
  const parts: string[] = [];
  const { findings } = report;
  const secrets = groupBySecret(findings);
  if (findings.length === 0 && report.partial) {
    // Not clean: only what the store holds was scanned.
    parts.push(c.yellow(`no secrets found in the objects present (partial audit: ${report.partial.reason})`));
  } else if (findings.length === 0) {
    parts.push(c.green('no secrets found'));
  } else {
    // One secret found in many places (a key in every blob of a file's history) counts once, and the
    // places are said too: `3 secrets found in 41 places`.
    const bySeverity = countBySeverity(secrets)
      .map(([severity, n]) => severityColor(c, severity)(`${n} ${severity}`))
      .join(', ');
    const places = secrets.length === findings.length ? '' : ` in ${plural(findings.length, 'place')}`;
    parts.push(`${c.bold(c.red(plural(secrets.length, 'secret')))} found${places} (${bySeverity})`);
  }
  parts.push(scanned(report));
  const verified = verificationTally(secrets);
  if (verified) parts.push(verified);
  const suppressed = tally('suppressed', {
    inline: report.suppressed.inline,
    baseline: report.suppressed.baseline,
    config: report.suppressed.config,
    ...filterCounts(report),
  });
  if (suppressed) parts.push(suppressed);
  const skipped = tally('skipped', {
    ignored: report.skipped.ignored,
    binary: report.skipped.binary,
    'too large': report.skipped.tooLarge,
    unreadable: report.skipped.unreadable,
    'links/submodules': report.skipped.links,
  });
  if (skipped) parts.push(skipped);
  if (report.warnings.length > 0) parts.push(c.yellow(plural(report.warnings.length, 'warning')));
  if (findings.length > 0 && report.partial) parts.push(c.yellow(`partial audit: ${report.partial.reason}`));
  return `keyward: ${parts.join(c.dim(' · '))}`;
}

/** `range a1b2..c3d4, 3 commits, 5 blobs, 12.3 kB in 84 ms`: only the counters the scan mode fills. */
function scanned(report: Report): string {
  const { scan } = report;
  const what: string[] = [];
  // The source's description (`a1b2..c3d4 (3 commits)`, `all objects (120 blobs)`) may already count
  // commits or blobs; say each count once.
  const described = scan.range ?? '';
  if (described) what.push(described);
  const counted = (unit: string) => described.includes(unit);
  if ((scan.commits > 0 || scan.mode === 'range' || scan.mode === 'pre-push') && !counted('commit')) {
    what.push(plural(scan.commits, 'commit'));
  }
  if (scan.files > 0 || scan.mode === 'worktree' || scan.mode === 'staged')
    what.push(plural(scan.files, 'file'));
  if ((scan.blobs > 0 || scan.mode === 'history') && !counted('blob')) what.push(plural(scan.blobs, 'blob'));
  if (scan.mode === 'stdin' && scan.files === 0) what.push('stdin');
  what.push(formatBytes(scan.bytes));
  return `${what.join(', ')} in ${formatDuration(scan.durationMs)}`;
}

/** Per secret: the verifier checks each secret once, whatever the number of places it is in. */
function verificationTally(secrets: readonly SecretGroup[]): string | undefined {
  const counts = { live: 0, invalid: 0, unknown: 0 };
  let any = false;
  for (const { verification } of secrets) {
    if (!verification) continue;
    counts[verification.status]++;
    any = true;
  }
  return any
    ? `verified: ${counts.live} live, ${counts.invalid} invalid, ${counts.unknown} unknown`
    : undefined;
}

/** What keyward's precision filters hid, by filter (`17 public key, 2 encoded text`); `--no-filters` lists them. */
function filterCounts(report: Report): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [filter, n] of Object.entries(report.suppressed.filters ?? {}))
    counts[filter === 'allowlist' ? 'allowlisted' : filter.replace('-', ' ')] = n ?? 0;
  return counts;
}

/** `suppressed 3 (2 inline, 1 baseline)`, leaving out zeros; undefined when all are zero. */
function tally(label: string, counts: Record<string, number>): string | undefined {
  const nonZero = Object.entries(counts).filter(([, n]) => n > 0);
  if (nonZero.length === 0) return undefined;
  const total = nonZero.reduce((sum, [, n]) => sum + n, 0);
  return `${label} ${total} (${nonZero.map(([name, n]) => `${n} ${name}`).join(', ')})`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
