import type { Finding } from '@keyward/core';
import type { RepositoryEntry, Report, ReporterOptions } from '../report.js';
import { sortFindings } from './shared.js';

/** One finding as DESIGN §3 writes it: fixed key order, optional keys only when known. */
export interface JsonFinding {
  ruleId: string;
  severity: Finding['severity'];
  confidence: Finding['confidence'];
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  redacted: string;
  secret?: string;
  fingerprint: string;
  commit?: string;
  author?: string;
  date?: string;
  reachable?: boolean;
  /** History scans: whether the same secret is still in the tree at HEAD. */
  presentAtHead?: boolean;
  verification?: { status: string; reason: string; detail: string; reach?: Record<string, string> };
  /** With `--no-filters`: the filter that would have hidden this finding, and why. */
  filtered?: { filter: string; reason: string };
  /** `keyward agents`: the agent, where in its config, project or user level, git's view, why and the fix. */
  agent?: string;
  keyPath?: string;
  scope?: 'project' | 'user';
  git?: string;
  why?: string;
  fix?: string;
  /** `keyward fleet`: the repository it is in. */
  repository?: string;
}

/** The DESIGN §3 report, exactly; `secret` only with `--reveal`. */
export interface JsonReport {
  version: 1;
  tool: { name: 'keyward'; version: string };
  scan: {
    mode: Report['scan']['mode'];
    files: number;
    blobs: number;
    commits: number;
    bytes: number;
    durationMs: number;
  };
  findings: JsonFinding[];
  /** A partial history audit only (objects missing from the store): false. */
  complete?: false;
  /** The missing object ids the walk named (`missingCount` in all). */
  missing?: string[];
  missingCount?: number;
  /** Where each missing object was needed, when the scan knows (a range: path and commit). */
  missingAt?: Array<{ id: string; path: string; commit: string }>;
  /** Why the audit is partial and how to complete it. */
  partial?: { reason: string; hint: string };
  /** `keyward fleet`: every repository of the list and whether it was audited whole. */
  repositories?: RepositoryEntry[];
}

export function toJsonReport(report: Report, options: Pick<ReporterOptions, 'reveal'>): JsonReport {
  const { mode, files, blobs, commits, bytes, durationMs } = report.scan;
  return {
    version: 1,
    tool: { name: 'keyward', version: report.tool.version },
    scan: { mode, files, blobs, commits, bytes, durationMs },
    findings: sortFindings(report.findings).map((finding) => toJsonFinding(finding, options.reveal)),
    ...(report.partial ? partialFields(report.partial) : {}),
    ...(report.repositories ? { repositories: report.repositories } : {}),
  };
}

function partialFields(partial: NonNullable<Report['partial']>): Partial<JsonReport> {
  return {
    complete: false,
    missing: partial.ids,
    missingCount: partial.count,
    ...(partial.places ? { missingAt: partial.places } : {}),
    partial: { reason: partial.reason, hint: partial.hint },
  };
}

function toJsonFinding(f: Finding, reveal: boolean): JsonFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    confidence: f.confidence,
    path: f.path,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    redacted: f.redacted,
    ...(reveal ? { secret: f.secret } : {}),
    fingerprint: f.fingerprint,
    ...(f.commit !== undefined ? { commit: f.commit } : {}),
    ...(f.author !== undefined ? { author: f.author } : {}),
    ...(f.date !== undefined ? { date: f.date } : {}),
    ...(f.reachable !== undefined ? { reachable: f.reachable } : {}),
    ...(f.presentAtHead !== undefined ? { presentAtHead: f.presentAtHead } : {}),
    ...(f.verification
      ? {
          verification: {
            status: f.verification.status,
            reason: f.verification.reason,
            detail: f.verification.detail,
            ...(f.verification.reach ? { reach: f.verification.reach } : {}),
          },
        }
      : {}),
    ...(f.filtered ? { filtered: { filter: f.filtered.filter, reason: f.filtered.reason } } : {}),
    ...(f.agent !== undefined ? { agent: f.agent } : {}),
    ...(f.keyPath !== undefined ? { keyPath: f.keyPath } : {}),
    ...(f.scope !== undefined ? { scope: f.scope } : {}),
    ...(f.git !== undefined ? { git: f.git } : {}),
    ...(f.why !== undefined ? { why: f.why } : {}),
    ...(f.fix !== undefined ? { fix: f.fix } : {}),
    ...(f.repository !== undefined ? { repository: f.repository } : {}),
  };
}

export function jsonReporter(report: Report, options: ReporterOptions): string {
  return `${JSON.stringify(toJsonReport(report, options), null, 2)}\n`;
}

export default jsonReporter;
