# shellcheck shell=bash
# Boot helpers shared by the web and bastion scripts: logging, bounded retries, IMDSv2 reads.
WEBTIER_IMDS_ENDPOINT="${WEBTIER_IMDS_ENDPOINT:-http://169.254.169.254}"

log() { echo "${0##*/}: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# retry N CMD...: run CMD up to N times, sleeping 1, 2, 3... s between attempts.
retry() {
  local max="$1" n=1
  shift
  until "$@"; do
    [ "$n" -lt "$max" ] || return 1
    log "attempt $n/$max of '$1' failed, retrying in ${n}s"
    sleep "$n"
    n=$((n + 1))
  done
}

imds_fetch() {
  local token value
  token=$(curl -fsS --connect-timeout 1 --max-time 3 -X PUT \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "$WEBTIER_IMDS_ENDPOINT/latest/api/token") || return 1
  value=$(curl -fsS --connect-timeout 1 --max-time 3 \
    -H "X-aws-ec2-metadata-token: $token" "$WEBTIER_IMDS_ENDPOINT$1") || return 1
  [ -n "$value" ] && printf '%s\n' "$value"
}

# imds_get PATH: print an instance metadata value, e.g. imds_get /latest/meta-data/instance-id
imds_get() {
  retry 5 imds_fetch "$1" || die "cannot read $1 from IMDSv2 at $WEBTIER_IMDS_ENDPOINT"
}
