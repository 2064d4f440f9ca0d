import { resolve } from 'node:path';
import type { Finding, Severity } from '@keyward/core';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import type { Report } from '../report.js';
import { EXIT } from '../exit-codes.js';
import { KeywardError } from '../errors.js';
import { VERSION } from '../version.js';
import { collectScan } from '../scan/collect.js';
import { countSuppressed, showFiltered } from '../scan/suppressed.js';
import { useColor } from '../scan/color.js';
import { agentConfigAt } from '../agents/config-path.js';
import { isCi } from '@keyward/sources';

/**
 * `keyward scan`: scan the chosen source, apply suppressions (inline, config, baseline, and the precision
 * filters' unless `--no-filters`), verify when asked, render the report (stdout or --output), write the
 * summary line (stderr) and return the exit code (DESIGN §2). A broken scan never looks clean.
 */
export async function runScan(args: Args, io: Io): Promise<number> {
  const collected = await collectScan(args, io);
  let findings = collected.findings;
  if (args.filters === false) showFiltered(findings);
  if (typeof args.baseline === 'string') {
    const { applyBaselineFile } = await import('../baseline/index.js');
    applyBaselineFile(findings, resolve(io.cwd, args.baseline));
  }
  const suppressed = countSuppressed(findings);
  let reported: Finding[] = findings.filter((f) => !f.suppressed);
  if (args.verify === true && reported.length > 0)
    reported = await verify(reported, args, io, collected.config.verify);
  findings = reported;

  const report: Report = {
    version: 1,
    tool: { name: 'keyward', version: VERSION },
    scan: { ...collected.stats, ...(collected.describe ? { range: collected.describe } : {}) },
    findings,
    suppressed,
    skipped: collected.source.skipped,
    warnings: [...collected.source.errors, ...collected.source.warnings],
    ...(collected.source.missing ? { partial: collected.source.missing } : {}),
  };

  const { emitReport, outputOptions, summaryLine, exitCodeFor } = await import('../reporters/index.js');
  const color = useColor(args, io);
  for (const line of report.warnings) io.stderr.write(`keyward: ${line}\n`);
  await emitReport(
    report,
    {
      ...outputOptions(args),
      color: color.stdout,
      env: io.env,
      rules: collected.rules.map((r) => r.spec),
    },
    io,
  );
  if (args.quiet !== true) io.stderr.write(`${summaryLine(report, { color: color.stderr })}\n`);
  if (stagedNothingInCi(report, args, io.env)) io.stderr.write(`keyward: ${STAGED_IN_CI}\n`);
  // A hook's user (plain hook, husky, lint-staged, lefthook, pre-commit) needs to know what to do next.
  if (findings.length > 0 && (report.scan.mode === 'staged' || report.scan.mode === 'pre-push')) {
    io.stderr.write(`keyward: ${HOOK_ADVICE}\n`);
    for (const line of agentLines(findings)) io.stderr.write(`keyward: ${line}\n`);
  }

  if (collected.source.errors.length > 0) return EXIT.error;
  const exit = exitCodeFor(report, {
    ...(typeof args['fail-on'] === 'string' ? { failOn: args['fail-on'] as Severity } : {}),
    exitZero: args['exit-zero'] === true,
  });
  // A partial audit (objects missing) exits 3 whatever it found: its findings are not the whole history.
  if (collected.source.missing) return EXIT.incomplete;
  if (collected.source.incomplete && exit === EXIT.clean) return EXIT.incomplete;
  return exit;
}

/**
 * For each refused file that an AI agent reads (`.mcp.json`, `.cursor/mcp.json`, …): which agent, and how
 * that agent keeps a key out of the file (`keyward agents` audits them all).
 */
function agentLines(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (const path of new Set(findings.map((f) => f.path))) {
    const tool = agentConfigAt(path);
    if (tool) lines.push(`${path} is an agent configuration, read by ${tool.name}: ${tool.fix}`);
  }
  return lines;
}

/**
 * `scan --staged` in a CI job, with nothing staged: a check that read nothing passes, and the job looks
 * guarded. Said once on stderr; the exit code is the scan's.
 */
function stagedNothingInCi(report: Report, args: Args, env: Io['env']): boolean {
  const named = Array.isArray(args.paths) && args.paths.length > 0;
  return (
    isCi(env) && !named && report.scan.mode === 'staged' && report.scan.blobs === 0 && report.scan.files === 0
  );
}

export const STAGED_IN_CI =
  'nothing is staged, so nothing was scanned: in CI, scan the commits (`--range base..head`, `--since <rev>`) or the tree (`keyward scan`)';

export const HOOK_ADVICE =
  'remove each key from the change (a line that holds no secret: add keyward:allow); rotate any key that was ever pushed or shared.';

/**
 * `--verify` (scan, agents): the verifier is loaded only here, never on the hook's default path. With
 * `verify.required` in the config, keys whose check could not run make the scan incomplete (exit 3).
 */
export async function verify(
  findings: Finding[],
  args: Args,
  io: Io,
  settings: { required?: boolean; timeoutMs?: number; concurrency?: number },
): Promise<Finding[]> {
  const [{ applyVerification }, { verificationOptionsFromArgs }] = await Promise.all([
    import('@keyward/verifier'),
    import('./verify-args.js'),
  ]);
  const options = verificationOptionsFromArgs(args, io);
  if (settings.timeoutMs !== undefined && options.timeoutMs === undefined)
    options.timeoutMs = settings.timeoutMs;
  if (settings.concurrency !== undefined) options.concurrency = settings.concurrency;
  const verified = await applyVerification(findings, options);
  const unreachable = verified.filter(
    (f) =>
      f.verification?.status === 'unknown' &&
      ['timeout', 'network_error', 'server_error'].includes(f.verification.reason),
  );
  if (settings.required && unreachable.length > 0) {
    throw new KeywardError('E_VERIFY_UNAVAILABLE', {
      reason: `${unreachable.length} of ${verified.length} keys could not be checked (${unreachable[0]!.verification!.detail})`,
    });
  }
  return verified;
}
