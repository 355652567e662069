#!/usr/bin/env bash
# Bastion boot, run as root: attach the stack's Elastic IP to this instance so that the
# bastion keeps one public address across Auto Scaling replacements.
set -euo pipefail
WEBTIER_HOME="${WEBTIER_HOME:-/opt/webtier}"
# shellcheck source-path=SCRIPTDIR source=../common/imds.sh
. "$WEBTIER_HOME/common/imds.sh"

[ -n "${WEBTIER_EIP_ALLOCATION_ID:-}" ] || die "WEBTIER_EIP_ALLOCATION_ID is required"
instance_id=$(imds_get /latest/meta-data/instance-id)
region=$(imds_get /latest/meta-data/placement/region)
log "associating $WEBTIER_EIP_ALLOCATION_ID with $instance_id in $region"
retry 5 aws ec2 associate-address --allocation-id "$WEBTIER_EIP_ALLOCATION_ID" \
  --instance-id "$instance_id" --allow-reassociation --region "$region" \
  --cli-connect-timeout 5 --cli-read-timeout 10 >/dev/null || die "associate-address failed"
log "done"
