import { Duration, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { WebApplication } from '../application/web-application';
import { invalidProp } from '../validation';

/** Throws unless the application's own port, when it names one, is the fleet's `webPort`. */
export function checkApplicationPort(application: WebApplication, webPort: number): void {
  if (application.port !== undefined && !Token.isUnresolved(webPort) && application.port !== webPort) {
    throw invalidProp('webPort', webPort, `must equal the application's port (${application.port}) when both are given`);
  }
}

/** healthyThreshold x interval of a target group's health check, when it is known (AWS's defaults: 5 x 30 s). */
export function healthyAfterOf(targetGroup: elbv2.IApplicationTargetGroup | undefined): Duration | undefined {
  if (!(targetGroup instanceof elbv2.ApplicationTargetGroup)) {
    return undefined;
  }
  const healthCheck = targetGroup.healthCheck ?? {};
  const interval = healthCheck.interval ?? Duration.seconds(30);
  const threshold = healthCheck.healthyThresholdCount ?? 5;
  if (interval.isUnresolved() || Token.isUnresolved(threshold)) {
    return undefined;
  }
  return Duration.seconds(interval.toSeconds() * threshold);
}
