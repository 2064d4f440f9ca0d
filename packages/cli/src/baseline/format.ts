import { readFileSync } from 'node:fs';
import type { Finding } from '@keyward/core';
import { KeywardError } from '../errors.js';

/** One reviewed finding: enough to recognise it again and for a reviewer to find it; never the secret. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  path: string;
  /** The redacted form (family prefix and last 4 characters), for reviewers. */
  redacted?: string;
  /** The commit that added it (range, pre-push and history scans). */
  commit?: string;
}

export interface Baseline {
  version: 1;
  entries: BaselineEntry[];
}

export const DEFAULT_BASELINE_FILE = '.keyward-baseline.json';

const FINGERPRINT = /^[0-9a-f]{16,128}$/;

/** The baseline of a set of findings: one entry per (fingerprint, path), sorted, so regenerating is stable. */
export function baselineOf(findings: readonly Finding[]): Baseline {
  const byKey = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const key = `${f.fingerprint}\0${f.path}`;
    if (byKey.has(key)) continue;
    byKey.set(key, {
      fingerprint: f.fingerprint,
      ruleId: f.ruleId,
      path: f.path,
      redacted: f.redacted,
      ...(f.commit !== undefined ? { commit: f.commit } : {}),
    });
  }
  return { version: 1, entries: sortEntries([...byKey.values()]) };
}

export function sortEntries(entries: BaselineEntry[]): BaselineEntry[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return entries.sort(
    (a, b) => cmp(a.path, b.path) || cmp(a.ruleId, b.ruleId) || cmp(a.fingerprint, b.fingerprint),
  );
}

/** The file's text: a short note for whoever opens it, then the entries, one field order throughout. */
export function serializeBaseline(baseline: Baseline): string {
  const entries = baseline.entries.map((e) => ({
    fingerprint: e.fingerprint,
    ruleId: e.ruleId,
    path: e.path,
    ...(e.redacted !== undefined ? { redacted: e.redacted } : {}),
    ...(e.commit !== undefined ? { commit: e.commit } : {}),
  }));
  const doc = {
    version: 1,
    description:
      'keyward baseline: reviewed findings that `keyward scan --baseline <this file>` does not report. ' +
      'Fingerprints are hashes of rule id and secret; the secrets themselves are not stored here.',
    entries,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Reads a baseline file. A keyward JSON report (DESIGN §3) is accepted too: its findings' fingerprints
 * and paths make the same baseline. Anything unreadable or malformed is E_BASELINE_READ (exit 2): a
 * broken baseline must never silently suppress nothing (or everything).
 */
export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeywardError('E_BASELINE_READ', {
      file,
      reason: code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable'),
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new KeywardError('E_BASELINE_READ', { file, reason: 'not valid JSON' });
  }
  return parseBaseline(doc, file);
}

export function parseBaseline(doc: unknown, file: string): Baseline {
  const fail = (reason: string): never => {
    throw new KeywardError('E_BASELINE_READ', { file, reason });
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fail('not a keyward baseline');
  const record = doc as Record<string, unknown>;
  if (record.version !== 1) fail('unsupported version (expected 1)');
  const list = Array.isArray(record.entries)
    ? record.entries
    : Array.isArray(record.findings)
      ? record.findings
      : undefined;
  if (!list) return fail('no entries list');
  const key = Array.isArray(record.entries) ? 'entries' : 'findings';
  const entries = list.map((raw: unknown, i: number): BaselineEntry => {
    const at = `${key}[${i}]`;
    if (typeof raw !== 'object' || raw === null) return fail(`${at}: must be an object`);
    const e = raw as Record<string, unknown>;
    if (typeof e.fingerprint !== 'string' || !FINGERPRINT.test(e.fingerprint))
      fail(`${at}.fingerprint: must be a fingerprint (lowercase hex)`);
    if (typeof e.ruleId !== 'string' || e.ruleId === '') fail(`${at}.ruleId: must be a rule id`);
    if (typeof e.path !== 'string' || e.path === '') fail(`${at}.path: must be a path`);
    return {
      fingerprint: e.fingerprint as string,
      ruleId: e.ruleId as string,
      path: e.path as string,
      ...(typeof e.redacted === 'string' ? { redacted: e.redacted } : {}),
      ...(typeof e.commit === 'string' ? { commit: e.commit } : {}),
    };
  });
  return { version: 1, entries };
}
