import { Aws, CfnCondition, Duration, Fn, ICfnConditionExpression, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { acknowledge } from '../acknowledgements';
import { failoverWindow, healthyAfter, resolveWebHealthCheck, WebHealthCheck } from './web-health-check';
import { SubnetGroup } from '../network/subnet-layout';
import { checkIntegerInRange, checkSecondsInRange, invalidProp } from '../validation';

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

  /**
   * Route around a target that fails more requests than the others before its health checks catch up: the target
   * group's weighted random algorithm with anomaly mitigation. AWS applies it with 3 or more healthy targets only.
   *
   * @default false
   */
  readonly anomalyMitigation?: boolean;

  /**
   * Ramp a new target's share of requests up over this time (30 to 900 seconds) instead of sending it a full share at
   * once; AWS refuses it together with `anomalyMitigation`.
   *
   * @default - no slow start: a new target gets its full share once healthy
   */
  readonly slowStart?: Duration;

  /**
   * An ACM certificate for HTTPS: adds a listener on 443 with a current recommended TLS policy
   * and turns port 80 into a redirect to HTTPS.
   *
   * @default - HTTP only, on port 80, as in the tutorial
   */
  readonly certificate?: acm.ICertificate;

  /**
   * Write the load balancer's access logs to an S3 bucket (SSE-S3, SSL only, public access blocked).
   *
   * @default true
   */
  readonly accessLogs?: boolean;

  /**
   * How long the access-log bucket keeps each log object, from 1 day.
   *
   * @default Duration.days(90)
   */
  readonly accessLogsRetention?: Duration;

  /**
   * Protect the load balancer from deletion; `cdk destroy` then fails until you turn it off.
   *
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * The ARN of an AWS WAFv2 web ACL (scope REGIONAL) to associate with the load balancer.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;
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

  /** The listener that forwards to the web servers: HTTPS on 443 with a certificate, else HTTP on 80. */
  public readonly listener: elbv2.ApplicationListener;

  /** The listener on port 80: the forwarding listener, or with a certificate the redirect to HTTPS. */
  public readonly httpListener: elbv2.ApplicationListener;

  /** The bucket of the access logs, unless `accessLogs` is false. */
  public readonly accessLogsBucket?: s3.Bucket;

  /** The target group the web servers register in. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The load balancer's security group. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** The worst-case time from a target's death until the load balancer stops routing to it. */
  public readonly failoverWindow: Duration;

  /** The longest a healthy new target waits to be reported healthy: `healthyThreshold x interval`. */
  public readonly healthyAfter: Duration;

  constructor(scope: Construct, id: string, props: WebLoadBalancerProps) {
    super(scope, id);

    const webPort = props.webPort ?? 8000;
    checkIntegerInRange('webPort', webPort, 1, 65535);
    const deregistrationDelay = props.deregistrationDelay ?? Duration.seconds(30);
    checkSecondsInRange('deregistrationDelay', deregistrationDelay, 0, 3600);
    const accessLogsRetention = props.accessLogsRetention ?? Duration.days(90);
    if (!accessLogsRetention.isUnresolved() && accessLogsRetention.toDays({ integral: false }) < 1) {
      throw invalidProp('accessLogsRetention', accessLogsRetention, 'must be 1 day or more');
    }
    checkSecondsInRange('slowStart', props.slowStart, 30, 900);
    if (props.anomalyMitigation && props.slowStart !== undefined) {
      throw invalidProp('slowStart', props.slowStart,
        'cannot be set with anomalyMitigation: AWS supports slow start only with the round robin and least outstanding ' +
        'requests algorithms, and anomaly mitigation needs weighted random');
    }
    const healthCheck = resolveWebHealthCheck(props.healthCheck);
    this.failoverWindow = failoverWindow(healthCheck);
    this.healthyAfter = healthyAfter(healthCheck);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Web tier ALB: HTTP(S) in from anywhere, out only to the web servers',
      allowAllOutbound: false,
    });
    acknowledge(this.securityGroup, 'AwsSolutions-EC23',
      'An internet-facing load balancer must accept HTTP (and HTTPS) from anywhere; only ports 80 and 443 are open, ' +
      'and it sends traffic only to the web servers\' security group on the web port.');

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetGroupName: SubnetGroup.ALB },
      internetFacing: true,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? false,
    });
    if (!props.deletionProtection) {
      const reason = 'Off by default so the tutorial\'s clean-up (cdk destroy) works; set deletionProtection: true for production.';
      acknowledge(this.loadBalancer, 'NIST.800.53.R5-ELBDeletionProtectionEnabled', reason);
      acknowledge(this.loadBalancer, 'CT.ELASTICLOADBALANCING.PR.5', reason);
    }
    if (props.webAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'WebAcl', { resourceArn: this.loadBalancer.loadBalancerArn, webAclArn: props.webAclArn });
    } else {
      acknowledge(this.loadBalancer, 'NIST.800.53.R5-ALBWAFEnabled',
        'A web ACL is an account-level choice with its own rules and cost; pass webAclArn to associate yours.');
    }
    if (props.accessLogs ?? true) {
      this.accessLogsBucket = this.addAccessLogs(accessLogsRetention);
    }

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: webPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
      deregistrationDelay,
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

    if (props.certificate) {
      this.listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [props.certificate],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        open: true,
        defaultTargetGroups: [this.targetGroup],
      });
      this.httpListener = this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
      acknowledge(this.httpListener, 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
        'Port 80 serves nothing: it only answers with a redirect to HTTPS on 443, which uses the ACM certificate.');
    } else {
      this.listener = this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: true,
        defaultTargetGroups: [this.targetGroup],
      });
      this.httpListener = this.listener;
      const reason = 'No certificate was given, so the tier serves plain HTTP as in the tutorial; ' +
        'pass certificate to add HTTPS on 443 and redirect port 80 to it.';
      acknowledge(this.listener, 'NIST.800.53.R5-ALBHttpToHttpsRedirection', reason);
      acknowledge(this.listener, 'CT.ELASTICLOADBALANCING.PR.1', reason);
      acknowledge(this.loadBalancer, 'NIST.800.53.R5-ELBv2ACMCertificateRequired', reason);
    }
  }

  /**
   * `arn:<partition>:iam::<elb account>:root` of the stack's region when it has a regional ELB account,
   * else this account's root (which may write to its own bucket anyway).
   */
  private regionalElbAccountPrincipal(): string {
    const stack = Stack.of(this);
    // Flat, not nested: one Fn::If per region inside a Fn::Join, exactly one of which yields a value.
    // (Thirty nested Fn::If make template tooling crawl; a mapping would fail on any region it lacks.)
    const parts: string[] = [];
    const legacy: ICfnConditionExpression[] = [];
    for (const region of RegionInfo.regions) {
      const account = region.elbv2Account;
      if (account) {
        const inRegion = new CfnCondition(this, `AccessLogsIn${region.name}`, { expression: Fn.conditionEquals(Aws.REGION, region.name) });
        legacy.push(inRegion);
        parts.push(Token.asString(Fn.conditionIf(inRegion.logicalId, `arn:${region.partition}:iam::${account}:root`, '')));
      }
    }
    // Fn::Or takes 2 to 10 conditions: group them.
    const groups: ICfnConditionExpression[] = [];
    for (let i = 0; i < legacy.length; i += 9) {
      const group = legacy.slice(i, i + 9);
      groups.push(group.length === 1 ? Fn.conditionOr(group[0], group[0]) : Fn.conditionOr(...group));
    }
    const inLegacyRegion = new CfnCondition(this, 'AccessLogsInLegacyRegion', {
      expression: groups.length === 1 ? groups[0] : Fn.conditionOr(...groups),
    });
    parts.push(Token.asString(Fn.conditionIf(inLegacyRegion.logicalId, '', `arn:${stack.partition}:iam::${stack.account}:root`)));
    return Fn.join('', parts);
  }

  private addAccessLogs(retention: Duration): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogs', {
      // ALB access logs can only be written to buckets encrypted with SSE-S3.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ expiration: retention, noncurrentVersionExpiration: Duration.days(1) }],
    });
    const logBucketReason = 'This bucket holds the load balancer\'s access logs; logging access to the log bucket would need ' +
      'yet another bucket, and so on.';
    for (const id of ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'CT.S3.PR.2']) {
      acknowledge(bucket, id, logBucketReason);
    }
    acknowledge(bucket, 'NIST.800.53.R5-S3BucketReplicationEnabled',
      'Access logs are operational data kept for a limited time; cross-region replication is left to the user.');
    const sseS3Reason = 'ALB access logs can only be delivered to buckets encrypted with SSE-S3; AWS rejects SSE-KMS for them.';
    acknowledge(bucket, 'NIST.800.53.R5-S3DefaultEncryptionKMS', sseS3Reason);
    acknowledge(bucket, 'CT.S3.PR.10', sseS3Reason);
    acknowledge(bucket, 'CT.S3.PR.4',
      'Nothing consumes access-log objects as they arrive; they are read on demand (Athena, downloads) until they expire.');
    acknowledge(bucket, 'CT.S3.PR.9',
      'Object Lock would stop the lifecycle rule from expiring old logs; the bucket blocks public access, requires SSL ' +
      'and keeps versions, and the logs are operational data, not records under retention rules.');
    if (!Token.isUnresolved(Stack.of(this).region)) {
      this.loadBalancer.logAccessLogs(bucket);
    } else {
      this.logAccessLogsInAnyRegion(bucket);
    }
    return bucket;
  }

  /**
   * Access logs in an environment-agnostic stack, where CDK's `logAccessLogs` needs a region:
   * regions since August 2022 deliver as the log-delivery service principal; older ones as a regional
   * Elastic Load Balancing account, chosen with one condition per such region. No mapping: a `Fn::FindInMap`
   * on a region the mapping lacks (any newer region) would fail the deployment.
   */
  private logAccessLogsInAnyRegion(bucket: s3.Bucket): void {
    const stack = Stack.of(this);
    const logs = bucket.arnForObjects(`AWSLogs/${stack.account}/*`);
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject'],
      principals: [new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com')],
      resources: [logs],
    }));
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject'],
      principals: [new iam.ArnPrincipal(this.regionalElbAccountPrincipal())],
      resources: [logs],
    }));
    this.loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    this.loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName);
    // The load balancer checks that it may write to the bucket when the attribute is set.
    this.loadBalancer.node.addDependency(bucket);
  }
}
