import type { HookName } from './types.js';

/**
 * The POSIX sh block every shell-based set-up runs (plain hooks, husky, lefthook, the pre-commit framework).
 * It finds keyward without a network (KEYWARD_BIN, then the project's node_modules/.bin, then PATH; never
 * `npx`, which could download a stranger's package), runs the scan, and:
 *  - exit 1 (a key was found): refuses, saying how to skip once (keyward itself prints what to do: remove the
 *    key, keyward:allow, rotate);
 *  - keyward missing or the scan broken (any other non-zero exit): fails closed with a message that says how
 *    to fix it, unless fail-open is set (KEYWARD_FAIL_OPEN=1 or `git config keyward.failOpen true`);
 *  - KEYWARD=0 skips it (so does `--no-verify`, which skips every hook).
 * Variables are prefixed `keyward_` because the block may sit inside a foreign hook; it never uses `set -e`
 * idioms that would abort a husky script (`sh -e`) early.
 */

/** How the scan learns what to scan. */
export type ScanStyle =
  /** `keyward scan --staged`: the index, for pre-commit. */
  | 'staged'
  /**
   * The same, limited to the files the pre-commit framework names (`"$@"`): the staged ones at a commit;
   * with `pre-commit run --all-files` every file, each then checked whole.
   */
  | 'staged-files'
  /** git's pre-push stdin, saved to a temporary file and replayed so the rest of the hook reads the same refs. */
  | 'pre-push-stdin'
  /** lefthook gives the refs on stdin (`use_stdin: true`) and the remote name as `{1}`. */
  | 'pre-push-lefthook'
  /**
   * the pre-commit framework reads stdin itself and exports PRE_COMMIT_FROM_REF/TO_REF and friends, which
   * `keyward scan --pre-push` reads when its stdin holds no update.
   */
  | 'pre-push-pre-commit';

export const HOOK_VERSION = 1;

export function beginMarker(hook: HookName): string {
  return `# >>> keyward ${hook} (hook v${HOOK_VERSION}): added by \`keyward install\`; \`keyward uninstall\` removes it`;
}

export function endMarker(hook: HookName): string {
  return `# <<< keyward ${hook}`;
}

/** Matches any version of keyward's begin marker, for detecting an earlier install. */
export const MARKER_PATTERN = /# >>> keyward (pre-commit|pre-push) \(hook v\d+\)/;

/**
 * Where a hook looks for keyward first, relative to the top of the work tree (git runs hooks there): the
 * project's own install. A project in a folder of the repository has it there instead (`web/node_modules/…`);
 * `keyward install` finds which (see localBin in detect.ts).
 */
export const DEFAULT_BIN = 'node_modules/.bin/keyward';

/** `path` as one sh word, quoted only when it needs to be. */
export function shellWord(path: string): string {
  return /^[\w./@+-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** The block's lines, markers included, without line endings; `bin` is where keyward is looked for first. */
export function launcherLines(hook: HookName, style: ScanStyle, bin: string = DEFAULT_BIN): string[] {
  const action = hook === 'pre-commit' ? 'commit' : 'push';
  const actions = hook === 'pre-commit' ? 'commits' : 'pushes';
  const found =
    hook === 'pre-commit'
      ? 'keyward: commit refused: the staged changes hold an API key (shown redacted above).'
      : 'keyward: push refused: the commits being pushed hold an API key (shown redacted above).';
  return [
    beginMarker(hook),
    'if [ "${KEYWARD-}" = 0 ]; then',
    "  echo 'keyward: skipped (KEYWARD=0)' >&2",
    'else',
    `  keyward_bin=\${KEYWARD_BIN:-${shellWord(bin)}}`,
    '  [ -x "$keyward_bin" ] || keyward_bin=$(command -v keyward) || keyward_bin=',
    '  keyward_status=127',
    ...scanLines(style),
    '  case $keyward_status in',
    '    0) ;;',
    '    1)',
    `      echo '${found}' >&2`,
    `      echo 'keyward: to skip this check once: KEYWARD=0 git ${action} ... (or git ${action} --no-verify).' >&2`,
    '      exit 1 ;;',
    '    *)',
    '      if [ "$keyward_status" = 127 ]; then',
    "        echo 'keyward: keyward (or node) was not found in node_modules/.bin or on PATH: npm install --save-dev keyward, or set KEYWARD_BIN.' >&2",
    '      else',
    '        echo "keyward: the scan failed (exit $keyward_status, see above): fix the error, or reinstall keyward." >&2',
    '      fi',
    '      if [ "${KEYWARD_FAIL_OPEN-}" = 1 ] || [ "$(git config --bool keyward.failOpen)" = true ]; then',
    `        echo 'keyward: fail-open is set: the ${action} goes ahead unscanned.' >&2`,
    '      else',
    `        echo 'keyward: ${action} refused (fail-closed). KEYWARD=0 skips the check once; KEYWARD_FAIL_OPEN=1 or git config keyward.failOpen true lets ${actions} through while keyward cannot run.' >&2`,
    '        exit "$keyward_status"',
    '      fi ;;',
    '  esac',
    'fi',
    endMarker(hook),
  ];
}

function scanLines(style: ScanStyle): string[] {
  const run = (args: string, input = '') =>
    `  [ -z "$keyward_bin" ] || { keyward_status=0; "$keyward_bin" ${args}${input} || keyward_status=$?; }`;
  switch (style) {
    case 'staged':
      return [run('scan --staged')];
    case 'staged-files':
      return [run('scan --staged "$@"')];
    case 'pre-push-stdin':
      return [
        '  keyward_refs=$(mktemp "${TMPDIR:-/tmp}/keyward-refs.XXXXXX") ||',
        "    { echo 'keyward: cannot create a temporary file for the pushed refs' >&2; exit 1; }",
        '  cat >"$keyward_refs"',
        run('scan --pre-push ${1:+"$1"}', ' <"$keyward_refs"'),
        '  exec <"$keyward_refs" # the rest of this hook reads the same refs',
        '  rm -f "$keyward_refs"',
      ];
    case 'pre-push-lefthook':
      return ['  keyward_remote={1}', run('scan --pre-push ${keyward_remote:+"$keyward_remote"}')];
    case 'pre-push-pre-commit':
      // keyward reads the framework's PRE_COMMIT_FROM_REF/TO_REF (or LOCAL_BRANCH and REMOTE_NAME) itself.
      return [run('scan --pre-push')];
  }
}

/** The whole file for a plain git hook keyward creates; `chained` is a foreign hook it runs afterwards. */
export function plainHookLines(hook: HookName, chained?: string, bin: string = DEFAULT_BIN): string[] {
  const lines = [
    '#!/bin/sh',
    ...launcherLines(hook, hook === 'pre-commit' ? 'staged' : 'pre-push-stdin', bin),
  ];
  if (chained) {
    lines.push(
      `# the hook that was here before keyward, moved aside by \`keyward install\` (\`keyward uninstall\` puts it back)`,
      `exec "$(dirname "$0")/${chained}" "$@"`,
    );
  }
  return lines;
}
