/** The git hooks keyward installs. */
export const HOOK_NAMES = ['pre-commit', 'pre-push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** The set-ups keyward can wire itself into. `plain` is a hook file in the folder git really uses. */
export const MANAGERS = ['husky', 'lint-staged', 'lefthook', 'pre-commit', 'plain'] as const;
export type Manager = (typeof MANAGERS)[number];

/**
 * One textual change to a file: at byte offset `at` (in the text as it was before this edit), `remove` is
 * replaced by `insert`. `insert` always carries a keyward marker, so it can be found again (and reverted)
 * even after the user has edited other parts of the file.
 */
export interface Edit {
  at: number;
  remove: string;
  insert: string;
}

/** What install would do to one file, computed before anything is written. */
export interface FileChange {
  /** Absolute path (symlinks resolved). */
  path: string;
  /** Path as shown to the user (relative to the work tree when inside it). */
  display: string;
  hook: HookName;
  manager: Manager;
  /** Content before (null: the file does not exist yet). */
  before: string | null;
  after: string;
  /** File mode (permission bits) the file has before; for a new file, the mode it is created with. */
  mode: number;
  edits: Edit[];
  /** A foreign hook that cannot be edited (not a shell script, or a symlink) moved aside and run by ours. */
  chained?: { from: string; to: string };
}

/** An expected failure, husky-style: a code (mapped to a message by the CLI) plus the data it needs. */
export interface Problem {
  code: ProblemCode;
  data: Record<string, string>;
}

export type ProblemCode =
  | 'git-missing'
  | 'git-failed'
  | 'not-a-repo'
  | 'bare-repo'
  | 'husky-internal'
  | 'shared-hooks-dir'
  | 'hook-not-executable'
  | 'manager-missing'
  | 'manager-hook-unsupported'
  | 'config-unsupported'
  | 'config-parse'
  | 'write-failed'
  | 'state-unreadable'
  | 'changed-since-install'
  | 'chained-blocked';

export function problem(code: ProblemCode, data: Record<string, string> = {}): Problem {
  return { code, data };
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'code' in value && 'data' in value;
}

/** The outcome of wiring one hook. */
export type HookOutcome =
  | { hook: HookName; manager: Manager; status: 'planned'; change: FileChange }
  | { hook: HookName; manager: Manager; status: 'already'; file: string }
  | { hook: HookName; manager: Manager; status: 'user-wired'; file: string };

export interface InstallResult {
  outcomes: HookOutcome[];
  /** True when the changes were written (false for a dry run or when there was nothing to do). */
  written: boolean;
  /** Things the user should know or do (one line each). */
  notes: string[];
}

export interface RestoreAction {
  /** Displayed path. */
  display: string;
  action: 'deleted' | 'restored' | 'edited' | 'unchained' | 'missing';
  before: string | null;
  after: string | null;
}

export interface UninstallResult {
  actions: RestoreAction[];
  written: boolean;
  notes: string[];
  /** Files keyward could not restore (their keyward lines were changed by hand); left as they are. */
  problems: Problem[];
}
