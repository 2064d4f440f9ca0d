import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * Every user-facing error, by code: one line of text and the exit code it maps to.
 * Templates use `{name}` placeholders filled from the error's data. Never put a secret in the data.
 */
export const MESSAGES = {
  E_USAGE: { exit: EXIT.error, text: '{message}' },
  E_UNKNOWN_COMMAND: { exit: EXIT.error, text: 'unknown command {command}{hint} (commands: {commands})' },
  E_NO_COMMAND: { exit: EXIT.error, text: 'name a command before {option} (commands: {commands})' },
  E_UNKNOWN_OPTION: {
    exit: EXIT.error,
    text: '{command}: unknown option {option}{hint} ({command} takes: {options})',
  },
  E_UNEXPECTED_ARGUMENT: {
    exit: EXIT.error,
    text: '{command}: unexpected argument {argument} ({command} takes only options: {options})',
  },
  E_NOT_A_REPO: { exit: EXIT.error, text: '{path} is not inside a git repository' },
  E_GIT_MISSING: {
    exit: EXIT.error,
    text: 'git was not found on PATH; install git or scan without git options',
  },
  E_GIT_FAILED: { exit: EXIT.error, text: 'git {command} failed: {reason}' },
  E_PATH_MISSING: { exit: EXIT.error, text: '{path}: no such file or directory' },
  E_CONFIG_READ: { exit: EXIT.error, text: '{file}: cannot read the config file ({reason})' },
  E_CONFIG_PARSE: { exit: EXIT.error, text: '{file}: not valid {format}: {reason}' },
  E_CONFIG_INVALID: { exit: EXIT.error, text: '{file}: {key}: {reason}' },
  E_RULE_INVALID: { exit: EXIT.error, text: '{file}: rule {ruleId}: {reason}' },
  E_BASELINE_READ: { exit: EXIT.error, text: '{file}: cannot read the baseline ({reason})' },
  E_REPORT_READ: { exit: EXIT.error, text: '{file}: cannot read the report ({reason})' },
  E_OUTPUT_WRITE: { exit: EXIT.error, text: '{file}: cannot write the output ({reason})' },
  E_RANGE_SYNTAX: { exit: EXIT.error, text: '{range}: not a commit range; use A..B (or --since <rev>)' },
  E_RANGE_UNRESOLVED: {
    exit: EXIT.incomplete,
    text: '{range}: cannot resolve {rev}{shallow}; fetch more history (actions/checkout `fetch-depth: 0`, or `git fetch --deepen=<n>`)',
  },
  E_RANGE_NO_COMMITS: {
    exit: EXIT.incomplete,
    text: '{range}: the repository has no commits yet, so there is no range to scan (`keyward scan --staged` checks what the first commit will hold)',
  },
  E_HISTORY_INCOMPLETE: {
    exit: EXIT.incomplete,
    text: 'the repository history is incomplete ({reason}); {hint}',
  },
  E_RANGE_SHALLOW: {
    exit: EXIT.incomplete,
    text: "{range}: the shallow clone's history ends inside the range (at {commit}); fetch more history (actions/checkout `fetch-depth: 0`, or `git fetch --deepen=<n>`)",
  },
  E_REF_UNRESOLVED: { exit: EXIT.error, text: '{ref}: no such branch or revision' },
  E_PRE_PUSH_INPUT: {
    exit: EXIT.error,
    text: 'pre-push input line {number} is not `<local ref> <local sha> <remote ref> <remote sha>`',
  },
  E_STORE_FOREIGN: {
    exit: EXIT.error,
    text: '--store: {file} is not a keyward store ({reason}); name a folder keyward made, or a new one',
  },
  E_STORE_CORRUPT: {
    exit: EXIT.error,
    text: '--store: {file} is damaged ({reason}), so it cannot say which blobs are clean; remove it and audit again (the next audit reads every blob)',
  },
  E_STORE_VERSION: {
    exit: EXIT.error,
    text: '--store: {file} is in store format {found}; this keyward reads format {expected}: remove it, or use the keyward that wrote it',
  },
  E_STORE_MIXED: {
    exit: EXIT.error,
    text: '--store: {file} holds {found}-byte blob ids but this repository uses {expected}-byte ids (SHA-1 and SHA-256 repositories cannot share a store): give each repository its own',
  },
  E_STORE_IO: { exit: EXIT.error, text: '--store: {file}: {reason}' },
  E_STORE_RECORD: {
    exit: EXIT.error,
    text: '--store: {file} is damaged ({reason}), so it cannot say what the last audit walked; remove it and audit again (the next audit walks the whole history)',
  },
  E_SHARD_SYNTAX: { exit: EXIT.error, text: '--shard {shard}: use i/n, with 1 <= i <= n' },
  E_VERIFY_UNAVAILABLE: {
    exit: EXIT.incomplete,
    text: 'verification was required but could not run: {reason}',
  },
  E_VERIFY_ARGV: {
    exit: EXIT.error,
    text: 'keys are never taken from the command line (shell history and `ps` keep them); pipe them on stdin, one a line, or use --from <report>',
  },
  E_VERIFY_NO_INPUT: {
    exit: EXIT.error,
    text: 'no keys to check: pipe them on stdin, one a line, or use --from <report>',
  },
  E_VERIFY_NO_SECRETS: {
    exit: EXIT.error,
    text: '{file}: the report holds no secrets to check; write it with --reveal, or pipe the keys on stdin',
  },
  E_VERIFY_BASE_URL: { exit: EXIT.error, text: '{source}: {reason}' },
  E_FLEET_LIST: {
    exit: EXIT.error,
    text: '{where}: {reason}; list one repository a line (a path or a clone URL)',
  },
  E_FLEET_LIST_READ: { exit: EXIT.error, text: '{file}: cannot read the list of repositories ({reason})' },
  E_MERGE_MODES: {
    exit: EXIT.error,
    text: '{file}: a {mode} report cannot be merged with {first} reports; merge the shards of one scan',
  },
  E_MERGE_REDACTED: {
    exit: EXIT.error,
    text: '--reveal: {file} was written without --reveal, so its keys are not there to show',
  },
  E_REMEDIATE_REDACTED: {
    exit: EXIT.error,
    text: '{file}: the report holds only redacted keys, so there is nothing to replace; write it with keyward scan --history --format json --reveal --output <file>',
  },
  E_REMEDIATE_IN_REPO: {
    exit: EXIT.error,
    text: '{file} is inside the git work tree {root}, one `git add` away from committing the keys again; write it outside the repository or to a path git ignores',
  },
  E_HOOKS_GIT_MISSING: { exit: EXIT.error, text: 'git was not found on PATH; keyward install needs git' },
  E_HOOKS_BARE_REPO: {
    exit: EXIT.error,
    text: '{path} is a bare repository: hooks run in a work tree, so install keyward in a clone that has one',
  },
  E_HOOKS_HUSKY_INTERNAL: {
    exit: EXIT.error,
    text: "{path} is husky's generated folder (husky rewrites it): run keyward install without --manager plain to wire husky's own hook files",
  },
  E_HOOKS_SHARED_DIR: {
    exit: EXIT.error,
    text: 'the hooks folder {path} comes from your {scope} git config (core.hooksPath), so a hook there would run in every repository: set a folder for this one (git config core.hooksPath .githooks) or add the hook by hand (keyward install --print plain)',
  },
  E_HOOKS_NOT_EXECUTABLE: {
    exit: EXIT.error,
    text: '{path} exists but is not executable, so git skips it: make it executable (chmod +x) or remove it, then run keyward install again',
  },
  E_HOOKS_MANAGER_MISSING: { exit: EXIT.error, text: '--manager {manager}: {reason}' },
  E_HOOKS_MANAGER_HOOK: {
    exit: EXIT.error,
    text: '{manager} runs only at pre-commit, not {hook}: use --hook pre-commit, or leave --manager out to wire {hook} into the git hook manager',
  },
  E_HOOKS_CONFIG_UNSUPPORTED: {
    exit: EXIT.error,
    text: '{path}: cannot edit this {manager} configuration ({reason}); add what `keyward install --print {manager}` shows by hand',
  },
  E_HOOKS_CONFIG_PARSE: { exit: EXIT.error, text: '{path}: not valid {format}: {reason}' },
  E_HOOKS_WRITE: {
    exit: EXIT.error,
    text: '{path}: cannot write it ({reason}); nothing after it was changed, and keyward uninstall undoes what was',
  },
  E_HOOKS_STATE: {
    exit: EXIT.error,
    text: "{path}: keyward's install record is unreadable ({reason}); remove keyward's marked lines by hand, then this file",
  },
  E_HOOKS_CHANGED: {
    exit: EXIT.error,
    text: "{path}: keyward's lines were changed since install, so it was left as is; remove keyward's lines from it by hand",
  },
  E_HOOKS_CHAINED_BLOCKED: {
    exit: EXIT.error,
    text: '{path}: another hook is there now, so the hook keyward moved aside stays at {aside}; put it back by hand',
  },
  E_AGENTS_NO_HOME: {
    exit: EXIT.error,
    text: 'agents --home: neither HOME nor USERPROFILE is set, so there is no home to audit',
  },
  E_INTERNAL: {
    exit: EXIT.error,
    text: 'internal error: {reason} (please report this at https://github.com/keyward/keyward/issues)',
  },
} as const satisfies Record<string, { exit: ExitCode; text: string }>;

export type ErrorCode = keyof typeof MESSAGES;
