import type { Finding, Severity, Verification } from '@keyward/core';
import type { RuleMeta } from '../../report.js';
import { byDate, groupBySecret, timeOf, worstFirst } from '../groups.js';
import { reportedRules } from '../rules-meta.js';
import { severityRank, sortFindings } from '../shared.js';

/**
 * One leaked key as an audit sees it: every place a report found the same secret (same fingerprint),
 * with what is known about it as a whole. A history scan reports a key once per blob holding it, so a
 * `.env` edited ten times while it held the key is ten occurrences of one key.
 */
export interface AuditKey {
  /** Content fingerprint (rule id + secret, hashed): the key's stable id. */
  fingerprint: string;
  rule: RuleMeta;
  severity: Severity;
  redacted: string;
  /** The full secret, or '' when the report was written without `--reveal`. */
  secret: string;
  /** Every finding of this key, oldest commit first (findings without a date last). */
  occurrences: Finding[];
  /** The oldest occurrence with a commit: when the key entered the repository. */
  introduced: Finding | undefined;
  /** The newest occurrence with a commit: the last commit that added it (again, or in another file). */
  last: Finding | undefined;
  /** The distinct paths it was found in, in path order (the findings are sorted before grouping). */
  paths: string[];
  /** Whether any occurrence is still in the tree at HEAD. */
  presentAtHead: boolean;
  /** False when every occurrence is in a blob no ref reaches. */
  reachable: boolean;
  /** The verifier's verdict (it checks each secret once, so all occurrences share it). */
  verification: Verification | undefined;
}

/** Findings grouped by key (groups.ts), worst first: severity, live, still at HEAD, oldest, first place. */
export function auditKeys(findings: readonly Finding[], rules: readonly RuleMeta[] = []): AuditKey[] {
  const ruleOf = new Map(reportedRules(findings, rules).map((rule) => [rule.id, rule]));
  return groupBySecret(sortFindings(findings))
    .sort(worstFirst)
    .map((group) => ({
      fingerprint: group.fingerprint,
      rule: ruleOf.get(group.ruleId)!,
      severity: group.severity,
      redacted: group.redacted,
      secret: group.secret,
      occurrences: oldestFirst(group.occurrences),
      introduced: group.first,
      last: group.last,
      paths: group.paths,
      presentAtHead: group.presentAtHead === true,
      reachable: group.unreachable < group.occurrences.length,
      verification: group.verification,
    }));
}

/** Oldest commit first (dates parsed once each, not once a comparison). */
function oldestFirst(findings: readonly Finding[]): Finding[] {
  const times = new Map(findings.map((f) => [f, timeOf(f)]));
  return [...findings].sort((a, b) => byDate(a, b, times.get(a), times.get(b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Per key type (rule): how many keys, how many verified live, how many still at HEAD, occurrences. */
export interface TypeSummary {
  rule: RuleMeta;
  severity: Severity;
  keys: number;
  verified: number;
  live: number;
  atHead: number;
  occurrences: number;
}

export function summariseByType(keys: readonly AuditKey[]): TypeSummary[] {
  const byRule = new Map<string, TypeSummary>();
  for (const key of keys) {
    const row = byRule.get(key.rule.id) ?? {
      rule: key.rule,
      severity: key.severity,
      keys: 0,
      verified: 0,
      live: 0,
      atHead: 0,
      occurrences: 0,
    };
    row.keys++;
    if (key.verification) row.verified++;
    if (key.verification?.status === 'live') row.live++;
    if (key.presentAtHead) row.atHead++;
    row.occurrences += key.occurrences.length;
    if (severityRank(key.severity) < severityRank(row.severity)) row.severity = key.severity;
    byRule.set(key.rule.id, row);
  }
  return [...byRule.values()].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) || b.keys - a.keys || compare(a.rule.id, b.rule.id),
  );
}
