import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { WebTierFirewall } from '../firewall/web-tier-firewall';
import { WebHealthCheck } from '../load-balancer/web-health-check';
import { WebZonalAutoshiftOptions } from '../load-balancer/zonal-autoshift';

/**
 * The one-liner's load balancer props: the ALB and its target group (`WebLoadBalancer`), its domain, its firewall and zonal autoshift.
 */
export interface ZeroDowntimeWebTierLoadBalancerProps {
  /**
   * How the load balancer checks the web servers.
   *
   * @default - the application's `healthCheckPath` (`/cgi-bin/ping.py` for the hello counter) every 30 s, timeout 3 s, healthy after 2 passes, unhealthy after 2 failures
   */
  readonly healthCheck?: WebHealthCheck;

  /**
   * How long a web server leaving the target group keeps its open requests.
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
   * An ACM certificate: adds HTTPS on 443 with a recommended TLS policy and redirects port 80 to it.
   *
   * @default - HTTP only on port 80, as in the tutorial
   */
  readonly certificate?: acm.ICertificate;

  /**
   * Write the load balancer's access logs to an encrypted, SSL-only, private S3 bucket.
   *
   * @default true
   */
  readonly accessLogs?: boolean;

  /**
   * How long the access-log bucket keeps each log.
   *
   * @default Duration.days(90)
   */
  readonly accessLogsRetention?: Duration;

  /**
   * Protect the load balancer from deletion (then `cdk destroy` fails until you turn it off).
   *
   * @default false
   */
  readonly loadBalancerDeletionProtection?: boolean;

  /**
   * The ARN of a regional AWS WAFv2 web ACL (in the stack's region) to associate with the load balancer; not with `firewall`.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * An AWS WAF firewall for the load balancer, such as `WebTierFirewall.managedRules({ rateLimit: 2000 })`;
   * adds a blocked-requests alarm and graph to the monitoring. Not with `webAclArn`.
   *
   * @default - no firewall
   */
  readonly firewall?: WebTierFirewall;

  /**
   * The domain the tier is served at over HTTPS, such as `shop.example.com`; needs `hostedZone` or `certificate`.
   *
   * @default - the load balancer's own DNS name, over HTTP unless `certificate` is given
   */
  readonly domainName?: string;

  /**
   * The Route 53 hosted zone of `domainName`: gets the alias record and validates the certificate made for the domain.
   *
   * @default - no DNS records
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * Zonal autoshift for the load balancer (`{}` for the defaults): AWS shifts traffic out of an AZ it sees impaired, and
   * runs a weekly practice shift that the tier's 5XX and latency alarms end early. Needs `zonalShift` and `monitoring`.
   *
   * @default - off: no autoshift, no practice runs; you can still start a zonal shift yourself
   */
  readonly zonalAutoshift?: WebZonalAutoshiftOptions;
}
