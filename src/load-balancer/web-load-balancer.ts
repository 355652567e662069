import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { acknowledge } from '../acknowledgements';
import { addAccessLogs } from './access-log-bucket';
import { validateTargetGroupRouting } from './target-group-routing-checks';
import { checkWebDomain, createAliasRecords, createWebCertificate } from './web-domain';
import { failoverWindow, healthyAfter, resolveWebHealthCheck, WebHealthCheck } from './web-health-check';
import { WebTierFirewall } from '../firewall/web-tier-firewall';
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
   * Which addresses the load balancer takes: IPv4 only, or dual-stack (IPv4 and IPv6, its subnets need IPv6 CIDRs), or
   * dual-stack without public IPv4 (no $0.005/h addresses, but IPv4-only clients cannot reach it). Dual-stack opens
   * its listeners' ports to `::/0` as well as `0.0.0.0/0`.
   *
   * @default elbv2.IpAddressType.IPV4
   */
  readonly ipAddressType?: elbv2.IpAddressType;

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
   * Let ARC zonal shift move the load balancer's traffic out of an impaired AZ (`zonal_shift.config.enabled`), when you
   * start a shift or zonal autoshift does; needed by `WebZonalAutoshift`. AWS supports it with cross-zone load balancing,
   * which an ALB always has (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-zonal-shift.html).
   *
   * @default true
   */
  readonly zonalShift?: boolean;

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
   * The ARN of an AWS WAFv2 web ACL (scope REGIONAL, in the stack's region) to associate with the load balancer:
   * `arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>`. Not together with `firewall`.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * An AWS WAF firewall to create and associate with the load balancer, such as `WebTierFirewall.managedRules()`.
   * Not together with `webAclArn`.
   *
   * @default - no firewall
   */
  readonly firewall?: WebTierFirewall;

  /**
   * The domain name the tier is served at, such as `shop.example.com`: HTTPS on 443 with a certificate for it
   * (a DNS-validated one made in `hostedZone` unless `certificate` is given), port 80 redirecting to HTTPS, and with
   * `hostedZone` an alias record to the load balancer. Needs `hostedZone` or `certificate`.
   *
   * @default - no domain: the load balancer's own DNS name
   */
  readonly domainName?: string;

  /**
   * The Route 53 hosted zone `domainName` is in: it gets the alias record (A, and AAAA for a dual-stack load balancer)
   * and, unless `certificate` is given, the certificate's validation records.
   *
   * @default - no DNS records: point your DNS at the load balancer yourself
   */
  readonly hostedZone?: route53.IHostedZone;
}

/** `arn:<partition>:wafv2:<region>:<account>:regional/webacl/<name>/<id>`: a regional web ACL, the only kind an ALB takes. */
const REGIONAL_WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):\d{12}:regional\/webacl\/[\w-]{1,128}\/[0-9a-f-]{36}$/;

/**
 * An internet-facing Application Load Balancer in front of the web servers:
 * an HTTP listener on port 80 that forwards to a target group on the web port, with a health check.
 *
 * Its security group admits port 80 from anywhere and sends nothing anywhere until targets are attached
 * (then only to their security groups, on the web port). With a certificate or a domain it serves HTTPS on 443 and
 * redirects 80; with a firewall an AWS WAF web ACL guards it.
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

  /** The web ACL made by `firewall`; undefined without it. */
  public readonly webAcl?: wafv2.CfnWebACL;

  /** The certificate made for `domainName` in `hostedZone`; undefined when `certificate` was given or without a domain. */
  public readonly certificate?: acm.ICertificate;

  /** The alias records of `domainName` in `hostedZone`: A, and AAAA when dual-stack; empty without a zone. */
  public readonly aliasRecords: route53.RecordSet[];

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
    if (!accessLogsRetention.isUnresolved() && !Number.isInteger(accessLogsRetention.toDays({ integral: false }))) {
      throw invalidProp('accessLogsRetention', accessLogsRetention, 'must be a whole number of days: S3 lifecycle rules expire objects after whole days');
    }
    checkWebAcl(props, Stack.of(this).region);
    checkWebDomain(this, props);
    checkSecondsInRange('slowStart', props.slowStart, 30, 900);
    checkIpAddressType(props.ipAddressType);
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
      ipAddressType: props.ipAddressType,
    });
    this.loadBalancer.setAttribute('zonal_shift.config.enabled', String(props.zonalShift ?? true));
    if (!props.deletionProtection) {
      const reason = 'Off by default so the tutorial\'s clean-up (cdk destroy) works; set deletionProtection: true for production.';
      acknowledge(this.loadBalancer, 'NIST.800.53.R5-ELBDeletionProtectionEnabled', reason);
      acknowledge(this.loadBalancer, 'CT.ELASTICLOADBALANCING.PR.5', reason);
    }
    if (props.webAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'WebAcl', { resourceArn: this.loadBalancer.loadBalancerArn, webAclArn: props.webAclArn });
    } else if (props.firewall) {
      this.webAcl = props.firewall._attach(this, 'Firewall', this.loadBalancer.loadBalancerArn);
      acknowledge(this.webAcl, 'NIST.800.53.R5-WAFv2LoggingEnabled',
        'Request logs cost per GB ingested; CloudWatch metrics and sampled requests (the last 3 hours) are on for the web ACL ' +
        'and every rule. Add a CfnLoggingConfiguration on webAcl to keep full request logs.');
    } else {
      acknowledge(this.loadBalancer, 'NIST.800.53.R5-ALBWAFEnabled',
        'A web ACL has its own rules and monthly cost; pass firewall: WebTierFirewall.managedRules() to make one, or webAclArn to associate yours.');
    }
    if (props.accessLogs ?? true) {
      this.accessLogsBucket = addAccessLogs(this, this.loadBalancer, accessLogsRetention);
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
    validateTargetGroupRouting(this.targetGroup);

    if (props.domainName !== undefined && props.hostedZone !== undefined && props.certificate === undefined) {
      this.certificate = createWebCertificate(this, props.domainName, props.hostedZone);
    }
    const certificate = props.certificate ?? this.certificate;
    this.aliasRecords = props.domainName !== undefined && props.hostedZone !== undefined
      ? createAliasRecords(this, props.domainName, props.hostedZone, this.loadBalancer) : [];
    if (certificate) {
      this.listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [certificate],
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
    if ((props.ipAddressType ?? elbv2.IpAddressType.IPV4) !== elbv2.IpAddressType.IPV4) {
      // The same ports for IPv6 clients as for IPv4 ones. CDK's open listeners add them for DUAL_STACK already (a
      // security group keeps one copy of a rule); without public IPv4 only behind a feature flag.
      for (const listener of [this.listener, this.httpListener]) {
        this.securityGroup.addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(listener.port), `Allow from anyone on port ${listener.port}`);
      }
    }
  }
}

/** One of the load balancer's address types (ELB's `IpAddressType`), when given. */
function checkIpAddressType(ipAddressType: elbv2.IpAddressType | undefined): void {
  if (ipAddressType !== undefined && ipAddressType !== null && !Object.values(elbv2.IpAddressType).includes(ipAddressType)) {
    throw invalidProp('ipAddressType', ipAddressType, `must be one of ${Object.values(elbv2.IpAddressType).join(', ')}`);
  }
}

/** A web ACL for the load balancer is one regional ARN in its region, or a firewall to make: never both. */
function checkWebAcl(props: WebLoadBalancerProps, stackRegion: string): void {
  const arn = props.webAclArn;
  if (arn === undefined) {
    return;
  }
  if (props.firewall !== undefined) {
    throw invalidProp('webAclArn', arn, 'must not be given together with firewall: a load balancer has one web ACL; use one or the other');
  }
  if (Token.isUnresolved(arn)) {
    return;
  }
  const match = REGIONAL_WEB_ACL_ARN.exec(arn);
  if (!match) {
    throw invalidProp('webAclArn', arn,
      'must be the ARN of a regional AWS WAFv2 web ACL, arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id> ' +
      '(a load balancer cannot use a CloudFront-scoped "global" web ACL or a WAF Classic one)');
  }
  if (!Token.isUnresolved(stackRegion) && match[1] !== stackRegion) {
    throw invalidProp('webAclArn', arn, `must be in the stack's region ${stackRegion}: a web ACL protects resources of its own region only`);
  }
}
