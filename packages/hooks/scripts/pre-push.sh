#!/bin/sh
# keyward's pre-push hook for the pre-commit framework (see .pre-commit-hooks.yaml at the repository root).
# Generated from packages/hooks/src/launcher.ts; do not edit by hand.
# >>> keyward pre-push (hook v1): added by `keyward install`; `keyward uninstall` removes it
if [ "${KEYWARD-}" = 0 ]; then
  echo 'keyward: skipped (KEYWARD=0)' >&2
else
  keyward_bin=${KEYWARD_BIN:-node_modules/.bin/keyward}
  [ -x "$keyward_bin" ] || keyward_bin=$(command -v keyward) || keyward_bin=
  keyward_status=127
  if [ -z "$keyward_bin" ]; then :
  elif [ -n "${PRE_COMMIT_FROM_REF-}" ] && [ -n "${PRE_COMMIT_TO_REF-}" ]; then
    keyward_status=0
    "$keyward_bin" scan --range "$PRE_COMMIT_FROM_REF..$PRE_COMMIT_TO_REF" "$@" || keyward_status=$?
  elif [ -n "${PRE_COMMIT_LOCAL_BRANCH-}" ]; then
    # a push that starts at a root commit: pre-commit names no base, so scan what the remote lacks
    keyward_status=0
    keyward_sha=$(git rev-parse --verify "$PRE_COMMIT_LOCAL_BRANCH^{commit}") || keyward_status=2
    if [ "$keyward_status" = 0 ]; then
      printf '%s %s %s %s\n' "$PRE_COMMIT_LOCAL_BRANCH" "$keyward_sha" "${PRE_COMMIT_REMOTE_BRANCH-}" 0000000000000000000000000000000000000000 |
        "$keyward_bin" scan --pre-push ${PRE_COMMIT_REMOTE_NAME:+"$PRE_COMMIT_REMOTE_NAME"} "$@" || keyward_status=$?
    fi
  else
    keyward_status=0; echo 'keyward: no pushed refs given (PRE_COMMIT_FROM_REF/TO_REF unset): nothing to scan' >&2
  fi
  case $keyward_status in
    0) ;;
    1)
      echo 'keyward: push refused: the commits being pushed hold an API key (shown redacted above).' >&2
      echo 'keyward: to skip this check once: KEYWARD=0 git push ... (or git push --no-verify).' >&2
      exit 1 ;;
    *)
      if [ "$keyward_status" = 127 ]; then
        echo 'keyward: keyward (or node) was not found in node_modules/.bin or on PATH: npm install --save-dev keyward, or set KEYWARD_BIN.' >&2
      else
        echo "keyward: the scan failed (exit $keyward_status, see above): fix the error, or reinstall keyward." >&2
      fi
      if [ "${KEYWARD_FAIL_OPEN-}" = 1 ] || [ "$(git config --bool keyward.failOpen)" = true ]; then
        echo 'keyward: fail-open is set: the push goes ahead unscanned.' >&2
      else
        echo 'keyward: push refused (fail-closed). KEYWARD=0 skips the check once; KEYWARD_FAIL_OPEN=1 or git config keyward.failOpen true lets pushes through while keyward cannot run.' >&2
        exit "$keyward_status"
      fi ;;
  esac
fi
# <<< keyward pre-push
