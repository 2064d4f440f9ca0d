import type { Confidence, RuleSpec, Severity } from '@keyward/core';

/** What a config may say about one built-in or custom rule. */
export interface RuleOverride {
  enabled?: boolean;
  severity?: Severity;
}

/** A rule written in a config file: a RuleSpec plus the examples `keyward rules check` runs. */
export interface CustomRule extends RuleSpec {
  /** Text that must give exactly one finding with this rule's id. */
  examples: string[];
  /** Text that must give no finding. */
  negativeExamples: string[];
}

/** Verifier settings a repository may choose. Never a base URL: a hostile repo must not redirect keys. */
export interface VerifyConfig {
  /** Exit 3 when verification was asked for and could not run. */
  required?: boolean;
  /** Per-request timeout, 1 s to 60 s. */
  timeoutMs?: number;
  /** Requests in flight, 1 to 4. */
  concurrency?: number;
}

export type InlineAllowSetting = boolean | 'local';

/** The config in effect for a scan: defaults filled in, regexes compiled, paths anchored. */
export interface ResolvedConfig {
  /** Absolute path of the config file read, if any. */
  file?: string;
  /** Folder that `ignorePaths` are relative to: the config file's folder, else the repository root or scan root. */
  baseDir: string;
  /** Folder holding `.git` above the scanned path, if any. */
  repoRoot?: string;
  /** `keyward:recommended` (the built-in rules) or `keyward:none` (only the custom rules). */
  extends: 'keyward:recommended' | 'keyward:none';
  /** Overrides by rule id. */
  rules: Map<string, RuleOverride>;
  /**
   * Whole families switched on or off (`families: { payments: off }`), by family id (core's
   * `RULE_FAMILIES`). A rule's own switch under `rules` wins over its family's.
   */
  families?: Map<string, boolean>;
  /** gitignore-style patterns, relative to `baseDir`. */
  ignorePaths: string[];
  allowlist: {
    /** A finding whose whole secret matches one of these is suppressed (counted as `config`). */
    secrets: RegExp[];
    /** Finding fingerprints to suppress. */
    fingerprints: Set<string>;
  };
  customRules: CustomRule[];
  /** Whether inline allow comments count, after resolving `"local"` against the CI environment. */
  inlineAllow: boolean;
  /** Files or blobs above this many bytes are skipped (and counted). */
  maxFileSize?: number;
  verify: VerifyConfig;
}

export const CONFIG_FILE_NAMES = ['keyward.config.json', '.keyward.yml'] as const;

export type { Confidence, Severity };
