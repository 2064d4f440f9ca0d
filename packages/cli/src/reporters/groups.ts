import type { Finding, Severity, Verification } from '@keyward/core';
import { severityRank } from './shared.js';

/**
 * One secret as a person reads a report: every finding with the same content fingerprint (rule id +
 * secret), however many blobs, commits or files hold it. A history scan reports a key once per blob, so
 * a `.env` edited ten times while it held the key is ten occurrences of one secret. The text and HTML
 * reports show one entry per group; JSON and the CI formats keep one record per finding.
 */
export interface SecretGroup {
  /** Content fingerprint (rule id + secret, hashed): the group's identity. */
  fingerprint: string;
  ruleId: string;
  /** The worst severity among the occurrences (one rule has one severity; a merged report may differ). */
  severity: Severity;
  redacted: string;
  /** The full secret, or '' when no occurrence carries it (a report written without `--reveal`). */
  secret: string;
  /** Every finding of this secret, in the order given. */
  occurrences: Finding[];
  /** The oldest occurrence with a commit: the one that introduced the secret. */
  first: Finding | undefined;
  /** The newest occurrence with a commit: the last time a commit added it (again, or elsewhere). */
  last: Finding | undefined;
  /** Distinct paths, in the order first given. */
  paths: string[];
  /** Occurrences in objects no ref reaches (`reachable: false`). */
  unreachable: number;
  /** Whether the secret is still in the tree at HEAD: true if any occurrence says so, false if all say not. */
  presentAtHead: boolean | undefined;
  /** The verifier's verdict (it checks each secret once, so every occurrence shares it). */
  verification: Verification | undefined;
  /**
   * Found in git's history (an occurrence carries a commit or a reachability), where the places are past
   * versions of files; otherwise in files on disk, the index or stdin, where each place is an edit to make.
   */
  inHistory: boolean;
}

/** The working state of a group while findings are added: its distinct paths and extreme dates. */
interface Building {
  group: SecretGroup;
  paths: Set<string>;
  firstTime: number;
  lastTime: number;
}

/**
 * Groups findings by fingerprint in one pass (linear: a history audit can hold hundreds of thousands).
 * Groups come in the order their first finding was given; each keeps its findings in the given order.
 */
export function groupBySecret(findings: readonly Finding[]): SecretGroup[] {
  const building = new Map<string, Building>();
  for (const finding of findings) {
    let entry = building.get(finding.fingerprint);
    if (!entry) {
      entry = {
        group: {
          fingerprint: finding.fingerprint,
          ruleId: finding.ruleId,
          severity: finding.severity,
          redacted: finding.redacted,
          secret: '',
          occurrences: [],
          first: undefined,
          last: undefined,
          paths: [],
          unreachable: 0,
          presentAtHead: undefined,
          verification: undefined,
          inHistory: false,
        },
        paths: new Set(),
        firstTime: Number.POSITIVE_INFINITY,
        lastTime: Number.NEGATIVE_INFINITY,
      };
      building.set(finding.fingerprint, entry);
    }
    add(entry, finding);
  }
  return [...building.values()].map((entry) => entry.group);
}

function add(entry: Building, finding: Finding): void {
  const { group } = entry;
  group.occurrences.push(finding);
  if (severityRank(finding.severity) < severityRank(group.severity)) group.severity = finding.severity;
  if (!group.secret && finding.secret) group.secret = finding.secret;
  if (!entry.paths.has(finding.path)) {
    entry.paths.add(finding.path);
    group.paths.push(finding.path);
  }
  if (finding.reachable === false) group.unreachable++;
  if (finding.commit !== undefined || finding.reachable !== undefined) group.inHistory = true;
  if (finding.presentAtHead !== undefined)
    group.presentAtHead = group.presentAtHead === true || finding.presentAtHead;
  group.verification ??= finding.verification;
  if (finding.commit === undefined) return;
  const time = timeOf(finding);
  if (!group.first || byDate(finding, group.first, time, entry.firstTime) < 0) {
    group.first = finding;
    entry.firstTime = time;
  }
  if (!group.last || byDate(finding, group.last, time, entry.lastTime) > 0) {
    group.last = finding;
    entry.lastTime = time;
  }
}

/** A finding's commit date as a number; undated (or unparseable) sorts last. */
export function timeOf(finding: Finding): number {
  const time = finding.date ? Date.parse(finding.date) : Number.NaN;
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

/**
 * Oldest first by commit date (parsed, so mixed offsets compare right), then path, line and commit: the
 * same secret added by one commit in two files has a stable "first". `ta`/`tb` are `timeOf` a and b.
 */
export function byDate(a: Finding, b: Finding, ta = timeOf(a), tb = timeOf(b)): number {
  return (
    (ta === tb ? 0 : ta < tb ? -1 : 1) ||
    compare(a.path, b.path) ||
    a.line - b.line ||
    compare(a.commit ?? '', b.commit ?? '')
  );
}

/**
 * Worst first, the order of the text report and the HTML audit: severity, then live keys (then undecided,
 * unchecked, invalid), then keys still at HEAD, then the oldest introduction, then the first place.
 */
export function worstFirst(a: SecretGroup, b: SecretGroup): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    liveRank(a.verification) - liveRank(b.verification) ||
    Number(b.presentAtHead === true) - Number(a.presentAtHead === true) ||
    introducedTime(a) - introducedTime(b) ||
    placeOrder(a.occurrences[0]!, b.occurrences[0]!) ||
    compare(a.fingerprint, b.fingerprint)
  );
}

/** Live first, then undecided, then keys not checked, then invalid ones. */
function liveRank(verification: Verification | undefined): number {
  const status = verification?.status;
  return status === 'live' ? 0 : status === 'unknown' ? 1 : status === undefined ? 2 : 3;
}

function introducedTime(group: SecretGroup): number {
  return group.first ? timeOf(group.first) : Number.POSITIVE_INFINITY;
}

function placeOrder(a: Finding, b: Finding): number {
  return compare(a.path, b.path) || a.line - b.line || a.column - b.column || compare(a.ruleId, b.ruleId);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Paths listed per secret at most in text and HTML; the rest are counted (JSON lists every one). */
export const PATHS_SHOWN = 5;

/** The first `max` items and how many more there are: `a, b, c +2 more`. */
export function bounded<T>(items: readonly T[], max = PATHS_SHOWN): { shown: T[]; more: number } {
  return { shown: items.slice(0, max), more: Math.max(0, items.length - max) };
}
