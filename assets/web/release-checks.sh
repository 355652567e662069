#!/usr/bin/env bash
# The release checks: requests this new server sends to its own application (127.0.0.1, WEBTIER_WEB_PORT) after its
# boot and before it joins the target group (signal-ready.sh runs this before it completes the launch lifecycle
# action). WEBTIER_RELEASE_CHECKS holds one check a line: "METHOD STATUS PATH", then optionally a tab and a text the
# body must contain. A check passes when the answer has STATUS (and the text); each is tried up to
# WEBTIER_RELEASE_CHECK_TRIES times (3), WEBTIER_RELEASE_CHECK_PAUSE seconds apart (2), each try bounded by
# WEBTIER_RELEASE_CHECK_TIMEOUT seconds (10). Prints a line per check; exits 0 when every check passes, 1 otherwise
# (after trying every check, so the log names each one that fails).
set -euo pipefail
WEBTIER_HOME="${WEBTIER_HOME:-/opt/webtier}"
# shellcheck source-path=SCRIPTDIR source=../common/imds.sh
. "$WEBTIER_HOME/common/imds.sh"

port="${WEBTIER_WEB_PORT:-8000}"
tries="${WEBTIER_RELEASE_CHECK_TRIES:-3}"
pause="${WEBTIER_RELEASE_CHECK_PAUSE:-2}"
timeout="${WEBTIER_RELEASE_CHECK_TIMEOUT:-10}"
body=$(mktemp)
trap 'rm -f "$body"' EXIT

# check METHOD STATUS PATH [TEXT]: one try; prints what was wrong and returns 1 when the answer is not the one expected.
check() {
  local method="$1" status="$2" path="$3" text="${4:-}" got head=()
  [ "$method" = HEAD ] && head=(--head)
  got=$(curl -sS -o "$body" -w '%{http_code}' --max-time "$timeout" -X "$method" "${head[@]}" \
    -H 'User-Agent: webtier-release-check' "http://127.0.0.1:$port$path" 2>&1) || {
    echo "no answer within ${timeout}s (${got##*curl: })"
    return 1
  }
  if [ "$got" != "$status" ]; then
    echo "answered $got, expected $status"
    return 1
  fi
  if [ -n "$text" ] && ! grep -qF -- "$text" "$body"; then
    echo "answered $got without the text '$text'"
    return 1
  fi
}

failed=0
while IFS= read -r line; do
  [ -n "$line" ] || continue
  text=""
  case "$line" in *$'\t'*) text="${line#*$'\t'}"; line="${line%%$'\t'*}" ;; esac
  read -r method status path <<<"$line"
  n=1
  until why=$(check "$method" "$status" "$path" "$text"); do
    if [ "$n" -ge "$tries" ]; then
      log "release check $method $path FAILED after $n tries: $why"
      failed=1
      continue 2
    fi
    sleep "$pause"
    n=$((n + 1))
  done
  log "release check $method $path: passed ($status)"
done <<<"${WEBTIER_RELEASE_CHECKS:-}"
exit "$failed"
