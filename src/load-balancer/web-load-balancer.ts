import { Duration } from 'aws-cdk-lib';
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
import { createAliasRecords, createWebCertificate } from './web-domain';
import { failoverWindow, healthyAfter, resolveWebHealthCheck } from './web-health-check';
import { addWebListeners } from './web-listeners';
import { checkWebLoadBalancerProps } from './web-load-balancer-checks';
import { WebLoadBalancerProps } from './web-load-balancer-props';
import { webTargetGroup } from './web-target-group';
import { SubnetGroup } from '../network/subnet-layout';

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

    const { webPort, deregistrationDelay, accessLogsRetention } = checkWebLoadBalancerProps(this, props);
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

    this.targetGroup = webTargetGroup(this, props, { webPort, deregistrationDelay, healthCheck });
    validateTargetGroupRouting(this.targetGroup);

    if (props.domainName !== undefined && props.hostedZone !== undefined && props.certificate === undefined) {
      this.certificate = createWebCertificate(this, props.domainName, props.hostedZone);
    }
    const certificate = props.certificate ?? this.certificate;
    this.aliasRecords = props.domainName !== undefined && props.hostedZone !== undefined
      ? createAliasRecords(this, props.domainName, props.hostedZone, this.loadBalancer) : [];
    const { listener, httpListener } = addWebListeners(this.loadBalancer, this.securityGroup, this.targetGroup, certificate, props.ipAddressType);
    this.listener = listener;
    this.httpListener = httpListener;
  }
}
