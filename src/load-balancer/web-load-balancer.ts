import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { failoverWindow, resolveWebHealthCheck, WebHealthCheck } from './web-health-check';
import { SubnetGroup } from '../network/subnet-layout';
import { checkIntegerInRange, checkSecondsInRange } from '../validation';

/**
 * Properties of a `WebLoadBalancer`.
 */
export interface WebLoadBalancerProps {
  /** The VPC to put the load balancer in. */
  readonly vpc: ec2.IVpc;

  /**
   * Where the load balancer's nodes go: one public subnet per AZ.
   *
   * @default - the subnets of the `ALB` group
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The port the web servers listen on; the target group forwards to it.
   *
   * @default 8000
   */
  readonly webPort?: number;

  /**
   * How the load balancer checks the web servers.
   *
   * @default - the tutorial's: `/cgi-bin/ping.py` every 30 s, timeout 3 s, 2 to join, 2 to leave
   */
  readonly healthCheck?: WebHealthCheck;

  /**
   * How long a web server leaving the target group keeps its open requests, from 0 to 3600 seconds.
   *
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;
}

/**
 * An internet-facing Application Load Balancer in front of the web servers:
 * an HTTP listener on port 80 that forwards to a target group on the web port, with a health check.
 *
 * Its security group admits port 80 from anywhere and sends nothing anywhere until targets are attached
 * (then only to their security groups, on the web port).
 */
export class WebLoadBalancer extends Construct {
  /** The Application Load Balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  /** The HTTP listener on port 80. */
  public readonly listener: elbv2.ApplicationListener;

  /** The target group the web servers register in. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The load balancer's security group. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** The worst-case time from a target's death until the load balancer stops routing to it. */
  public readonly failoverWindow: Duration;

  /** The shortest time for a new target to be reported healthy: `healthyThreshold x interval`. */
  public readonly healthyAfter: Duration;

  constructor(scope: Construct, id: string, props: WebLoadBalancerProps) {
    super(scope, id);

    const webPort = props.webPort ?? 8000;
    checkIntegerInRange('webPort', webPort, 1, 65535);
    const deregistrationDelay = props.deregistrationDelay ?? Duration.seconds(30);
    checkSecondsInRange('deregistrationDelay', deregistrationDelay, 0, 3600);
    const healthCheck = resolveWebHealthCheck(props.healthCheck);
    this.failoverWindow = failoverWindow(healthCheck);
    this.healthyAfter = Duration.seconds(healthCheck.interval.toSeconds() * healthCheck.healthyThreshold);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Web tier ALB: HTTP in from anywhere, out only to the web servers',
      allowAllOutbound: false,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetGroupName: SubnetGroup.ALB },
      internetFacing: true,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
    });

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: webPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
      deregistrationDelay,
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

    this.listener = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: true,
      defaultTargetGroups: [this.targetGroup],
    });
  }
}
