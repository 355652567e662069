#!/usr/bin/env bash
# Tells the Auto Scaling group and CloudFormation whether this web server is ready.
# With WEBTIER_LIFECYCLE_HOOK, first completes the group's launch lifecycle action: CONTINUE (the server, outside
# the target group until then, goes in service and is registered) or ABANDON when the boot failed (the group
# terminates it at once, and an instance refresh counts a failed replacement instead of waiting out a timeout).
# Then signals CloudFormation (which waits for the signals when the stack creates the group; a release is judged
# by the instance refresh from the target group's health, and a signal then is only logged):
# SUCCESS when the target group reports this instance healthy; FAILURE when it does not within
# WEBTIER_READY_TIMEOUT seconds of WEBTIER_BOOT_STARTED (the user-data's start, epoch seconds), less
# WEBTIER_READY_MARGIN for the launch before it, so CloudFormation hears FAILURE before its own timeout;
# or at once when run with WEBTIER_SIGNAL_STATUS=FAILURE (the boot failed).
# Without WEBTIER_TARGET_GROUP_ARN it waits for the local health page instead.
# Before CONTINUE, the release checks (WEBTIER_RELEASE_CHECKS, release-checks.sh beside this script): when one fails,
# the server publishes 1 to the high-resolution metric WebTier/ReleaseChecks FailedReleaseChecks with the dimensions
# StackName=WEBTIER_STACK_NAME and Fleet=WEBTIER_CHECK_FLEET (the fleet's release checks alarm reads it every
# 10 seconds, and the instance refresh that watches that alarm fails at once), abandons its launch and signals FAILURE.
set -euo pipefail
WEBTIER_HOME="${WEBTIER_HOME:-/opt/webtier}"
# shellcheck source-path=SCRIPTDIR source=../common/imds.sh
. "$WEBTIER_HOME/common/imds.sh"

for v in WEBTIER_STACK_NAME WEBTIER_LOGICAL_ID; do
  [ -n "${!v:-}" ] || die "$v is required"
done
instance_id=$(imds_get /latest/meta-data/instance-id)
region=$(imds_get /latest/meta-data/placement/region)

signal() {
  log "signalling $1 for $instance_id to $WEBTIER_STACK_NAME/$WEBTIER_LOGICAL_ID"
  retry 5 aws cloudformation signal-resource --region "$region" --stack-name "$WEBTIER_STACK_NAME" \
    --logical-resource-id "$WEBTIER_LOGICAL_ID" --unique-id "$instance_id" --status "$1"
}

# Completes this instance's launch lifecycle action (WEBTIER_LIFECYCLE_HOOK) with CONTINUE or ABANDON.
complete_launch() {
  [ -n "${WEBTIER_LIFECYCLE_HOOK:-}" ] || return 0
  local group
  group=$(retry 5 aws autoscaling describe-auto-scaling-instances --region "$region" --instance-ids "$instance_id" \
    --query 'AutoScalingInstances[0].AutoScalingGroupName' --output text) || group=""
  if [ -z "$group" ] || [ "$group" = None ]; then
    log "cannot find the Auto Scaling group of $instance_id"
    return 1
  fi
  log "completing lifecycle action $WEBTIER_LIFECYCLE_HOOK of $instance_id in $group: $1"
  retry 5 aws autoscaling complete-lifecycle-action --region "$region" --auto-scaling-group-name "$group" \
    --lifecycle-hook-name "$WEBTIER_LIFECYCLE_HOOK" --instance-id "$instance_id" --lifecycle-action-result "$1"
}

target_state() {
  if [ -n "${WEBTIER_TARGET_GROUP_ARN:-}" ]; then
    aws elbv2 describe-target-health --region "$region" --target-group-arn "$WEBTIER_TARGET_GROUP_ARN" \
      --targets "Id=$instance_id,Port=${WEBTIER_WEB_PORT:-8000}" \
      --query 'TargetHealthDescriptions[0].TargetHealth.State' --output text 2>/dev/null || echo unknown
  elif curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:${WEBTIER_WEB_PORT:-8000}${WEBTIER_HEALTH_PATH:-/}"; then
    echo healthy
  else
    echo unreachable
  fi
}

if [ "${WEBTIER_SIGNAL_STATUS:-}" = FAILURE ]; then
  complete_launch ABANDON || true
  signal FAILURE
  exit 1
fi
# Publishes the failed release checks: one datapoint at a one-second resolution (--storage-resolution 1),
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/publishingMetrics.html#high-resolution-metrics
report_failed_checks() {
  [ -n "${WEBTIER_CHECK_FLEET:-}" ] || return 0
  log "release checks failed: publishing WebTier/ReleaseChecks FailedReleaseChecks for $WEBTIER_CHECK_FLEET"
  retry 5 aws cloudwatch put-metric-data --region "$region" --namespace WebTier/ReleaseChecks \
    --metric-name FailedReleaseChecks --dimensions "StackName=$WEBTIER_STACK_NAME,Fleet=$WEBTIER_CHECK_FLEET" \
    --value 1 --unit Count --storage-resolution 1
}

if [ -n "${WEBTIER_RELEASE_CHECKS:-}" ] && ! bash "$(dirname "$0")/release-checks.sh"; then
  report_failed_checks || log "cannot publish the failed release checks"
  complete_launch ABANDON || true
  signal FAILURE
  exit 1
fi
if ! complete_launch CONTINUE; then
  signal FAILURE
  exit 1
fi

deadline=$((${WEBTIER_BOOT_STARTED:-$(date +%s)} + ${WEBTIER_READY_TIMEOUT:-600} - ${WEBTIER_READY_MARGIN:-0}))
interval="${WEBTIER_READY_POLL_SECONDS:-5}"
while :; do
  state=$(target_state)
  if [ "$state" = healthy ]; then
    signal SUCCESS && exit 0
    [ -n "${WEBTIER_LIFECYCLE_HOOK:-}" ] || exit 1
    log "CloudFormation took no signal: outside the stack's creation, the instance refresh judges readiness"
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "still '$state' after ${WEBTIER_READY_TIMEOUT:-600}s"
    signal FAILURE
    exit 1
  fi
  log "target state '$state', waiting"
  sleep "$interval"
done
