import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Confidence, Finding, ScanStats, Severity, VerificationReason } from '@keyward/core';
import type { MissingObjects } from '@keyward/sources';
import { KeywardError } from '../errors.js';
import type { RepositoryEntry } from '../report.js';
import { SEVERITIES } from '../reporters/shared.js';

/** A keyward JSON report (DESIGN §3) read back: its scan counters and its findings. */
export interface ReadReport {
  file: string;
  scan: ScanStats;
  findings: Finding[];
  /** The file's text, to notice the same report given twice. */
  text: string;
  /** A partial history audit (`"complete": false`): what it could not read. */
  partial?: MissingObjects;
  /** A `keyward fleet` report's repositories. */
  repositories?: RepositoryEntry[];
}

const MODES: readonly ScanStats['mode'][] = [
  'worktree',
  'staged',
  'range',
  'pre-push',
  'history',
  'stdin',
  'agents',
  'fleet',
];
const SCOPES: ReadonlyArray<NonNullable<Finding['scope']>> = ['project', 'user'];
const GIT_STATES: ReadonlyArray<NonNullable<Finding['git']>> = [
  'tracked',
  'staged',
  'untracked',
  'ignored',
  'none',
];
const CONFIDENCES: readonly Confidence[] = ['high', 'medium', 'low'];

/**
 * Reads and checks a JSON report written by `keyward scan --format json` (or `merge`). A finding without
 * `secret` (a report written without --reveal) gets `secret: ''`; callers that need the secret check.
 * Anything that is not such a report fails with E_REPORT_READ naming the file and what is wrong.
 */
export function readJsonReport(file: string, cwd: string): ReadReport {
  const { text, parsed } = readJsonFile(file, cwd);
  const bad = (reason: string) => new KeywardError('E_REPORT_READ', { file, reason });
  if (!isRecord(parsed) || parsed.version !== 1 || !isRecord(parsed.scan) || !Array.isArray(parsed.findings))
    throw bad('not a keyward JSON report (version 1, scan, findings)');
  const scan = parsed.scan;
  if (typeof scan.mode !== 'string' || !MODES.includes(scan.mode as ScanStats['mode']))
    throw bad(`unknown scan mode ${JSON.stringify(scan.mode)}`);
  const stats: ScanStats = {
    mode: scan.mode as ScanStats['mode'],
    files: count(scan.files),
    blobs: count(scan.blobs),
    commits: count(scan.commits),
    bytes: count(scan.bytes),
    durationMs: count(scan.durationMs),
  };
  const findings = parsed.findings.map((raw, i) => {
    const finding = toFinding(raw);
    if (typeof finding === 'string') throw bad(`finding ${i + 1}: ${finding}`);
    return finding;
  });
  const partial = parsed.complete === false ? partialOf(parsed) : undefined;
  const repositories = stats.mode === 'fleet' ? repositoriesOf(parsed.repositories) : undefined;
  if (typeof repositories === 'string') throw bad(repositories);
  return {
    file,
    scan: stats,
    findings,
    text,
    ...(partial ? { partial } : {}),
    ...(repositories ? { repositories } : {}),
  };
}

const STATUSES: ReadonlyArray<RepositoryEntry['status']> = ['audited', 'incomplete', 'failed'];

/** A fleet report's `repositories`, checked, or what is wrong with them. */
function repositoriesOf(raw: unknown): RepositoryEntry[] | string {
  if (!Array.isArray(raw)) return 'a fleet report without its repositories';
  const entries: RepositoryEntry[] = [];
  for (const [i, item] of raw.entries()) {
    if (!isRecord(item) || typeof item.repository !== 'string' || item.repository === '')
      return `repository ${i + 1}: no name`;
    if (!STATUSES.includes(item.status as RepositoryEntry['status']))
      return `repository ${i + 1}: status ${JSON.stringify(item.status)}`;
    entries.push({
      repository: item.repository,
      status: item.status as RepositoryEntry['status'],
      ...(typeof item.reason === 'string' ? { reason: item.reason } : {}),
      commits: count(item.commits),
      blobs: count(item.blobs),
      bytes: count(item.bytes),
    });
  }
  return entries;
}

/** What a partial report (`"complete": false`) says is missing; object ids only, checked as such. */
function partialOf(parsed: Record<string, unknown>): MissingObjects {
  const ids = Array.isArray(parsed.missing)
    ? parsed.missing.filter((id): id is string => typeof id === 'string' && /^[0-9a-f]{40,64}$/.test(id))
    : [];
  const said = isRecord(parsed.partial) ? parsed.partial : {};
  const text = (value: unknown, otherwise: string) =>
    typeof value === 'string' && value !== '' ? value : otherwise;
  return {
    ids,
    count: Math.max(count(parsed.missingCount), ids.length),
    reason: text(said.reason, 'objects are missing from the store'),
    hint: text(said.hint, 'fetch them and scan again'),
  };
}

/** A §3 finding as the engine's Finding, or what is wrong with it. */
function toFinding(raw: unknown): Finding | string {
  if (!isRecord(raw)) return 'not an object';
  for (const field of ['ruleId', 'path', 'redacted', 'fingerprint'] as const)
    if (typeof raw[field] !== 'string' || raw[field] === '') return `no ${field}`;
  if (!SEVERITIES.includes(raw.severity as Severity)) return `severity ${JSON.stringify(raw.severity)}`;
  const position = (name: string) => (typeof raw[name] === 'number' ? (raw[name] as number) : 1);
  const finding: Finding = {
    ruleId: raw.ruleId as string,
    severity: raw.severity as Severity,
    confidence: CONFIDENCES.includes(raw.confidence as Confidence)
      ? (raw.confidence as Confidence)
      : 'medium',
    path: raw.path as string,
    line: position('line'),
    column: position('column'),
    endLine: position('endLine'),
    endColumn: position('endColumn'),
    secret: typeof raw.secret === 'string' ? raw.secret : '',
    redacted: raw.redacted as string,
    fingerprint: raw.fingerprint as string,
  };
  if (typeof raw.commit === 'string') finding.commit = raw.commit;
  if (typeof raw.author === 'string') finding.author = raw.author;
  if (typeof raw.date === 'string') finding.date = raw.date;
  if (typeof raw.reachable === 'boolean') finding.reachable = raw.reachable;
  if (typeof raw.presentAtHead === 'boolean') finding.presentAtHead = raw.presentAtHead;
  // `keyward agents`: the agent, where in its config, the level, git's view, why and the fix.
  // `keyward fleet`: the repository.
  for (const field of ['agent', 'keyPath', 'why', 'fix', 'repository'] as const)
    if (typeof raw[field] === 'string') finding[field] = raw[field];
  if (SCOPES.includes(raw.scope as NonNullable<Finding['scope']>))
    finding.scope = raw.scope as NonNullable<Finding['scope']>;
  if (GIT_STATES.includes(raw.git as NonNullable<Finding['git']>))
    finding.git = raw.git as NonNullable<Finding['git']>;
  const v = raw.verification;
  if (isRecord(v) && typeof v.status === 'string' && ['live', 'invalid', 'unknown'].includes(v.status)) {
    finding.verification = {
      status: v.status as 'live' | 'invalid' | 'unknown',
      reason: (typeof v.reason === 'string' ? v.reason : 'unrecognized') as VerificationReason,
      detail: typeof v.detail === 'string' ? v.detail : '',
      ...(isRecord(v.reach) ? { reach: v.reach as Record<string, 'reachable' | 'denied' | 'unknown'> } : {}),
    };
  }
  return finding;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A report file's text and parsed JSON, or E_REPORT_READ saying why it could not be read or parsed. */
export function readJsonFile(file: string, cwd: string): { text: string; parsed: unknown } {
  try {
    const text = readFileSync(resolve(cwd, file), 'utf8');
    return { text, parsed: JSON.parse(text) };
  } catch (error) {
    const reason =
      error instanceof SyntaxError
        ? 'not valid JSON'
        : ((error as NodeJS.ErrnoException).code ?? 'unreadable');
    throw new KeywardError('E_REPORT_READ', { file, reason });
  }
}
