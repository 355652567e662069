import { exportVariables, INSTANCE_HOME, instancePath, writeInstanceFiles } from '../instance-files';

/** The on-instance files of a web server, relative to `assets/`. */
export const WEB_FILES = [
  'common/imds.sh',
  'web/webtier_server.py',
  'web/cgi-bin/hello.py',
  'web/cgi-bin/ping.py',
  'web/webtier.service',
  'web/bootstrap-web.sh',
  'web/signal-ready.sh',
];

/** What the web servers' boot script needs to know. */
export interface WebUserDataOptions {
  readonly redisHost: string;
  readonly redisPort: number;
  readonly redisTls: boolean;
  readonly redisAuthSecretArn?: string;
  readonly webPort: number;
  /** The stack and the logical id of the Auto Scaling group, to signal readiness to. */
  readonly stackName: string;
  readonly logicalId: string;
  /** The target group whose health report makes a server ready; without it, the local health page does. */
  readonly targetGroupArn?: string;
  readonly readyTimeoutSeconds: number;
}

/**
 * User-data commands that write the web app's files and run its bootstrap (which reads the instance id with
 * IMDSv2, writes the app's config and starts it under systemd), then signal CloudFormation: FAILURE at once
 * when the bootstrap fails, SUCCESS once the server is healthy.
 */
export function webUserData(options: WebUserDataOptions): string[] {
  const bootstrap = instancePath('web', 'web/bootstrap-web.sh');
  const signalReady = instancePath('web', 'web/signal-ready.sh');
  return [
    'set -euo pipefail',
    // signal-ready.sh counts its deadline from here, so its FAILURE reaches CloudFormation before the timeout does.
    'export WEBTIER_BOOT_STARTED="$(date +%s)"',
    ...writeInstanceFiles('web', WEB_FILES),
    ...exportVariables({
      WEBTIER_HOME: INSTANCE_HOME,
      WEBTIER_REDIS_HOST: options.redisHost,
      WEBTIER_REDIS_PORT: options.redisPort,
      WEBTIER_REDIS_TLS: options.redisTls,
      ...(options.redisAuthSecretArn ? { WEBTIER_REDIS_AUTH_SECRET_ARN: options.redisAuthSecretArn } : {}),
      WEBTIER_WEB_PORT: options.webPort,
      WEBTIER_STACK_NAME: options.stackName,
      WEBTIER_LOGICAL_ID: options.logicalId,
      WEBTIER_READY_TIMEOUT: options.readyTimeoutSeconds,
      // The instance boots for a while before the user-data starts; CloudFormation's timer started at launch.
      WEBTIER_READY_MARGIN: 90,
      ...(options.targetGroupArn ? { WEBTIER_TARGET_GROUP_ARN: options.targetGroupArn } : {}),
    }),
    `if ! ${bootstrap}; then WEBTIER_SIGNAL_STATUS=FAILURE ${signalReady} || true; exit 1; fi`,
    signalReady,
  ];
}
