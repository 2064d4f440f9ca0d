import type { Finding, ScanStats, Severity } from '@keyward/core';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import type { Report, RuleMeta } from '../report.js';
import { KeywardError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { VERSION } from '../version.js';
import { useColor } from '../scan/color.js';
import { readJsonReport, type ReadReport } from './report-file.js';
import { fleetStats, mergeRepositories, unhealthy } from '../fleet/report.js';

/**
 * `keyward merge <reports..>`: combines JSON reports (the shards of `scan --history --shard i/n`, say,
 * the `keyward agents` audits of several machines, or the `keyward fleet` reports of a CI matrix, whose
 * repositories are kept) into one report in any format. Findings are deduplicated (same repository, key,
 * path, commit and position); the scan counters are summed, except `commits` in history reports, where every shard counts the same
 * commits of the one object store (the largest is kept). Exit as `scan`: 1 when findings remain, 0 when
 * none do, 2 on bad input, and 3 when any input is a partial audit (objects missing): the merged report is
 * partial too, naming what each input could not read.
 */
export async function runMerge(args: Args, io: Io): Promise<number> {
  const files = positionals(args);
  if (files.length === 0)
    throw new KeywardError('E_USAGE', {
      message: 'name the JSON reports to merge: keyward merge <reports..>',
    });
  const reports: ReadReport[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const report = readJsonReport(file, io.cwd);
    const same = seen.get(report.text);
    if (same !== undefined) {
      io.stderr.write(`keyward: ${file} is the same report as ${same}: counted once\n`);
      continue;
    }
    seen.set(report.text, file);
    reports.push(report);
  }
  const mode = reports[0]!.scan.mode;
  const other = reports.find((r) => r.scan.mode !== mode);
  if (other)
    throw new KeywardError('E_MERGE_MODES', { file: other.file, mode: other.scan.mode, first: mode });

  const reveal = args.reveal === true;
  const findings = dedupe(reports.flatMap((r) => r.findings));
  if (reveal) {
    const redacted = reports.find((r) => r.findings.some((f) => f.secret === ''));
    if (redacted) throw new KeywardError('E_MERGE_REDACTED', { file: redacted.file });
  }
  // Fleet reports (a CI matrix of repositories × shards): their repositories are merged, and counted.
  const repositories =
    mode === 'fleet' ? mergeRepositories(reports.map((r) => r.repositories ?? [])) : undefined;
  const stats = repositories
    ? fleetStats(repositories, sumStats(reports.map((r) => r.scan)).durationMs)
    : sumStats(reports.map((r) => r.scan));
  const report: Report = {
    version: 1,
    tool: { name: 'keyward', version: VERSION },
    scan: {
      ...stats,
      range: `merged from ${reports.length} report${reports.length === 1 ? '' : 's'}`,
    },
    findings,
    suppressed: { inline: 0, baseline: 0, config: 0 },
    skipped: { ignored: 0, binary: 0, tooLarge: 0, unreadable: 0, links: 0 },
    warnings: [],
    ...partialOf(reports),
    ...(repositories ? { repositories } : {}),
  };

  const [{ emitReport, outputOptions, summaryLine, exitCodeFor }, { RULES }, agentRules] = await Promise.all([
    import('../reporters/index.js'),
    import('@keyward/rules'),
    // Agent audits carry the audit's own rules (secret-named fields, base URLs…) beside the scan's.
    mode === 'agents' ? import('../agents/agent-rules.js').then((m) => m.AGENT_RULES) : [],
  ]);
  const color = useColor(args, io);
  await emitReport(
    report,
    {
      ...outputOptions(args),
      color: color.stdout,
      env: io.env,
      rules: [...(RULES as readonly RuleMeta[]), ...agentRules],
    },
    io,
  );
  if (args.quiet !== true) io.stderr.write(`${summaryLine(report, { color: color.stderr })}\n`);
  if (report.partial || (repositories && unhealthy(repositories).length > 0)) return EXIT.incomplete;
  return exitCodeFor(report, {
    ...(typeof args['fail-on'] === 'string' ? { failOn: args['fail-on'] as Severity } : {}),
    exitZero: args['exit-zero'] === true,
  });
}

/**
 * Partial inputs make a partial merge. The shards of one repository each walk the whole store, so they name
 * the same missing objects: the ids are united and the largest count kept; the first input's words stay.
 */
function partialOf(reports: readonly ReadReport[]): Pick<Report, 'partial'> {
  const partial = reports.map((r) => r.partial).filter((p) => p !== undefined);
  if (partial.length === 0) return {};
  const ids = [...new Set(partial.flatMap((p) => p.ids))];
  const count = Math.max(ids.length, ...partial.map((p) => p.count));
  return { partial: { ...partial[0]!, ids, count } };
}

function positionals(args: Args): string[] {
  const list = Array.isArray(args.reports) ? args.reports : (args.paths ?? []);
  return list.map(String);
}

/**
 * One finding per repository, key, path, commit and position. A finding written with `--reveal` wins
 * over the same one without, so a merged `--reveal` report keeps every secret any input had.
 */
function dedupe(findings: readonly Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const finding of findings) {
    const id = [
      finding.repository ?? '',
      finding.fingerprint,
      finding.path,
      finding.commit ?? '',
      finding.line,
      finding.column,
    ].join('\0');
    const kept = byId.get(id);
    if (!kept || (kept.secret === '' && finding.secret !== '')) byId.set(id, finding);
  }
  return [...byId.values()];
}

function sumStats(stats: readonly ScanStats[]): ScanStats {
  const sum = (pick: (s: ScanStats) => number) => stats.reduce((total, s) => total + pick(s), 0);
  const mode = stats[0]!.mode;
  return {
    mode,
    files: sum((s) => s.files),
    blobs: sum((s) => s.blobs),
    commits: mode === 'history' ? Math.max(...stats.map((s) => s.commits)) : sum((s) => s.commits),
    bytes: sum((s) => s.bytes),
    durationMs: sum((s) => s.durationMs),
  };
}
