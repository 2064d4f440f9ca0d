import type { Finding, Severity, Verification } from '@keyward/core';
import type { RuleMeta } from '../../report.js';
import { reportedRules } from '../rules-meta.js';
import { severityRank } from '../shared.js';

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
  /** Whether any occurrence is still in the tree at HEAD. */
  presentAtHead: boolean;
  /** False when every occurrence is in a blob no ref reaches. */
  reachable: boolean;
  /** The verifier's verdict (it checks each secret once, so all occurrences share it). */
  verification: Verification | undefined;
}

/** Findings grouped by key, worst first: severity, then live keys, then keys still at HEAD, then oldest. */
export function auditKeys(findings: readonly Finding[], rules: readonly RuleMeta[] = []): AuditKey[] {
  const ruleOf = new Map(reportedRules(findings, rules).map((rule) => [rule.id, rule]));
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const group = groups.get(finding.fingerprint);
    if (group) group.push(finding);
    else groups.set(finding.fingerprint, [finding]);
  }
  const keys: AuditKey[] = [];
  for (const [fingerprint, group] of groups) {
    const occurrences = [...group].sort(byDate);
    const first = occurrences[0]!;
    keys.push({
      fingerprint,
      rule: ruleOf.get(first.ruleId)!,
      severity: worstSeverity(occurrences),
      redacted: first.redacted,
      secret: occurrences.find((f) => f.secret)?.secret ?? '',
      occurrences,
      introduced: occurrences.find((f) => f.commit !== undefined),
      presentAtHead: occurrences.some((f) => f.presentAtHead === true),
      reachable: occurrences.some((f) => f.reachable !== false),
      verification: occurrences.find((f) => f.verification)?.verification,
    });
  }
  return keys.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      liveRank(a) - liveRank(b) ||
      Number(b.presentAtHead) - Number(a.presentAtHead) ||
      compare(a.introduced?.date ?? '\uffff', b.introduced?.date ?? '\uffff') ||
      compare(a.fingerprint, b.fingerprint),
  );
}

/** Live first, then undecided, then keys not checked, then invalid ones. */
function liveRank(key: AuditKey): number {
  const status = key.verification?.status;
  return status === 'live' ? 0 : status === 'unknown' ? 1 : status === undefined ? 2 : 3;
}

function worstSeverity(findings: readonly Finding[]): Severity {
  let worst = findings[0]!.severity;
  for (const f of findings) if (severityRank(f.severity) < severityRank(worst)) worst = f.severity;
  return worst;
}

/** Oldest first by commit date (ISO dates of one offset compare as text; mixed offsets via Date). */
function byDate(a: Finding, b: Finding): number {
  const ta = a.date ? Date.parse(a.date) : Number.POSITIVE_INFINITY;
  const tb = b.date ? Date.parse(b.date) : Number.POSITIVE_INFINITY;
  return (
    (ta === tb ? 0 : ta < tb ? -1 : 1) ||
    compare(a.path, b.path) ||
    a.line - b.line ||
    compare(a.commit ?? '', b.commit ?? '')
  );
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
