#!/bin/sh
# keyward's pre-commit hook for the pre-commit framework (see .pre-commit-hooks.yaml at the repository root).
# Generated from packages/hooks/src/launcher.ts; do not edit by hand.
# >>> keyward pre-commit (hook v1): added by `keyward install`; `keyward uninstall` removes it
if [ "${KEYWARD-}" = 0 ]; then
  echo 'keyward: skipped (KEYWARD=0)' >&2
else
  keyward_bin=${KEYWARD_BIN:-node_modules/.bin/keyward}
  [ -x "$keyward_bin" ] || keyward_bin=$(command -v keyward) || keyward_bin=
  keyward_status=127
  [ -z "$keyward_bin" ] || { keyward_status=0; "$keyward_bin" scan --staged "$@" || keyward_status=$?; }
  case $keyward_status in
    0) ;;
    1)
      echo 'keyward: commit refused: the staged changes hold an API key (shown redacted above).' >&2
      echo 'keyward: to skip this check once: KEYWARD=0 git commit ... (or git commit --no-verify).' >&2
      exit 1 ;;
    *)
      if [ "$keyward_status" = 127 ]; then
        echo 'keyward: keyward (or node) was not found in node_modules/.bin or on PATH: npm install --save-dev keyward, or set KEYWARD_BIN.' >&2
      else
        echo "keyward: the scan failed (exit $keyward_status, see above): fix the error, or reinstall keyward." >&2
      fi
      if [ "${KEYWARD_FAIL_OPEN-}" = 1 ] || [ "$(git config --bool keyward.failOpen)" = true ]; then
        echo 'keyward: fail-open is set: the commit goes ahead unscanned.' >&2
      else
        echo 'keyward: commit refused (fail-closed). KEYWARD=0 skips the check once; KEYWARD_FAIL_OPEN=1 or git config keyward.failOpen true lets commits through while keyward cannot run.' >&2
        exit "$keyward_status"
      fi ;;
  esac
fi
# <<< keyward pre-commit
