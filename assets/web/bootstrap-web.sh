#!/usr/bin/env bash
# Web instance boot (root, from user-data, assets under $WEBTIER_HOME): install python3 + redis-py,
# write the app config, start the webtier service.
set -euo pipefail
WEBTIER_HOME="${WEBTIER_HOME:-/opt/webtier}"
WEBTIER_CONFIG="${WEBTIER_CONFIG:-/etc/webtier/webtier.conf}"
WEB_PORT="${WEBTIER_WEB_PORT:-8000}"
# shellcheck source-path=SCRIPTDIR source=../common/imds.sh
. "$WEBTIER_HOME/common/imds.sh"

[ -n "${WEBTIER_REDIS_HOST:-}" ] || die "WEBTIER_REDIS_HOST is required"

if [ "${WEBTIER_INSTALL_PACKAGES:-1}" = 1 ]; then
  log "installing python3 and redis-py"
  retry 3 dnf install -y -q python3 python3-pip || die "dnf failed"
  retry 3 pip3 install -q 'redis>=4,<6' || die "pip3 failed"
fi

instance_id=$(imds_get /latest/meta-data/instance-id)
token=""
if [ -n "${WEBTIER_REDIS_AUTH_SECRET_ARN:-}" ]; then
  log "reading the Redis AUTH token"
  # The secret's region is the 4th field of its ARN.
  token=$(retry 5 aws secretsmanager get-secret-value --secret-id "$WEBTIER_REDIS_AUTH_SECRET_ARN" \
    --query SecretString --output text --region "$(cut -d: -f4 <<<"$WEBTIER_REDIS_AUTH_SECRET_ARN")" \
    --cli-connect-timeout 5 --cli-read-timeout 10) || die "cannot read the Redis AUTH token"
fi

if [ "${WEBTIER_START_SERVICE:-1}" = 1 ] && ! id webtier >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /sbin/nologin webtier
fi

# "VALUE" with \ " $ ` escaped reads the same in bash and in a systemd EnvironmentFile.
q() {
  local v="${1//\\/\\\\}"
  v="${v//\"/\\\"}"
  v="${v//\$/\\\$}"
  printf '"%s"' "${v//\`/\\\`}"
}
log "writing $WEBTIER_CONFIG for $instance_id"
mkdir -p "$(dirname "$WEBTIER_CONFIG")"
tmp=$(mktemp "$WEBTIER_CONFIG.XXXXXX")
cat >"$tmp" <<CONF
INSTANCE_ID=$(q "$instance_id")
WEB_BIND=$(q "${WEBTIER_WEB_BIND:-0.0.0.0}")
WEB_PORT=$(q "$WEB_PORT")
REDIS_HOST=$(q "$WEBTIER_REDIS_HOST")
REDIS_PORT=$(q "${WEBTIER_REDIS_PORT:-6379}")
REDIS_TLS=$(q "${WEBTIER_REDIS_TLS:-false}")
REDIS_AUTH_TOKEN=$(q "$token")
COUNTER_KEY=$(q "${WEBTIER_COUNTER_KEY:-webtier:hello:counter}")
CONF
chmod 600 "$tmp"
if id webtier >/dev/null 2>&1; then chown webtier: "$tmp"; fi
mv -f "$tmp" "$WEBTIER_CONFIG"

if [ "${WEBTIER_START_SERVICE:-1}" = 1 ]; then
  log "starting webtier on port $WEB_PORT"
  chmod -R a+rX "$WEBTIER_HOME"
  sed -e "s|/opt/webtier|$WEBTIER_HOME|g" -e "s|/etc/webtier/webtier.conf|$WEBTIER_CONFIG|g" \
    "$WEBTIER_HOME/webtier.service" >/etc/systemd/system/webtier.service
  systemctl daemon-reload
  systemctl enable --now webtier
  retry 10 curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$WEB_PORT/cgi-bin/ping.py" ||
    die "webtier is not answering on port $WEB_PORT"
fi
log "done"
