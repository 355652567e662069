import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { exportVariables, INSTANCE_HOME, instancePath, writeInstanceFiles } from '../instance-files';

/** The on-instance files of a web server, relative to `assets/`. */
export const WEB_FILES = [
  'common/imds.sh',
  'web/webtier_server.py',
  'web/cgi-bin/hello.py',
  'web/cgi-bin/ping.py',
  'web/webtier.service',
  'web/bootstrap-web.sh',
];

/** What the web servers' boot script needs to know. */
export interface WebUserDataOptions {
  readonly redisHost: string;
  readonly redisPort: number;
  readonly webPort: number;
}

/**
 * User-data that writes the web app's files and runs its bootstrap, which reads the instance id with IMDSv2,
 * writes the app's config and starts it under systemd.
 */
export function webUserData(options: WebUserDataOptions): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    'set -euo pipefail',
    ...writeInstanceFiles('web', WEB_FILES),
    ...exportVariables({
      WEBTIER_HOME: INSTANCE_HOME,
      WEBTIER_REDIS_HOST: options.redisHost,
      WEBTIER_REDIS_PORT: options.redisPort,
      WEBTIER_WEB_PORT: options.webPort,
    }),
    instancePath('web', 'web/bootstrap-web.sh'),
  );
  return userData;
}
