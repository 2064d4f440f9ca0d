import { resolve } from 'node:path';
import type { Finding } from '@keyward/core';
import { readBaseline, type Baseline, type BaselineEntry } from './format.js';

export interface BaselineResult {
  /** Findings the baseline does not list: what is new. */
  fresh: Finding[];
  /** Findings the baseline lists (each marked `suppressed: 'baseline'`). */
  suppressed: Finding[];
  /** Entries whose fingerprint no finding of this scan has: fixed, or outside what was scanned. */
  stale: BaselineEntry[];
}

/**
 * Splits findings by a baseline. A finding matches by fingerprint (rule id + secret), so a reviewed key
 * stays reviewed when its line moves or its file is renamed; any other key, even on a baselined line, is
 * new. Findings already suppressed (inline, config) pass through untouched and are not listed as fresh.
 */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): BaselineResult {
  const listed = new Set(baseline.entries.map((e) => e.fingerprint));
  const seen = new Set<string>();
  const fresh: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of findings) {
    seen.add(finding.fingerprint);
    if (finding.suppressed) continue;
    if (listed.has(finding.fingerprint)) {
      finding.suppressed = 'baseline';
      suppressed.push(finding);
    } else {
      fresh.push(finding);
    }
  }
  const stale = baseline.entries.filter((e) => !seen.has(e.fingerprint));
  return { fresh, suppressed, stale };
}

/** The baseline without its stale entries (`--prune`): nothing is added. */
export function pruneBaseline(baseline: Baseline, stale: readonly BaselineEntry[]): Baseline {
  const gone = new Set(stale);
  return { version: 1, entries: baseline.entries.filter((e) => !gone.has(e)) };
}

/**
 * `scan --baseline <file>`: reads the file (E_BASELINE_READ on any problem) and applies it to the findings.
 * A relative `file` is resolved against `cwd` (pass the CLI's `io.cwd`; default: the process's).
 */
export function applyBaselineFile(findings: readonly Finding[], file: string, cwd?: string): BaselineResult {
  return applyBaseline(findings, readBaseline(resolve(cwd ?? process.cwd(), file)));
}
