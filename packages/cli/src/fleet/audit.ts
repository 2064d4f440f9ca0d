import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding } from '@keyward/core';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import type { RepositoryEntry, RuleMeta, SkipCounts, SuppressedCounts } from '../report.js';
import { isKeywardError } from '../errors.js';
import { collectScan } from '../scan/collect.js';
import { countSuppressed, showFiltered } from '../scan/suppressed.js';
import type { FleetEntry } from './list.js';
import { mirrorName, RepositoryFailure, updateMirror } from './mirror.js';

/** What one repository's audit gives the fleet report. */
export interface RepositoryAudit {
  entry: RepositoryEntry;
  /** Its reportable findings (suppressed ones only counted), each naming the repository. */
  findings: Finding[];
  suppressed: SuppressedCounts;
  skipped?: SkipCounts;
  warnings: string[];
  rules: RuleMeta[];
}

export interface AuditOptions {
  args: Args;
  io: Io;
  cacheDir: string;
  /** Scan workers and cat-file readers each repository's audit may use. */
  jobs: number;
  /** Other audits run in this thread at the same time (`--jobs` above 1). */
  shared: boolean;
}

/**
 * One repository of the list, audited as `keyward scan --history` would (the same code path, in this
 * process): a URL is mirrored into the cache first, a path is read in place. Whatever stops it (a fetch
 * that fails, a shallow clone, a folder that is no repository, a broken config) makes it `failed` with
 * that one line (a damaged `--store` too); objects missing from its store make it `incomplete`, its other
 * findings kept.
 */
export async function auditRepository(fleet: FleetEntry, options: AuditOptions): Promise<RepositoryAudit> {
  const { args, io } = options;
  const failed = (reason: string): RepositoryAudit => ({
    entry: { repository: fleet.name, status: 'failed', reason, commits: 0, blobs: 0, bytes: 0 },
    findings: [],
    suppressed: { inline: 0, baseline: 0, config: 0 },
    warnings: [],
    rules: [],
  });
  try {
    const dir =
      fleet.kind === 'url'
        ? await updateMirror(fleet.url, fleet.name, options.cacheDir, io.env)
        : localRepository(fleet.path);
    const collected = await collectScan(
      historyArgs(args, fleet.name, io.cwd, options.jobs),
      { ...io, cwd: dir },
      { sharedThread: options.shared },
    );
    if (args.filters === false) showFiltered(collected.findings);
    const suppressed = countSuppressed(collected.findings);
    const findings = collected.findings.filter((f) => !f.suppressed);
    for (const finding of findings) finding.repository = fleet.name;
    const { source, stats } = collected;
    const missing = source.missing;
    const reason = missing
      ? missing.reason
      : source.errors.length > 0
        ? source.errors[0]
        : source.incomplete
          ? 'some objects could not be read'
          : undefined;
    return {
      entry: {
        repository: fleet.name,
        status: source.errors.length > 0 && !missing ? 'failed' : reason ? 'incomplete' : 'audited',
        ...(reason ? { reason } : {}),
        commits: stats.commits,
        blobs: stats.blobs,
        bytes: stats.bytes,
      },
      findings,
      suppressed,
      skipped: source.skipped,
      warnings: source.warnings.map((w) => `${fleet.name}: ${w}`),
      rules: collected.rules.map((r) => r.spec),
    };
  } catch (error) {
    if (error instanceof RepositoryFailure || isKeywardError(error)) return failed(error.message);
    throw error;
  }
}

/** A local path: it must be a folder (bare or not: git says whether it is a repository). */
function localRepository(path: string): string {
  if (!existsSync(path)) throw new RepositoryFailure(`${path}: no such directory`);
  if (!statSync(path).isDirectory()) throw new RepositoryFailure(`${path}: not a directory`);
  return path;
}

/** The options of `keyward scan --history` that fleet passes on, for one repository. */
function historyArgs(args: Args, name: string, cwd: string, jobs: number): Args {
  const passed: Args = { _: ['scan'], history: true, quiet: true, jobs };
  for (const name of ['shard', 'max-blob-size', 'require-complete', 'ignore', 'filters'] as const)
    if (args[name] !== undefined) passed[name] = args[name];
  // Relative to where fleet runs, not to each repository.
  if (typeof args.config === 'string') passed.config = resolve(cwd, args.config);
  // `--store <dir>`: each repository keeps its own store in a folder of it, named as its mirror is.
  if (typeof args.store === 'string' && args.store !== '')
    passed.store = join(resolve(cwd, args.store), mirrorName(name));
  return passed;
}
