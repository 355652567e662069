import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { WebHealthCheck } from './web-health-check';
import { WebTierFirewall } from '../firewall/web-tier-firewall';

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
