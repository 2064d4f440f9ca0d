import type { Finding, ScanStats } from '@keyward/core';
import type { RepositoryEntry, SkipCounts, SuppressedCounts } from '../report.js';

/** The fleet's `scan` counters: each repository's summed, over the wall time of the whole run. */
export function fleetStats(entries: readonly RepositoryEntry[], durationMs: number): ScanStats {
  const sum = (pick: (e: RepositoryEntry) => number) => entries.reduce((n, e) => n + pick(e), 0);
  return {
    mode: 'fleet',
    files: 0,
    blobs: sum((e) => e.blobs),
    commits: sum((e) => e.commits),
    bytes: sum((e) => e.bytes),
    durationMs,
  };
}

/** Suppression and skip counters of several audits, added up. */
export function mergeCounts(counts: readonly SuppressedCounts[]): SuppressedCounts;
export function mergeCounts(counts: readonly SkipCounts[]): SkipCounts;
export function mergeCounts(counts: readonly (SuppressedCounts | SkipCounts)[]): object {
  const total: Record<string, number> = {};
  const filters: Record<string, number> = {};
  for (const count of counts) {
    for (const [key, value] of Object.entries(count)) {
      if (typeof value === 'number') total[key] = (total[key] ?? 0) + value;
      else for (const [name, n] of Object.entries(value as object)) filters[name] = (filters[name] ?? 0) + n;
    }
  }
  return {
    inline: 0,
    baseline: 0,
    config: 0,
    ...total,
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
  };
}

/** The repositories that were not audited whole: each makes the run exit 3. */
export function unhealthy(entries: readonly RepositoryEntry[]): RepositoryEntry[] {
  return entries.filter((e) => e.status !== 'audited');
}

const WORSE: Record<RepositoryEntry['status'], number> = { audited: 0, incomplete: 1, failed: 2 };

/**
 * The repositories of several fleet reports (the jobs of a CI matrix: repositories × shards) as one list.
 * Shards of one repository each count its commits (the largest is kept) and their own blobs (summed); the
 * worst status wins, with its reason.
 */
export function mergeRepositories(lists: readonly (readonly RepositoryEntry[])[]): RepositoryEntry[] {
  const byName = new Map<string, RepositoryEntry>();
  for (const entry of lists.flat()) {
    const kept = byName.get(entry.repository);
    if (!kept) {
      byName.set(entry.repository, { ...entry });
      continue;
    }
    kept.commits = Math.max(kept.commits, entry.commits);
    kept.blobs += entry.blobs;
    kept.bytes += entry.bytes;
    if (WORSE[entry.status] > WORSE[kept.status]) {
      kept.status = entry.status;
      if (entry.reason !== undefined) kept.reason = entry.reason;
    }
  }
  return [...byName.values()];
}

/** One repository's line in the text and HTML tables. */
export interface RepositoryRow {
  entry: RepositoryEntry;
  /** Distinct keys found (by fingerprint). */
  keys: number;
  /** Keys the verifier found live, and how many it checked. */
  live: number;
  verified: number;
  /** Keys still in the tree at HEAD. */
  atHead: number;
}

/** The table of repositories a fleet report opens with, in list order. */
export function repositoryRows(
  entries: readonly RepositoryEntry[],
  findings: readonly Finding[],
): RepositoryRow[] {
  const byRepository = new Map<string, Finding[]>();
  for (const finding of findings) {
    const name = finding.repository ?? '';
    const list = byRepository.get(name) ?? [];
    list.push(finding);
    byRepository.set(name, list);
  }
  return entries.map((entry) => {
    const keys = new Map<string, { live: boolean; verified: boolean; atHead: boolean }>();
    for (const f of byRepository.get(entry.repository) ?? []) {
      const key = keys.get(f.fingerprint) ?? { live: false, verified: false, atHead: false };
      key.live ||= f.verification?.status === 'live';
      key.verified ||= f.verification !== undefined;
      key.atHead ||= f.presentAtHead === true;
      keys.set(f.fingerprint, key);
    }
    const all = [...keys.values()];
    return {
      entry,
      keys: all.length,
      live: all.filter((k) => k.live).length,
      verified: all.filter((k) => k.verified).length,
      atHead: all.filter((k) => k.atHead).length,
    };
  });
}
