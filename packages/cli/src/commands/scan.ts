import type { Finding, Severity } from '@keyward/core';
import type { Args } from '../handlers.js';
import type { Io } from '../io.js';
import type { Report } from '../report.js';
import { EXIT } from '../exit-codes.js';
import { KeywardError } from '../errors.js';
import { VERSION } from '../version.js';
import { loadConfig, parseSize, isAllowedByConfig, type ResolvedConfig } from '../config/index.js';
import { DEFAULT_MAX_SIZE, selectSource } from '../scan/select-source.js';
import { runPipeline } from '../scan/pipeline.js';
import { buildScanner } from '../scan/rules.js';
import { useColor } from '../scan/color.js';

/**
 * `keyward scan`: choose the source, scan it with the configured rules, apply suppressions, render the
 * report (stdout or --output), write the summary line (stderr), and return the exit code (DESIGN §2).
 */
export async function runScan(args: Args, io: Io): Promise<number> {
  const config = await loadConfig({
    cwd: io.cwd,
    ...(args.paths?.[0] !== undefined && !args['pre-push'] ? { scanRoot: args.paths[0] } : {}),
    ...(typeof args.config === 'string' ? { explicitPath: args.config } : {}),
    env: io.env,
  });
  const maxSize = maxSizeOf(args, config);
  const scanner = buildScanner(config);
  const source = await selectSource({ args, io, config, maxSize });
  const result = await runPipeline(source, scanner);

  const suppressed = { inline: 0, baseline: 0, config: 0 };
  const reported: Finding[] = [];
  for (const finding of result.findings) {
    if (!finding.suppressed && isAllowedByConfig(finding, config)) finding.suppressed = 'config';
    if (finding.suppressed) suppressed[finding.suppressed]++;
    else reported.push(finding);
  }
  const report: Report = {
    version: 1,
    tool: { name: 'keyward', version: VERSION },
    scan: { ...result.stats, ...(source.describe ? { range: source.describe } : {}) },
    findings: reported,
    suppressed,
    skipped: result.source.skipped,
    warnings: [...result.source.errors, ...result.source.warnings],
  };

  const { emitReport, summaryLine, exitCodeFor } = await import('../reporters/index.js');
  const color = useColor(args, io);
  for (const line of report.warnings) io.stderr.write(`keyward: ${line}\n`);
  await emitReport(
    report,
    {
      format: String(args.format ?? 'text'),
      ...(typeof args.output === 'string' ? { output: args.output } : {}),
      reveal: args.reveal === true,
      color: color.stdout,
      env: io.env,
      rules: scanner.ruleSet.rules.map((r) => r.spec),
    },
    io,
  );
  if (args.quiet !== true) io.stderr.write(`${summaryLine(report, { color: color.stderr })}\n`);

  // A broken scan never looks clean: errors (a missing path) exit 2, an incomplete scan 3.
  if (result.source.errors.length > 0) return EXIT.error;
  const exit = exitCodeFor(report, {
    ...(typeof args['fail-on'] === 'string' ? { failOn: args['fail-on'] as Severity } : {}),
    exitZero: args['exit-zero'] === true,
  });
  if (result.source.incomplete && exit === EXIT.clean) return EXIT.incomplete;
  return exit;
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
