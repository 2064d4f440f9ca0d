import type { Finding } from '@keyward/core';
import type { SuppressedCounts } from '../report.js';

/**
 * `--no-filters`: what keyward's precision filters hid (placeholders, word-built test keys, encoded test
 * words, specification examples, public keys, allowlisted published keys) is reported like any finding, each
 * keeping its filter and reason (`filtered`), so that a reviewer can audit the filters themselves. Allow
 * comments, the config and the baseline still apply: they are the user's decisions, not keyward's.
 */
export function showFiltered(findings: readonly Finding[]): void {
  for (const finding of findings) if (finding.suppressed === 'filter') delete finding.suppressed;
}

/** What the scan suppressed: counted by kind, and what the filters hid by filter (never dropped silently). */
export function countSuppressed(findings: readonly Finding[]): SuppressedCounts {
  const counts: SuppressedCounts = { inline: 0, baseline: 0, config: 0 };
  for (const finding of findings) {
    if (finding.suppressed === 'filter') {
      const filter = finding.filtered?.filter ?? 'placeholder';
      const filters = (counts.filters ??= {});
      filters[filter] = (filters[filter] ?? 0) + 1;
    } else if (finding.suppressed) {
      counts[finding.suppressed]++;
    }
  }
  return counts;
}
