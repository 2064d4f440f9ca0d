import type { FilterName, Finding, RuleSpec, ScanStats } from '@keyward/core';
import type { MissingObjects, SkipCounts } from '@keyward/sources';

export type { SkipCounts };

export interface SuppressedCounts {
  inline: number;
  baseline: number;
  config: number;
  /** What keyward's precision filters hid, by filter (absent when they hid nothing). */
  filters?: Partial<Record<FilterName, number>>;
}

/** Everything a reporter needs: the DESIGN §3 report plus the counters the summary prints. */
export interface Report {
  version: 1;
  tool: { name: 'keyward'; version: string };
  /** `startedAt`: ISO time the scan began (GitLab's report needs start and end times). */
  scan: ScanStats & { range?: string; startedAt?: string };
  /** Findings to report (suppressed ones are only counted). */
  findings: Finding[];
  suppressed: SuppressedCounts;
  skipped: SkipCounts;
  /** One line each: problems that did not stop the scan (an unreadable file, say). Never hold secrets. */
  warnings: string[];
  /**
   * A partial history audit (objects missing from the store): every present object was scanned and its
   * findings are above, but this is not the whole history. Absent when the audit is complete.
   */
  partial?: MissingObjects;
  /** `keyward fleet`: every repository of the list, audited or not (why not: `reason`). */
  repositories?: RepositoryEntry[];
}

/**
 * One repository of a fleet audit. `audited`: its whole history was read; `incomplete`: objects are
 * missing (its findings are those of the objects present); `failed`: it could not be fetched or read.
 */
export interface RepositoryEntry {
  repository: string;
  status: 'audited' | 'incomplete' | 'failed';
  /** Why it is incomplete or failed, one line. */
  reason?: string;
  commits: number;
  blobs: number;
  bytes: number;
}

/** The notice a partial audit carries at the top of every format: what is missing and how to complete it. */
export function partialNotice(partial: MissingObjects): string {
  return `partial audit: ${partial.reason}; the findings are those of the objects present, not the whole history. To complete it: ${partial.hint}`;
}

export interface ReporterOptions {
  /** Print full secrets (only with --reveal). */
  reveal: boolean;
  /** Colour the output (TTY, no NO_COLOR, no --no-color). */
  color: boolean;
  /** Environment, for reporters that read it (GITHUB_STEP_SUMMARY). */
  env: Record<string, string | undefined>;
  /** The rules the scan ran: SARIF describes each rule it reports (title, severity, help). */
  rules?: readonly RuleMeta[];
  /** The repository the report is rendered in: the HTML audit reads its key timeline from git. */
  git?: GitContextOption;
}

/** Where git runs for a reporter that reads the repository. */
export interface GitContextOption {
  cwd: string;
  env: Record<string, string | undefined>;
}

/** What reporters show about a rule. */
export type RuleMeta = Pick<RuleSpec, 'id' | 'title' | 'provider' | 'severity' | 'confidence'> &
  Partial<Pick<RuleSpec, 'remediation' | 'references'>>;

/** Turns a report into the text of one output format. Pure, apart from documented side files. */
export type Reporter = (report: Report, options: ReporterOptions) => string | Promise<string>;
