import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Finding, Severity } from '@keyward/core';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import type { Report, RuleMeta } from '../report.js';
import { EXIT } from '../exit-codes.js';
import { KeywardError } from '../errors.js';
import { VERSION } from '../version.js';
import { useColor } from '../scan/color.js';
import { parseFleetList, type FleetEntry } from '../fleet/list.js';
import { defaultCacheDir, mirrorName } from '../fleet/mirror.js';
import { auditRepository, type RepositoryAudit } from '../fleet/audit.js';
import { fleetStats, mergeCounts, unhealthy } from '../fleet/report.js';

/**
 * `keyward fleet <list|->`: every repository of the list audited as `scan --history` audits one (URLs
 * mirrored into the cache first), `--jobs` of them at a time, into one report whose findings each name
 * their repository. A repository that could not be fetched or read completely is listed with why, and
 * makes the exit 3 (the others are still reported); otherwise findings exit 1 as for scan.
 */
export async function runFleet(args: Args, io: Io): Promise<number> {
  const entries = await readList(args, io);
  const jobs = fleetJobs(args);
  if (typeof args.shard === 'string') await checkShard(args.shard);
  const cacheDir = typeof args.cache === 'string' ? resolve(io.cwd, args.cache) : defaultCacheDir(io.env);
  const started = Date.now();
  const inner = Math.max(1, Math.floor(availableParallelism() / jobs));
  let done = 0;
  // The largest first, so that the last audit to start is a small one: the lanes end together.
  const order = largestFirst(entries, cacheDir);
  const audits = await mapLimit(entries, order, jobs, async (entry) => {
    const audit = await auditRepository(entry, { args, io, cacheDir, jobs: inner, shared: jobs > 1 });
    done++;
    if (args.quiet !== true) io.stderr.write(`keyward: [${done}/${entries.length}] ${progressLine(audit)}\n`);
    return audit;
  });

  let findings: Finding[] = audits.flatMap((a) => a.findings);
  if (args.verify === true && findings.length > 0) {
    const [{ verify }, { loadConfig }] = await Promise.all([
      import('./scan.js'),
      import('../config/index.js'),
    ]);
    // Verifier settings come from the config where fleet runs (a repository's own config must not
    // redirect or loosen the checks of another's keys).
    const config = await loadConfig({
      cwd: io.cwd,
      ...(typeof args.config === 'string' ? { explicitPath: args.config } : {}),
      env: io.env,
    });
    findings = await verify(findings, args, io, config.verify);
  }
  const report: Report = {
    version: 1,
    tool: { name: 'keyward', version: VERSION },
    scan: fleetStats(
      audits.map((a) => a.entry),
      Date.now() - started,
    ),
    findings,
    suppressed: mergeCounts(audits.map((a) => a.suppressed)),
    skipped: mergeCounts(audits.flatMap((a) => (a.skipped ? [a.skipped] : []))),
    warnings: audits.flatMap((a) => a.warnings),
    repositories: audits.map((a) => a.entry),
  };

  const { emitReport, outputOptions, summaryLine, exitCodeFor } = await import('../reporters/index.js');
  const color = useColor(args, io);
  for (const line of report.warnings) io.stderr.write(`keyward: ${line}\n`);
  await emitReport(
    report,
    { ...outputOptions(args), color: color.stdout, env: io.env, rules: rulesOf(audits) },
    io,
  );
  const bad = unhealthy(report.repositories!);
  for (const entry of bad)
    io.stderr.write(`keyward: ${entry.repository}: ${entry.status}: ${entry.reason}\n`);
  if (args.quiet !== true) io.stderr.write(`${summaryLine(report, { color: color.stderr })}\n`);
  if (bad.length > 0) return EXIT.incomplete;
  return exitCodeFor(report, {
    ...(typeof args['fail-on'] === 'string' ? { failOn: args['fail-on'] as Severity } : {}),
    exitZero: args['exit-zero'] === true,
  });
}

/** The list: a file, or stdin for `-`. */
async function readList(args: Args, io: Io): Promise<FleetEntry[]> {
  const names = typeof args.list === 'string' ? [args.list] : (args.paths ?? []);
  const name = names[0];
  if (name === undefined)
    throw new KeywardError('E_USAGE', {
      message: 'name the list of repositories: keyward fleet <file> (or - for stdin)',
    });
  if (names.length > 1)
    throw new KeywardError('E_USAGE', {
      message: 'keyward fleet takes one list of repositories (one repository a line)',
    });
  let text = '';
  if (name === '-') {
    for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) text += chunk.toString();
  } else {
    try {
      text = readFileSync(resolve(io.cwd, name), 'utf8');
    } catch (error) {
      throw new KeywardError('E_FLEET_LIST_READ', {
        file: name,
        reason: (error as NodeJS.ErrnoException).code ?? 'unreadable',
      });
    }
  }
  return parseFleetList(text, name === '-' ? 'stdin' : name, io.cwd);
}

/** `--jobs`: repositories audited at once; by default half the cores, at least one. */
function fleetJobs(args: Args): number {
  if (args.jobs === undefined) return Math.max(1, Math.floor(availableParallelism() / 2));
  const jobs = Number(args.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256)
    throw new KeywardError('E_USAGE', {
      message: `--jobs ${String(args.jobs)}: give a whole number from 1 to 256`,
    });
  return jobs;
}

/** A bad `--shard` is the command's mistake, not each repository's: refused before anything is fetched. */
async function checkShard(shard: string): Promise<void> {
  const { parseShard } = await import('@keyward/sources/history');
  try {
    parseShard(shard);
  } catch {
    throw new KeywardError('E_SHARD_SYNTAX', { shard });
  }
}

/** Runs `work` over `items` in `order` (indexes), at most `limit` at a time; results in the items' order. */
async function mapLimit<T, R>(
  items: readonly T[],
  order: readonly number[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < order.length) {
      const index = order[next++]!;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/**
 * The entries' indexes, largest object store first (its packs' size on disk: the path's, or the mirror's
 * from an earlier run); a repository not on disk yet comes first, since it has a fetch to do as well.
 */
function largestFirst(entries: readonly FleetEntry[], cacheDir: string): number[] {
  const size = entries.map((entry) =>
    packBytes(entry.kind === 'path' ? entry.path : join(cacheDir, mirrorName(entry.name))),
  );
  return entries.map((_, i) => i).sort((a, b) => size[b]! - size[a]! || a - b);
}

function packBytes(dir: string): number {
  for (const packs of [join(dir, 'objects', 'pack'), join(dir, '.git', 'objects', 'pack')]) {
    try {
      return readdirSync(packs).reduce((sum, name) => sum + statSync(join(packs, name)).size, 0);
    } catch {
      // not this layout
    }
  }
  return Number.POSITIVE_INFINITY;
}

function progressLine({ entry, findings }: RepositoryAudit): string {
  if (entry.status === 'failed') return `${entry.repository}: failed`;
  const keys = new Set(findings.map((f) => f.fingerprint)).size;
  return `${entry.repository}: ${entry.status}, ${keys === 1 ? '1 key' : `${keys} keys`}`;
}

/** The rules any repository's audit ran (each may have its own config), once each. */
function rulesOf(audits: readonly RepositoryAudit[]): RuleMeta[] {
  const byId = new Map<string, RuleMeta>();
  for (const rule of audits.flatMap((a) => a.rules)) if (!byId.has(rule.id)) byId.set(rule.id, rule);
  return [...byId.values()];
}
