#!/usr/bin/env bash
# Runs keyward for the GitHub Action: annotations and the step summary (--format github), then, when asked,
# a SARIF file for code scanning. Records keyward's exit code as the step output `exit-code` and exits 0, so
# that the SARIF upload still runs; the action's last step fails the job with that code.
#
# Environment: KEYWARD_COMMAND, or else KEYWARD_VERSION for npx (empty: the version in
# $GITHUB_ACTION_PATH/packages/cli/package.json, the Action's own), KEYWARD_MODE (range|history|worktree|none),
# KEYWARD_RANGE, KEYWARD_FAIL_ON, KEYWARD_BASELINE, KEYWARD_CONFIG, KEYWARD_ARGS, KEYWARD_SARIF, GITHUB_OUTPUT.
set -uo pipefail
set -f # KEYWARD_ARGS is split on whitespace, never globbed

output() { printf '%s=%s\n' "$1" "$2" >> "${GITHUB_OUTPUT:-/dev/null}"; }

if [ -n "${KEYWARD_COMMAND:-}" ]; then
  read -r -a cmd <<< "$KEYWARD_COMMAND"
else
  version="${KEYWARD_VERSION:-}"
  if [ -z "$version" ]; then
    # The version of the Action's own checkout: `uses: keyward/keyward@v1.2.3` runs keyward 1.2.3 from npm,
    # never whatever `latest` is that day.
    manifest="${GITHUB_ACTION_PATH:-}/packages/cli/package.json"
    if ! version=$(node -e '
      const { version } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      if (typeof version !== "string" || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) process.exit(1);
      process.stdout.write(version);
    ' "$manifest" 2> /dev/null); then
      echo "keyward: cannot read the Action's version from ${manifest} (set the version input)" >&2
      output exit-code 2
      exit 0
    fi
  fi
  cmd=(npx --yes "keyward@${version}")
fi

case "${KEYWARD_MODE:-worktree}" in
  range) target=(--range "${KEYWARD_RANGE:?a range scan needs KEYWARD_RANGE}") ;;
  history) target=(--history) ;;
  worktree) target=() ;;
  none)
    echo "keyward: nothing to scan"
    output exit-code 0
    exit 0
    ;;
  *)
    echo "keyward: unknown mode '${KEYWARD_MODE}' (range, history, worktree, none)" >&2
    output exit-code 2
    exit 0
    ;;
esac

options=()
[ -n "${KEYWARD_FAIL_ON:-}" ] && options+=(--fail-on "$KEYWARD_FAIL_ON")
[ -n "${KEYWARD_BASELINE:-}" ] && options+=(--baseline "$KEYWARD_BASELINE")
[ -n "${KEYWARD_CONFIG:-}" ] && options+=(--config "$KEYWARD_CONFIG")
read -r -a extra <<< "${KEYWARD_ARGS:-}"

scan() {
  "${cmd[@]}" scan ${target[@]+"${target[@]}"} ${options[@]+"${options[@]}"} ${extra[@]+"${extra[@]}"} "$@"
}

scan --format github
code=$?
output exit-code "$code"

# A SARIF file only from a scan that completed (0 or 1): a broken scan must not upload an empty result.
if [ "${KEYWARD_SARIF:-false}" = true ] && [ "$code" -le 1 ]; then
  if scan --format sarif --output keyward.sarif --exit-zero --quiet; then
    output sarif-file keyward.sarif
  else
    output exit-code 2
  fi
fi
exit 0
