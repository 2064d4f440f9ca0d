import type { Finding, Severity, Verification } from '@keyward/core';

/** Severities from most to least severe; index = rank (0 is worst). */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * Findings in a stable order (path, position, rule, commit): sources and workers yield them in any order,
 * and every format must print the same report the same way.
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compare(a.repository ?? '', b.repository ?? '') ||
      compare(a.path, b.path) ||
      a.line - b.line ||
      a.column - b.column ||
      compare(a.ruleId, b.ruleId) ||
      compare(a.commit ?? '', b.commit ?? '') ||
      compare(a.fingerprint, b.fingerprint),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The text shown for a finding's key: the redacted form unless the user asked for `--reveal`. */
export function shownSecret(finding: Finding, reveal: boolean): string {
  return reveal ? finding.secret : finding.redacted;
}

/** Counts per severity (of findings, or of secrets), worst first, leaving out zeros: `[['critical', 1], ['high', 2]]`. */
export function countBySeverity(items: readonly { severity: Severity }[]): Array<[Severity, number]> {
  const counts = new Map<Severity, number>();
  for (const { severity } of items) counts.set(severity, (counts.get(severity) ?? 0) + 1);
  return SEVERITIES.filter((s) => counts.has(s)).map((s) => [s, counts.get(s) ?? 0]);
}

/** `live (restricted)`, `invalid (invalid_api_key)`, `unknown (timeout)`; `live` alone when the reason is `ok`. */
export function verificationLabel(verification: Verification): string {
  return verification.reason === 'ok'
    ? verification.status
    : `${verification.status} (${verification.reason})`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** A one-line message for a finding, used by formats that carry a message per finding. Redacted unless reveal. */
export function findingMessage(finding: Finding, reveal: boolean, title?: string): string {
  const what = title ?? finding.ruleId;
  const parts = [`${what} (${finding.severity}): ${shownSecret(finding, reveal)}`];
  if (finding.repository) parts.push(`in ${finding.repository}`);
  if (finding.commit) parts.push(`added in commit ${finding.commit.slice(0, 12)}`);
  if (finding.reachable === false) parts.push('in an unreachable blob');
  if (finding.verification) parts.push(`verified ${verificationLabel(finding.verification)}`);
  // keyward agents: the agent that reads it, where, and that tool's fix.
  if (finding.agent) parts.push(`${finding.agent} reads it (${finding.keyPath ?? 'the whole file'})`);
  if (finding.fix) parts.push(`fix: ${finding.fix}`);
  return parts.join('; ');
}

/**
 * A path or name made safe for a terminal or a one-line format: control characters (a hostile file name
 * could carry ANSI escapes or newlines) are shown as escapes instead of being interpreted.
 */
export function printable(text: string): string {
  // Nearly every string has nothing to escape: one regex test, not a loop over its characters.
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f-\x9f]/.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    out += control ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}
