import { availableParallelism } from 'node:os';
import type { Finding } from '@keyward/core';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import { KeywardError } from '../errors.js';
import { isAllowedByConfig, loadConfig, parseSize, type ResolvedConfig } from '../config/index.js';
import { DEFAULT_MAX_SIZE, scanMode, selectSource } from './select-source.js';
import { checkModeOptions } from './mode-options.js';
import type { Store } from '../store/store.js';
import { VERSION } from '../version.js';
import { runPipeline, type PipelineResult } from './pipeline.js';
import { buildScanner } from './rules.js';

export interface Collected extends PipelineResult {
  config: ResolvedConfig;
  /** The rules the scan ran, for reporters that describe them. */
  rules: ReturnType<typeof buildScanner>['ruleSet']['rules'];
  /** Summary description of what was scanned (a range), if the source gives one. */
  describe?: string;
}

/**
 * The steps every scanning command shares (`scan`, `baseline`): find and read the config, build the
 * scanner, pick the source for the flags, scan, and mark findings the config allowlists (`config`).
 */
export async function collectScan(
  args: Args,
  io: Io,
  options: { sharedThread?: boolean } = {},
): Promise<Collected> {
  const config = await loadConfig({
    cwd: io.cwd,
    ...(args.paths?.[0] !== undefined && !args['pre-push'] ? { scanRoot: args.paths[0] } : {}),
    ...(typeof args.config === 'string' ? { explicitPath: args.config } : {}),
    env: io.env,
  });
  const maxSize = maxSizeOf(args, config);
  // `--store`: its key needs the rules, so they compile first; the store then says which blobs to skip.
  const storing = args.history === true && typeof args.store === 'string' && args.store !== '';
  const early = storing ? buildScanner(config) : undefined;
  const store = early ? await openStore(args, io, config, early, maxSize) : undefined;
  const recording = store ? await historyRecording(store, args) : undefined;
  // The source first: a git source starts git now, which then runs while the rules compile.
  const source = await selectSource({
    args,
    io,
    config,
    maxSize,
    ...(store ? { known: (oid: string) => store.known(oid) } : {}),
    ...(recording ? { recording } : {}),
    ...(options.sharedThread ? { sharedThread: true } : {}),
  });
  const scanner = early ?? buildScanner(config);
  const result = await runPipeline(source, scanner, {
    jobs: jobsOf(args),
    rules: scanner.ruleSet.rules.map((r) => r.spec),
    inlineAllow: config.inlineAllow,
  });
  if (store) {
    const { recordAudit } = await import('../store/audit.js');
    await recordAudit(store, source, result.source, io, args.quiet === true, recording);
  }
  for (const finding of result.findings) {
    if (!finding.suppressed && isAllowedByConfig(finding, config)) finding.suppressed = 'config';
  }
  return {
    ...result,
    config,
    rules: scanner.ruleSet.rules,
    ...(source.describe ? { describe: source.describe } : {}),
  };
}

/** The unsuppressed findings of a scan. */
export function reportable(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.suppressed);
}

async function openStore(
  args: Args,
  io: Io,
  config: ResolvedConfig,
  scanner: ReturnType<typeof buildScanner>,
  maxBlobSize: number,
): Promise<Store> {
  checkModeOptions(scanMode(args), args);
  const { openAuditStore } = await import('../store/audit.js');
  const rules = scanner.ruleSet.rules.map((r) => r.spec);
  return openAuditStore(
    String(args.store),
    { version: VERSION, rules, config, maxBlobSize, filters: args.filters !== false },
    io,
  );
}

/** The history record beside the store (whole-store audits only: `--branch` audits keep none). */
async function historyRecording(store: Store, args: Args) {
  if (Array.isArray(args.branch) && args.branch.length > 0) return undefined;
  const { auditRecording } = await import('../store/audit.js');
  return auditRecording(store, typeof args.shard === 'string' ? args.shard.trim() : undefined);
}

function jobsOf(args: Args): number {
  if (args.jobs === undefined) return availableParallelism();
  const jobs = Number(args.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) {
    throw new KeywardError('E_USAGE', {
      message: `--jobs ${String(args.jobs)}: give a whole number from 1 to 256`,
    });
  }
  return jobs;
}

function maxSizeOf(args: Args, config: ResolvedConfig): number {
  if (args['max-blob-size'] === undefined) return config.maxFileSize ?? DEFAULT_MAX_SIZE;
  const size = parseSize(args['max-blob-size']);
  if (size === undefined) {
    throw new KeywardError('E_USAGE', {
      message: `--max-blob-size ${String(args['max-blob-size'])}: not a size (e.g. 10MB)`,
    });
  }
  return size;
}
