import type { Finding, Severity, VerificationStatus } from '@keyward/core';
import type { VerifyOptions } from './types.js';
import { verifyAll } from './verify-all.js';

export const VERIFICATION_STATUSES: readonly VerificationStatus[] = ['live', 'unknown', 'invalid'];

export interface ApplyVerificationOptions extends VerifyOptions {
  /** Keep only findings whose verdict is one of these (`--results`, or `['live']` for `--only-live`). */
  results?: readonly VerificationStatus[];
}

/**
 * For the scan pipeline (`scan --verify`): checks every reported finding's secret once and returns the
 * findings with `verification` set, narrowed to `results` when given. Suppressed findings are counted,
 * not reported, so they are neither checked nor filtered. The options must come from the command line
 * and the environment only, never from a repository's config file.
 */
export async function applyVerification(
  findings: readonly Finding[],
  options: ApplyVerificationOptions = {},
): Promise<Finding[]> {
  const reported = findings.filter((finding) => !finding.suppressed);
  const verdicts = await verifyAll(
    reported.map(({ ruleId, secret, redacted }) => ({ ruleId, secret, redacted })),
    options,
  );
  const keep = options.results ? new Set(options.results) : undefined;
  const out: Finding[] = [];
  for (const finding of findings) {
    if (finding.suppressed) {
      out.push(finding);
      continue;
    }
    const verification = verdicts.get(finding.secret)!;
    if (keep && !keep.has(verification.status)) continue;
    const severity = higher(finding.severity, verification.severity);
    out.push({ ...finding, severity, verification });
  }
  return out;
}

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** The finding's severity, raised (never lowered) to what the verification found the key can do. */
function higher(severity: Severity, raised: Severity | undefined): Severity {
  return raised !== undefined && RANK[raised] > RANK[severity] ? raised : severity;
}

/**
 * Parses `--results live,unknown` (commas or repeats). Returns undefined for a word that is not a status,
 * so the caller can report it as a usage error.
 */
export function parseResultsFilter(values: readonly string[]): VerificationStatus[] | undefined {
  const statuses = new Set<VerificationStatus>();
  for (const word of values.flatMap((value) => value.split(',')).map((w) => w.trim().toLowerCase())) {
    if (word === '') continue;
    if (!(VERIFICATION_STATUSES as readonly string[]).includes(word)) return undefined;
    statuses.add(word as VerificationStatus);
  }
  return statuses.size > 0 ? [...statuses] : undefined;
}

/** DESIGN §2 for `keyward verify`: 1 when any key is live, 3 when none is but some are undecided, else 0. */
export function verificationExitCode(statuses: Iterable<VerificationStatus>): 0 | 1 | 3 {
  let unknown = false;
  for (const status of statuses) {
    if (status === 'live') return 1;
    if (status === 'unknown') unknown = true;
  }
  return unknown ? 3 : 0;
}
