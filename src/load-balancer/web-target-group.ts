import { Duration } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { ResolvedWebHealthCheck } from './web-health-check';
import { WebLoadBalancerProps } from './web-load-balancer-props';

/**
 * The target group the web servers register in (`TargetGroup`): HTTP to the web port, the health check on the
 * traffic port, and the routing `anomalyMitigation` or `slowStart` asks for.
 */
export function webTargetGroup(scope: Construct, props: WebLoadBalancerProps, settings: {
  readonly webPort: number;
  readonly deregistrationDelay: Duration;
  readonly healthCheck: ResolvedWebHealthCheck;
}): elbv2.ApplicationTargetGroup {
  const healthCheck = settings.healthCheck;
  return new elbv2.ApplicationTargetGroup(scope, 'TargetGroup', {
    vpc: props.vpc,
    port: settings.webPort,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targetType: elbv2.TargetType.INSTANCE,
    deregistrationDelay: settings.deregistrationDelay,
    slowStart: props.slowStart,
    ...(props.anomalyMitigation ? {
      loadBalancingAlgorithmType: elbv2.TargetGroupLoadBalancingAlgorithmType.WEIGHTED_RANDOM,
      enableAnomalyMitigation: true,
    } : {}),
    healthCheck: {
      enabled: true,
      path: healthCheck.path,
      port: 'traffic-port',
      protocol: elbv2.Protocol.HTTP,
      interval: healthCheck.interval,
      timeout: healthCheck.timeout,
      healthyThresholdCount: healthCheck.healthyThreshold,
      unhealthyThresholdCount: healthCheck.unhealthyThreshold,
      healthyHttpCodes: healthCheck.healthyHttpCodes,
    },
  });
}
