/** Public data types of the detection core. Everything here is plain data: no I/O, no classes. */

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type Confidence = 'high' | 'medium' | 'low';

/** A rule as authored in `rules/*.yaml`, after validation (examples stripped). */
export interface RuleSpec {
  /** Stable id, e.g. `openai-project-key`. OpenAI key rules, and only they, start with `openai-`. */
  id: string;
  /** Human title, e.g. "OpenAI project API key". */
  title: string;
  /** Provider the key belongs to (`openai`, `anthropic`, … or `generic`). */
  provider: string;
  /**
   * The family the rule belongs to (`ai`, `code-hosts`, `cloud`, `payments`, … see `RULE_FAMILIES`):
   * `keyward rules list` groups by it and a config switch turns a whole family off.
   */
  family?: string;
  severity: Severity;
  confidence: Confidence;
  /**
   * Anchor literals: the rule's pattern runs only in a window around an occurrence of one of them.
   * Matched case-insensitively by the prefilter; the pattern itself decides case.
   */
  keywords: string[];
  /** JavaScript regular expression source (no flags); the secret is capture group `secretGroup`. */
  pattern: string;
  /** Capture group holding the secret (default 1). */
  secretGroup?: number;
  /** How many bytes either side of an anchor the pattern may see (default 256, bounded by the line). */
  window?: number;
  /**
   * Let the window cross line ends: for context rules whose keyword may sit on a nearby line (an Azure
   * endpoint on the line above the key).
   */
  crossLines?: boolean;
  /** Shannon entropy (bits/char) the secret must exceed; checked on `entropyGroup` if set. */
  minEntropy?: number;
  /** Placeholder and sequence filters to apply to the secret (default true). */
  placeholderFilter?: boolean;
  /**
   * What a hand-typed run (`abcdefgh`, `0123456789`) in the key does: `drop` it (default), or `demote` it to
   * low confidence, for formats whose prefix alone makes a real key likely.
   */
  sequences?: 'drop' | 'demote';
  /**
   * A regex source the whole secret must match for the rule's confidence to stand (e.g. Groq's marker);
   * otherwise the finding is `medium`.
   */
  confidentPattern?: string;
  /**
   * Secrets matching one of these (full-string) regex sources are published keys, not leaks (e.g. public
   * demo keys): found, and suppressed by the `allowlist` filter.
   */
  allowlist?: string[];
  /**
   * Keys the vendor publishes to browsers (a PostHog project key, a Stripe publishable key): recognised so
   * that no other rule takes them, and suppressed by the `public-key` filter (reported only with the filters
   * off). Their secret siblings have rules of their own.
   */
  public?: boolean;
  /**
   * A checksum the format carries (`crc32-base62`: GitHub's and npm's tokens). A match whose checksum fails
   * was not made by the issuer: it is suppressed by the `checksum` filter (counted, shown with the filters
   * off).
   */
  checksum?: 'crc32-base62';
  /** Name of the verifier able to check this rule's keys (`openai`, `openai-admin`, `anthropic`, …). */
  verify?: string;
  /** Rule kind: `format` (a provider key shape) or `generic` (entropy of a value assigned to a secret-like name). */
  kind?: 'format' | 'generic';
  /**
   * Lengths seen in real keys of this family. A match of another length is still reported (lengths have
   * changed twice) but with `medium` confidence.
   */
  canonicalLengths?: number[];
  /** Characters of the secret shown before the redaction ellipsis (the family prefix, e.g. `sk-proj-`). */
  redactPrefix?: number;
  /** Remediation hint shown in reports. */
  remediation?: string;
  references?: string[];
  /** For `kind: generic`: which names count as secret-like and what a value must look like. */
  generic?: GenericSpec;
}

/**
 * The generic rule: a high-entropy value assigned to a secret-like name (`OPENAI_API_KEY=…`, `api_key: …`,
 * `Authorization: Bearer …`). Names are split into words (camelCase, snake_case, kebab-case); the last word
 * decides.
 */
export interface GenericSpec {
  /** Last words that make a name secret-like on their own (`token`, `secret`, `password`, `apikey`, …). */
  secretWords: string[];
  /** `key` counts only after one of these words (`api_key`, `private_key`, `OPENAI_KEY`…), never alone. */
  keyQualifiers: string[];
  /** Names containing any of these words are never secret-like (`public_key`, `csrf_token`, `next_page_token`). */
  excludeWords: string[];
  /** Words that introduce a credential in a header value (`Bearer`, `Basic`, `Token`). */
  authSchemes: string[];
  /** Values starting with these provider prefixes are left to the format rules (a malformed key is theirs). */
  formatPrefixes?: string[];
  minLength: number;
  maxLength: number;
  /** Entropy (bits/char) a hex-only value must exceed. */
  minEntropyHex: number;
  /** Entropy a value of any other alphabet must exceed. */
  minEntropy: number;
}

/** One secret found in one piece of content. Positions are 1-based; columns count UTF-16 code units. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  confidence: Confidence;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The full secret. Reporters must not print it unless the user passed `--reveal`. */
  secret: string;
  /** Family prefix and last 4 characters, e.g. `sk-proj-…w8Aq`. */
  redacted: string;
  /** Content fingerprint: hash of rule id + secret, stable across moves and squashes. */
  fingerprint: string;
  /**
   * Set when an inline allow comment, the baseline, the config or one of keyward's filters (`filtered`
   * says which, and why) hid the finding; such findings are counted, not reported.
   */
  suppressed?: 'inline' | 'baseline' | 'config' | 'filter';
  /** The filter that judged this match not to be a secret, and why; set whether or not it is suppressed. */
  filtered?: FilterVerdict;
  /** Provenance, set by git sources: the commit that introduced the content. */
  commit?: string;
  author?: string;
  date?: string;
  /** History scans: false when the blob is not reachable from any ref. */
  reachable?: boolean;
  /** History scans: whether the same secret is still present in the tree at HEAD. */
  presentAtHead?: boolean;
  verification?: Verification;
  /** `keyward agents`: the agent configuration the secret sits in (DESIGN §3 mode-specific fields). */
  agent?: string;
  /** `keyward agents`: where in the file, e.g. `mcpServers.github.env.GITHUB_TOKEN` or `args[2]`. */
  keyPath?: string;
  /** `keyward agents`: a project-level config (usually committed) or a user-level one. */
  scope?: 'project' | 'user';
  /** `keyward agents`: git's view of the file (project level). */
  git?: 'tracked' | 'staged' | 'untracked' | 'ignored' | 'none';
  /** `keyward agents`: why the verdict (severity) is what it is, in words. */
  why?: string;
  /** `keyward agents`: what to do about it with that tool. */
  fix?: string;
  /** `keyward fleet`: the repository the finding is in, as the list names it (a URL without credentials). */
  repository?: string;
}

/**
 * keyward's precision filters: what they judge is a match that is not a secret. Each suppression is counted
 * by filter, and the CLI can turn the filters off to show what each one hid.
 * - `placeholder`: placeholder words, hand-typed sequences, repeated characters (`abcdefgh12345678`)
 * - `test-key`: a value built of words (test, example, secret, key, token…) with at most a short tail
 * - `encoded-text`: base64, hex or percent-encoding of text that is not a secret (`alice:secret-passwd`)
 * - `spec-example`: an `example:` value in an OpenAPI, Swagger or JSON Schema document
 * - `public-key`: a key its vendor publishes to browsers (a rule marked `public`)
 * - `allowlist`: a published key a rule lists (SDK sample keys, documentation values)
 * - `checksum`: a token whose format carries a checksum (GitHub, npm) and whose checksum fails
 */
export type FilterName =
  'placeholder' | 'test-key' | 'encoded-text' | 'spec-example' | 'public-key' | 'allowlist' | 'checksum';

/** A filter's judgement of one match. `reason` is words for reviewers; it never holds the secret. */
export interface FilterVerdict {
  filter: FilterName;
  reason: string;
}

export type VerificationStatus = 'live' | 'invalid' | 'unknown';
export type VerificationReason =
  | 'ok'
  | 'restricted'
  | 'no_quota'
  | 'invalid_api_key'
  | 'account_deactivated'
  | 'ip_not_allowed'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  /** The connection failed (refused, reset, DNS): nothing was learnt about the key. */
  | 'network_error'
  | 'unrecognized'
  | 'unsupported';

export interface Verification {
  status: VerificationStatus;
  reason: VerificationReason;
  detail: string;
  /** Blast radius of a live key: area → reachable | denied | unknown. */
  reach?: Record<string, 'reachable' | 'denied' | 'unknown'>;
  /**
   * What the service said the key can do raises the finding's severity to this (a GitHub token with
   * `admin:org`, a Slack token with `admin` scopes); never lowers it.
   */
  severity?: Severity;
}

/** Summary counters a scan reports (DESIGN §3 `scan`). */
export interface ScanStats {
  mode: 'worktree' | 'staged' | 'range' | 'pre-push' | 'history' | 'stdin' | 'agents' | 'fleet';
  files: number;
  blobs: number;
  commits: number;
  bytes: number;
  durationMs: number;
}

/** Where a piece of content came from. Sources attach it; reporters print it. */
export interface Provenance {
  commit?: string;
  author?: string;
  date?: string;
  reachable?: boolean;
}

/**
 * A piece of content to scan, as sources yield it: bytes plus where they came from.
 * `addedLines`, when present, lists the 1-based inclusive [start, end] line ranges that the change adds;
 * only findings on those lines count (staged and range scans report added lines only).
 */
export interface ContentItem extends Provenance {
  path: string;
  bytes: Uint8Array;
  blobId?: string;
  addedLines?: Array<[number, number]>;
  /** Set when the item is one part of a longer content read in parts (stdin): see ContentPart. */
  part?: ContentPart;
}

/**
 * One part of a content too long to hold whole (a log on stdin). Parts overlap by some lines on each side so
 * that a secret across a cut, or the context before it, is whole in one of them; `addedLines` then names the
 * lines this part answers for, so each finding is reported by one part only.
 */
export interface ContentPart {
  /** The line of the whole content that the part's first line is: findings' lines count from it. */
  firstLine: number;
  /** Bytes the part adds to the whole (its overlap with the part before not counted). */
  newBytes: number;
  /** A part after the first: the same file, not another. */
  continued: boolean;
}
