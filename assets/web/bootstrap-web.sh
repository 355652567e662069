#!/usr/bin/env bash
# Web instance boot (root, from user-data, boot files under $WEBTIER_HOME): download the application's zip,
# run its install commands once, write its environment file, start it under systemd (webtier.service) and,
# with a log group, ship its output to CloudWatch Logs.
set -euo pipefail
WEBTIER_HOME="${WEBTIER_HOME:-/opt/webtier}"
WEBTIER_APP_DIR="${WEBTIER_APP_DIR:-$WEBTIER_HOME/app}"
WEBTIER_CONFIG="${WEBTIER_CONFIG:-/etc/webtier/webtier.env}"
WEBTIER_USER="${WEBTIER_USER:-webtier}"
WEBTIER_UNIT_DIR="${WEBTIER_UNIT_DIR:-/etc/systemd/system}"
WEBTIER_APP_LOG="${WEBTIER_APP_LOG:-/var/log/webtier/app.log}"
WEB_PORT="${WEBTIER_WEB_PORT:-8000}"
# shellcheck source-path=SCRIPTDIR source=../common/imds.sh
. "$WEBTIER_HOME/common/imds.sh"

for v in WEBTIER_APP_ASSET WEBTIER_START_COMMAND; do
  [ -n "${!v:-}" ] || die "$v is required"
done

instance_id=$(imds_get /latest/meta-data/instance-id)
zone=$(imds_get /latest/meta-data/placement/availability-zone)
region="${WEBTIER_REGION:-$(imds_get /latest/meta-data/placement/region)}"
token=""
if [ -n "${WEBTIER_REDIS_AUTH_SECRET_ARN:-}" ]; then
  log "reading the Redis AUTH token"
  # The secret's region is the 4th field of its ARN.
  token=$(retry 5 aws secretsmanager get-secret-value --secret-id "$WEBTIER_REDIS_AUTH_SECRET_ARN" \
    --query SecretString --output text --region "$(cut -d: -f4 <<<"$WEBTIER_REDIS_AUTH_SECRET_ARN")" \
    --cli-connect-timeout 5 --cli-read-timeout 10) || die "cannot read the Redis AUTH token"
fi

# read_secret ARN [FIELD]: print the value of a Secrets Manager secret (one JSON field of it, with FIELD) or of an
# SSM parameter (decrypted), as JSON from the CLI so that a missing parameter (GetParameters answers it as invalid,
# not as an error) is told apart from a value. Never prints the value anywhere else.
# GetSecretValue takes a complete or partial ARN: https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
# GetParameters takes names or ARNs, and lists the ones it cannot return in InvalidParameters:
# https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html
read_secret() {
  local arn="$1" field="${2:-}" json
  case "$(cut -d: -f3 <<<"$arn")" in
    secretsmanager)
      json=$(aws secretsmanager get-secret-value --secret-id "$arn" --query SecretString --output json \
        --region "$(cut -d: -f4 <<<"$arn")" --cli-connect-timeout 5 --cli-read-timeout 10) ;;
    ssm)
      json=$(aws ssm get-parameters --names "$arn" --with-decryption --query 'Parameters[0].Value' --output json \
        --region "$(cut -d: -f4 <<<"$arn")" --cli-connect-timeout 5 --cli-read-timeout 10) ;;
    *) return 1 ;;
  esac || return 1
  python3 -c '
import json, sys
value = json.loads(sys.stdin.read())
if value is None:
    sys.exit("not found")
if sys.argv[1]:
    try:
        value = json.loads(value)[sys.argv[1]]
    except (ValueError, KeyError, TypeError):
        sys.exit("no such JSON field")
sys.stdout.write(value if isinstance(value, str) else json.dumps(value))
' "$field" <<<"$json"
}
# The application's secrets: WEBTIER_SECRETARN_<NAME>, and WEBTIER_SECRETFIELD_<NAME> for one JSON field.
# One that cannot be read fails the boot (FAILURE to CloudFormation at once), naming it, never showing a value.
declare -A secret_values=()
for v in $(compgen -v WEBTIER_SECRETARN_); do
  name="${v#WEBTIER_SECRETARN_}"
  field_var="WEBTIER_SECRETFIELD_$name"
  log "reading the secret $name"
  secret_values[$name]=$(retry 3 read_secret "${!v}" "${!field_var:-}") || die "cannot read the secret $name from ${!v}"
done

if ! id "$WEBTIER_USER" >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir "$WEBTIER_APP_DIR" --shell /sbin/nologin "$WEBTIER_USER"
fi

log "downloading the application from $WEBTIER_APP_ASSET"
zip="$WEBTIER_HOME/app.zip"
retry 5 aws s3 cp --only-show-errors --region "$region" "$WEBTIER_APP_ASSET" "$zip" || die "cannot download the application"
command -v unzip >/dev/null || retry 3 dnf install -y -q unzip || die "cannot install unzip"
rm -rf "$WEBTIER_APP_DIR"
mkdir -p "$WEBTIER_APP_DIR"
unzip -q -o "$zip" -d "$WEBTIER_APP_DIR" || die "cannot unpack the application"
if [ -n "${WEBTIER_INSTALL_COMMANDS:-}" ]; then
  log "running the application's install commands"
  (cd "$WEBTIER_APP_DIR" && bash -euo pipefail -c "$WEBTIER_INSTALL_COMMANDS") || die "the install commands failed"
fi
# The application reads its files; it writes nothing there (ProtectSystem=strict).
chmod -R a+rX,go-w "$WEBTIER_APP_DIR"

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
{
  cat <<CONF
PORT=$(q "$WEB_PORT")
INSTANCE_ID=$(q "$instance_id")
AVAILABILITY_ZONE=$(q "$zone")
REDIS_HOST=$(q "${WEBTIER_REDIS_HOST:-}")
REDIS_PORT=$(q "${WEBTIER_REDIS_PORT:-6379}")
REDIS_TLS=$(q "${WEBTIER_REDIS_TLS:-false}")
REDIS_AUTH_TOKEN=$(q "$token")
WEBTIER_ENV_FILE=$(q "$WEBTIER_CONFIG")
WEB_BIND=$(q "${WEBTIER_WEB_BIND:-0.0.0.0}")
WEB_PORT=$(q "$WEB_PORT")
COUNTER_KEY=$(q "${WEBTIER_COUNTER_KEY:-webtier:hello:counter}")
CONF
  # The application's own variables arrive as WEBTIER_ENV_<NAME>.
  for v in $(compgen -v WEBTIER_ENV_); do
    printf '%s=%s\n' "${v#WEBTIER_ENV_}" "$(q "${!v}")"
  done
  for name in "${!secret_values[@]}"; do
    printf '%s=%s\n' "$name" "$(q "${secret_values[$name]}")"
  done
} >"$tmp"
chmod 600 "$tmp"
chown "$WEBTIER_USER:" "$tmp"
mv -f "$tmp" "$WEBTIER_CONFIG"

printf '#!/usr/bin/env bash\n# The application'"'"'s startCommand, run by webtier.service in %s.\n%s\n' \
  "$WEBTIER_APP_DIR" "$WEBTIER_START_COMMAND" >"$WEBTIER_HOME/start-app"
chmod 0755 "$WEBTIER_HOME/start-app"

log "starting the application on port $WEB_PORT"
sed -e "s|^WorkingDirectory=.*|WorkingDirectory=$WEBTIER_APP_DIR|" -e "s|^EnvironmentFile=.*|EnvironmentFile=$WEBTIER_CONFIG|" \
  -e "s|/opt/webtier/start-app|$WEBTIER_HOME/start-app|" \
  -e "s/^User=webtier$/User=$WEBTIER_USER/" -e "s/^Group=webtier$/Group=$WEBTIER_USER/" \
  "$WEBTIER_HOME/webtier.service" >"$WEBTIER_UNIT_DIR/webtier.service"
if [ -n "${WEBTIER_LOG_GROUP:-}" ]; then
  log "shipping the application's output to $WEBTIER_LOG_GROUP"
  mkdir -p "$(dirname "$WEBTIER_APP_LOG")" "$WEBTIER_UNIT_DIR/webtier.service.d"
  printf '[Service]\nStandardOutput=append:%s\nStandardError=append:%s\n' "$WEBTIER_APP_LOG" "$WEBTIER_APP_LOG" \
    >"$WEBTIER_UNIT_DIR/webtier.service.d/logs.conf"
  # Keep the local copy small: the log group keeps the history. copytruncate, since systemd holds the file open.
  logrotate_dir="${WEBTIER_LOGROTATE_DIR:-/etc/logrotate.d}"
  if [ -d "$logrotate_dir" ]; then
    printf '%s {\n  daily\n  rotate 3\n  maxsize 100M\n  missingok\n  notifempty\n  copytruncate\n  compress\n}\n' \
      "$WEBTIER_APP_LOG" >"$logrotate_dir/webtier"
  fi
  agent_dir="${WEBTIER_CWAGENT_DIR:-/opt/aws/amazon-cloudwatch-agent}"
  [ -x "$agent_dir/bin/amazon-cloudwatch-agent-ctl" ] || retry 3 dnf install -y -q amazon-cloudwatch-agent ||
    die "cannot install amazon-cloudwatch-agent"
  mkdir -p "$agent_dir/etc"
  cat >"$agent_dir/etc/webtier.json" <<JSON
{"logs": {"logs_collected": {"files": {"collect_list": [
  {"file_path": "$WEBTIER_APP_LOG", "log_group_name": "$WEBTIER_LOG_GROUP", "log_stream_name": "{instance_id}"}
]}}}}
JSON
  "$agent_dir/bin/amazon-cloudwatch-agent-ctl" -a fetch-config -m ec2 -s -c "file:$agent_dir/etc/webtier.json" ||
    die "cannot start the CloudWatch agent"
fi
units=(webtier)
if [ "${WEBTIER_SOCKET_ACTIVATION:-false}" = true ]; then
  # systemd listens and hands the socket to the application (fd 3), keeping it open across restarts.
  listen="$WEB_PORT"
  if [ -n "${WEBTIER_WEB_BIND:-}" ]; then listen="$WEBTIER_WEB_BIND:$WEB_PORT"; fi
  sed -e "s|^ListenStream=.*|ListenStream=$listen|" "$WEBTIER_HOME/webtier.socket" >"$WEBTIER_UNIT_DIR/webtier.socket"
  units=(webtier.socket webtier)
fi
systemctl daemon-reload
systemctl enable --now "${units[@]}"
retry 10 curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$WEB_PORT${WEBTIER_HEALTH_PATH:-/}" ||
  die "the application is not answering on port $WEB_PORT at ${WEBTIER_HEALTH_PATH:-/}"
log "done"
