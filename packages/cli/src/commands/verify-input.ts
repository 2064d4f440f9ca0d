import {
  compileRules,
  fingerprint,
  redact,
  ruleForSecret,
  type RuleSpec,
  type Severity,
} from '@keyward/core';
import { RULES } from '@keyward/rules';
import { KeywardError } from '../errors.js';
import { readJsonFile } from './report-file.js';
import type { Io } from '../io.js';

/** One key to check, with the JSON finding it will be reported as. */
export interface VerifyEntry {
  ruleId: string;
  /** Absent when a report did not hold it (written without --reveal): such an entry cannot be checked. */
  secret?: string;
  redacted: string;
  /** `path:line`, for the text output. */
  where: string;
  /** The §3 finding object; `verification` is added, `secret` removed unless --reveal. */
  finding: Record<string, unknown>;
  /** A stdin line that matches no key family: reported, never sent anywhere. */
  unrecognised?: true;
}

export interface VerifyInput {
  entries: VerifyEntry[];
  /** The report to write back (its findings are `entries[].finding`, in order), or a new stdin report. */
  report: Record<string, unknown> & { findings: Record<string, unknown>[] };
}

export const STDIN_PATH = '<stdin>';

/**
 * Keys piped on stdin, one a line (blank lines and `#` comments skipped), each classified by keyward's
 * rules (the first whose pattern takes the whole line) and redacted as a scan would redact it.
 */
export async function readStdinKeys(io: Pick<Io, 'stdin'>, version: string): Promise<VerifyInput> {
  if ((io.stdin as { isTTY?: boolean }).isTTY) throw new KeywardError('E_VERIFY_NO_INPUT');
  let text = '';
  for await (const chunk of io.stdin)
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  const entries: VerifyEntry[] = [];
  const { rules } = compileRules(RULES);
  text.split(/\r?\n/).forEach((raw, index) => {
    const secret = raw.trim();
    if (secret === '' || secret.startsWith('#')) return;
    const classified = ruleForSecret(rules, secret)?.spec;
    const ruleId = classified?.id ?? 'generic-secret';
    const line = index + 1;
    const redacted = redact(secret, classified?.redactPrefix ?? 0);
    const start = raw.indexOf(secret) + 1;
    const { severity, confidence } = ruleLevel(classified);
    entries.push({
      ruleId,
      secret,
      redacted,
      where: `${STDIN_PATH}:${line}`,
      finding: {
        ruleId,
        severity,
        confidence,
        path: STDIN_PATH,
        line,
        column: start,
        endLine: line,
        endColumn: start + secret.length,
        redacted,
        fingerprint: fingerprint(ruleId, secret),
      },
      ...(classified ? {} : { unrecognised: true as const }),
    });
  });
  const report = {
    version: 1,
    tool: { name: 'keyward', version },
    scan: { mode: 'stdin', files: 0, blobs: 0, commits: 0, bytes: Buffer.byteLength(text), durationMs: 0 },
    findings: entries.map((entry) => entry.finding),
  };
  return { entries, report };
}

/** The findings of a keyward JSON report; only those written with --reveal carry a secret to check. */
export function readReportKeys(file: string, io: Pick<Io, 'cwd'>): VerifyInput {
  const report = readJsonFile(file, io.cwd).parsed as VerifyInput['report'];
  if (report === null || typeof report !== 'object' || !Array.isArray(report.findings)) {
    throw new KeywardError('E_REPORT_READ', { file, reason: 'not a keyward JSON report: no findings list' });
  }
  const entries = report.findings.map((finding, i): VerifyEntry => {
    if (finding === null || typeof finding !== 'object' || typeof finding.ruleId !== 'string') {
      throw new KeywardError('E_REPORT_READ', { file, reason: `finding ${i + 1} has no ruleId` });
    }
    const ruleId = finding.ruleId;
    const secret = typeof finding.secret === 'string' && finding.secret !== '' ? finding.secret : undefined;
    // Redacted again from the secret when the report holds it: a report file may have been edited.
    const redacted =
      secret !== undefined
        ? redact(secret, RULES.find((rule) => rule.id === ruleId)?.redactPrefix ?? 0)
        : typeof finding.redacted === 'string'
          ? finding.redacted
          : '…';
    const line = typeof finding.line === 'number' ? `:${finding.line}` : '';
    const where = `${typeof finding.path === 'string' ? finding.path : '?'}${line}`;
    return { ruleId, secret, redacted, where, finding };
  });
  if (entries.length > 0 && entries.every((entry) => entry.secret === undefined)) {
    throw new KeywardError('E_VERIFY_NO_SECRETS', { file });
  }
  return { entries, report };
}

/** Severity and confidence of a stdin key: its rule's, or for a key no rule knows, DESIGN §4's default. */
function ruleLevel(rule: RuleSpec | undefined): { severity: Severity; confidence: string } {
  return rule
    ? { severity: rule.severity, confidence: rule.confidence }
    : { severity: 'medium', confidence: 'low' };
}
