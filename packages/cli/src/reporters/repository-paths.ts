import { dirname, resolve } from 'node:path';
import { pathFrom, workTreeTop } from '@keyward/sources';
import type { Report } from '../report.js';

/**
 * The formats whose readers resolve a path against the top of the repository: GitHub's workflow commands
 * and step summary, code scanning's SARIF upload, GitLab's secret-detection report and the `file` of a
 * JUnit test case (GitLab's test reports, Jenkins).
 */
export const REPOSITORY_PATH_FORMATS: ReadonlySet<string> = new Set(['github', 'sarif', 'gitlab', 'junit']);

/**
 * A working-tree (or agent-config) report with each path relative to the top of its git work tree, where the
 * scan reports paths relative to the folder it ran in. Run in `packages/api` (a CI job's `working-directory`), a finding
 * in `src/app.ts` is `packages/api/src/app.ts` to GitHub and GitLab, which would otherwise annotate a file
 * that is not there. The top is the one holding `cwd`, or each file's own when `cwd` is in none (a scan of a
 * checkout from the folder above it). A path outside any work tree is left as it is. The git modes report
 * repository paths already.
 */
export function withRepositoryPaths(report: Report, cwd: string): Report {
  const mode = report.scan.mode;
  if ((mode !== 'worktree' && mode !== 'agents') || report.findings.length === 0) return report;
  const base = workTreeTop(cwd);
  const tops = new Map<string, string | undefined>();
  const topOf = (folder: string) => {
    if (!tops.has(folder)) tops.set(folder, workTreeTop(folder));
    return tops.get(folder);
  };
  const findings = report.findings.map((finding) => {
    if (finding.path.startsWith('~/')) return finding; // an agent's user-level file: in no repository
    const abs = resolve(cwd, finding.path);
    const top = base ?? topOf(dirname(abs));
    if (top === undefined) return finding;
    const path = pathFrom(top, abs);
    return path === undefined || path === finding.path ? finding : { ...finding, path };
  });
  return { ...report, findings };
}
