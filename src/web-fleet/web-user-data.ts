import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BootSecret } from '../application/web-application-fleet';
import {
  deployedUserDataBytes, describeUserDataParts, exportUserValue, exportVariables, INSTANCE_HOME, instancePath, UserDataPart, userValueExtraBytes,
} from '../instance-files';

/**
 * The boot files of a web server, relative to `assets/`: shipped together as one S3 asset that the user-data
 * downloads, so that the user-data stays a small fixed bootstrap whatever the application.
 */
export const WEB_BOOT_FILES = [
  'common/imds.sh',
  'web/bootstrap-web.sh',
  'web/signal-ready.sh',
  'web/release-checks.sh',
  'web/webtier.service',
  'web/webtier.socket',
];

/** Where an S3 object is. */
export interface S3Location {
  readonly bucketName: string;
  readonly objectKey: string;
}

/** What the web servers' boot needs to know. */
export interface WebUserDataOptions {
  /** The region of the stack, where the assets' bucket is. */
  readonly region: string;
  /** The zip of `WEB_BOOT_FILES`. */
  readonly bootFiles: S3Location;
  /** The zip of the application. */
  readonly application: S3Location;
  readonly startCommand: string;
  readonly installCommands: string[];
  readonly environment: Record<string, string>;
  /** The secrets the boot reads into the environment file: names and ARNs only. */
  readonly secrets?: Record<string, BootSecret>;
  readonly healthCheckPath: string;
  readonly socketActivation: boolean;
  readonly redisHost: string;
  readonly redisPort: number;
  readonly redisTls: boolean;
  readonly redisAuthSecretArn: string;
  readonly webPort: number;
  /** The log group the application's output goes to; none ships no logs. */
  readonly logGroupName?: string;
  /** The stack and the logical id of the Auto Scaling group, to signal readiness to. */
  readonly stackName: string;
  readonly logicalId: string;
  /** The target group whose health report makes a server ready; without it, the local health page does. */
  readonly targetGroupArn?: string;
  readonly readyTimeoutSeconds: number;
  /** The Auto Scaling group's launch lifecycle hook, which the boot completes (CONTINUE, or ABANDON when it fails). */
  readonly lifecycleHookName?: string;
  /** The release checks, as `encodeReleaseChecks` writes them; empty or none runs none. */
  readonly releaseChecks?: string;
  /** The `Fleet` dimension a server reports failed release checks with (the other is the stack's name). */
  readonly releaseCheckFleet?: string;
}

function s3Url(location: S3Location): string {
  return `s3://${location.bucketName}/${location.objectKey}`;
}

/**
 * User-data commands: download and unpack the boot files, run the bootstrap (which downloads the application,
 * runs its install commands, writes its environment file and starts it under systemd), then signal CloudFormation:
 * FAILURE at once when the bootstrap fails, SUCCESS once the server is healthy.
 */
export function webUserData(options: WebUserDataOptions): string[] {
  const bootstrap = instancePath('web', 'web/bootstrap-web.sh');
  const signalReady = instancePath('web', 'web/signal-ready.sh');
  const bootZip = `${INSTANCE_HOME}/boot.zip`;
  const secrets: Record<string, string> = {};
  for (const [name, secret] of Object.entries(options.secrets ?? {})) {
    secrets[`WEBTIER_SECRETARN_${name}`] = secret.arn;
    if (secret.field !== undefined) {
      secrets[`WEBTIER_SECRETFIELD_${name}`] = secret.field;
    }
  }
  return [
    'set -euo pipefail',
    // signal-ready.sh counts its deadline from here, so its FAILURE reaches CloudFormation before the timeout does.
    'WEBTIER_BOOT_STARTED=$(date +%s)',
    'export WEBTIER_BOOT_STARTED',
    ...exportVariables({
      WEBTIER_HOME: INSTANCE_HOME,
      WEBTIER_REGION: options.region,
      WEBTIER_APP_ASSET: s3Url(options.application),
      WEBTIER_HEALTH_PATH: options.healthCheckPath,
      ...(options.socketActivation ? { WEBTIER_SOCKET_ACTIVATION: true } : {}),
      WEBTIER_REDIS_HOST: options.redisHost,
      WEBTIER_REDIS_PORT: options.redisPort,
      WEBTIER_REDIS_TLS: options.redisTls,
      WEBTIER_REDIS_AUTH_SECRET_ARN: options.redisAuthSecretArn,
      WEBTIER_WEB_PORT: options.webPort,
      ...(options.logGroupName ? { WEBTIER_LOG_GROUP: options.logGroupName } : {}),
      WEBTIER_STACK_NAME: options.stackName,
      WEBTIER_LOGICAL_ID: options.logicalId,
      WEBTIER_READY_TIMEOUT: options.readyTimeoutSeconds,
      // The instance boots for a while before the user-data starts; CloudFormation's timer started at launch.
      WEBTIER_READY_MARGIN: 90,
      ...(options.targetGroupArn ? { WEBTIER_TARGET_GROUP_ARN: options.targetGroupArn } : {}),
      ...(options.lifecycleHookName ? { WEBTIER_LIFECYCLE_HOOK: options.lifecycleHookName } : {}),
      ...(options.releaseCheckFleet ? { WEBTIER_CHECK_FLEET: options.releaseCheckFleet } : {}),
      ...secrets,
    }),
    // The user's values, byte for byte (those holding tokens decoded from base64 on the instance). The start and
    // install commands are shell text that expands when it runs, on the instance, not here.
    // (The release checks are not shell text: without a $ or a backquote, shellcheck has nothing to say of them.)
    ...userValues(options).flatMap(([name, value]) => [
      ...(name === 'WEBTIER_RELEASE_CHECKS' && !/[$`]/.test(value) ? [] : ['# shellcheck disable=SC2016']), ...exportUserValue(name, value),
    ]),
    `install -d -m 0755 ${INSTANCE_HOME}`,
    // Amazon Linux 2023 has the AWS CLI and python3 (which unzips without the unzip package).
    `for i in 1 2 3 4 5; do aws s3 cp --only-show-errors --region "$WEBTIER_REGION" '${s3Url(options.bootFiles)}' ${bootZip} && break; sleep "$i"; done`,
    // Without the boot files there is no signal-ready.sh: abandon the launch and tell CloudFormation FAILURE from
    // here (IMDSv2 for the instance id), so the deploy fails now instead of waiting out its timeout.
    `if ! python3 -m zipfile -e ${bootZip} ${INSTANCE_HOME}; then`,
    '  imds="${WEBTIER_IMDS_ENDPOINT:-http://169.254.169.254}"',
    '  token=$(curl -fsS -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" "$imds/latest/api/token") || exit 1',
    '  id=$(curl -fsS -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/instance-id") || exit 1',
    ...(options.lifecycleHookName ? [
      '  if group=$(aws autoscaling describe-auto-scaling-instances --region "$WEBTIER_REGION" --instance-ids "$id" ' +
        '--query "AutoScalingInstances[0].AutoScalingGroupName" --output text); then',
      '    aws autoscaling complete-lifecycle-action --region "$WEBTIER_REGION" --auto-scaling-group-name "$group" ' +
        '--lifecycle-hook-name "$WEBTIER_LIFECYCLE_HOOK" --instance-id "$id" --lifecycle-action-result ABANDON || true',
      '  fi',
    ] : []),
    '  aws cloudformation signal-resource --region "$WEBTIER_REGION" --stack-name "$WEBTIER_STACK_NAME" ' +
      '--logical-resource-id "$WEBTIER_LOGICAL_ID" --unique-id "$id" --status FAILURE',
    '  exit 1',
    'fi',
    `chmod 0755 ${bootstrap} ${signalReady} ${INSTANCE_HOME}/common/imds.sh`,
    `if ! ${bootstrap}; then WEBTIER_SIGNAL_STATUS=FAILURE ${signalReady} || true; exit 1; fi`,
    signalReady,
  ];
}

/** The user's own values as the boot reads them, by variable: environment, then the start and install commands. */
function userValues(options: WebUserDataOptions): Array<[string, string, string]> {
  return [
    ...Object.entries(options.environment).map(([name, value]): [string, string, string] => [`WEBTIER_ENV_${name}`, value, `environment.${name}`]),
    ['WEBTIER_START_COMMAND', options.startCommand, 'startCommand'],
    ...(options.installCommands.length > 0
      ? [['WEBTIER_INSTALL_COMMANDS', options.installCommands.join('\n'), 'installCommands'] as [string, string, string]] : []),
    ...(options.releaseChecks ? [['WEBTIER_RELEASE_CHECKS', options.releaseChecks, 'releaseChecks'] as [string, string, string]] : []),
  ];
}

/** The parts of the web servers' user-data that come from the user's props, and their size once deployed. */
export function webUserDataParts(options: WebUserDataOptions): UserDataPart[] {
  const parts: UserDataPart[] = userValues(options).map(([name, value, prop]) => ({
    prop,
    bytes: deployedUserDataBytes(exportUserValue(name, value).join('\n')) + userValueExtraBytes(value),
    extraBytes: userValueExtraBytes(value),
  }));
  const secretNames = Object.keys(options.secrets ?? {});
  if (secretNames.length > 0) {
    parts.push({ prop: `secrets (${secretNames.length}, names and ARNs only)`, bytes: secretNames.reduce((sum, name) => sum + 2 * name.length + 320, 0) });
  }
  return parts;
}

/** Adds the web servers' boot to `userData` (`webUserData`), and names the user's props in it for the size check. */
export function addWebUserData(userData: ec2.UserData, options: WebUserDataOptions): void {
  userData.addCommands(...webUserData(options));
  describeUserDataParts(userData, webUserDataParts(options));
}
