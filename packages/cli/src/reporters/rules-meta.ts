import type { Finding, Severity } from '@keyward/core';
import type { RuleMeta } from '../report.js';

/**
 * The rule behind each reported rule id: from the rules the scan ran, else what the finding itself says
 * (a report merged from elsewhere may name rules this run does not know).
 */
export function reportedRules(findings: readonly Finding[], known: readonly RuleMeta[] = []): RuleMeta[] {
  const byId = new Map(known.map((rule) => [rule.id, rule]));
  const out = new Map<string, RuleMeta>();
  for (const finding of findings) {
    if (out.has(finding.ruleId)) continue;
    out.set(
      finding.ruleId,
      byId.get(finding.ruleId) ?? {
        id: finding.ruleId,
        title: finding.ruleId,
        provider: finding.ruleId.split('-')[0] ?? 'unknown',
        severity: finding.severity,
        confidence: finding.confidence,
      },
    );
  }
  return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** GitHub's security-severity bands: critical > 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
};

/** What to do about a leaked key, when the rule says nothing more specific. */
export const DEFAULT_REMEDIATION =
  'Treat the key as compromised: revoke or rotate it at the provider first, then remove it from the code ' +
  '(read it from the environment or a secret manager) and, if it was pushed, from the git history.';
