import type { Severity } from '@keyward/core';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Report } from '../report.js';
import { severityRank } from './shared.js';

export interface ExitPolicy {
  /** Lowest severity that fails the scan (`--fail-on`); default `low`: every finding fails. */
  failOn?: Severity;
  /** `--exit-zero`: report, but never fail on findings. */
  exitZero?: boolean;
}

/**
 * The exit code of a completed scan (DESIGN §2): 1 when a reported finding is at or above `failOn`,
 * else 0. An incomplete scan never gets here: it throws (exit 3), so `--exit-zero` cannot hide it.
 */
export function exitCodeFor(report: Pick<Report, 'findings'>, policy: ExitPolicy = {}): ExitCode {
  if (policy.exitZero) return EXIT.clean;
  const threshold = severityRank(policy.failOn ?? 'low');
  return report.findings.some((f) => severityRank(f.severity) <= threshold) ? EXIT.findings : EXIT.clean;
}
