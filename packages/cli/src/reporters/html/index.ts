import type { Report, ReporterOptions } from '../../report.js';
import { auditKeys } from './keys.js';
import { renderPage } from './page.js';
import { loadTimeline } from './timeline.js';

/**
 * `--format html`: the history audit as one self-contained page (inline styles, no scripts, a
 * Content-Security-Policy that forbids loading anything): a summary, each key's timeline across the
 * branches, per key its occurrences, verdict, blast radius and remediation, then the purge runbook.
 * Redacted unless `--reveal`. The timeline is read from git when the report is rendered inside the
 * scanned repository (`options.git`).
 */
export async function htmlReporter(report: Report, options: ReporterOptions): Promise<string> {
  const keys = auditKeys(report.findings, options.rules);
  // A fleet's commits are in many repositories: no one of them can draw the timeline.
  const timeline = report.repositories
    ? {
        missing:
          'a fleet audit spans several repositories: audit one with keyward scan --history --format html for its timeline',
      }
    : await loadTimeline(keys, options.git);
  return renderPage({
    report,
    keys,
    timeline,
    reveal: options.reveal,
    generated: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  });
}

export default htmlReporter;
