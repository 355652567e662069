import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { checkWebDomain } from './web-domain';
import { WebLoadBalancerProps } from './web-load-balancer-props';
import { checkIntegerInRange, checkSecondsInRange, invalidProp } from '../validation';

/** The settings of a `WebLoadBalancer` that have defaults, resolved. */
export interface ResolvedWebLoadBalancerSettings {
  readonly webPort: number;
  readonly deregistrationDelay: Duration;
  readonly accessLogsRetention: Duration;
}

/**
 * Checks the props of a `WebLoadBalancer` (skipping unresolved tokens) and resolves the defaults of its settings;
 * throws `invalidProp` for the first one broken.
 */
export function checkWebLoadBalancerProps(scope: Construct, props: WebLoadBalancerProps): ResolvedWebLoadBalancerSettings {
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
  checkWebAcl(props, Stack.of(scope).region);
  checkWebDomain(scope, props);
  checkSecondsInRange('slowStart', props.slowStart, 30, 900);
  checkIpAddressType(props.ipAddressType);
  if (props.anomalyMitigation && props.slowStart !== undefined) {
    throw invalidProp('slowStart', props.slowStart,
      'cannot be set with anomalyMitigation: AWS supports slow start only with the round robin and least outstanding ' +
      'requests algorithms, and anomaly mitigation needs weighted random');
  }
  return { webPort, deregistrationDelay, accessLogsRetention };
}

/** `arn:<partition>:wafv2:<region>:<account>:regional/webacl/<name>/<id>`: a regional web ACL, the only kind an ALB takes. */
const REGIONAL_WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):\d{12}:regional\/webacl\/[\w-]{1,128}\/[0-9a-f-]{36}$/;

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
