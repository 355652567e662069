import { Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { synthesizedAttributes } from './synthesized-attributes';
import { callerName } from '../caller-names';
import { checkAlarmsEnvironment, PRACTICE_RUN_ALARMS } from '../monitoring/alarm-region-checks';
import { invalidProp, validateAtSynthesis } from '../validation';

/** What a zonal autoshift configuration is given, as `checkAutoshiftTarget` reads it. */
export interface AutoshiftTarget {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly outcomeAlarms: cloudwatch.IAlarm[];
  readonly blockingAlarms?: cloudwatch.IAlarm[];
}

/**
 * Checks what ARC needs of a zonal autoshift's load balancer and alarms, naming them as the caller's API does:
 *
 * - its practice-run alarms in the load balancer's Region (`PRACTICE_RUN_ALARMS`), and the load balancer in the
 *   stack's Region (the configuration is made in the stack's);
 * - the load balancer's `zonal_shift.config.enabled` true in the template, checked at synthesis since the load
 *   balancer is exposed and may be changed after: ARC autoshifts only resources registered with zonal shift
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/zonal-shift.html).
 */
export function checkAutoshiftTarget(scope: Construct, target: AutoshiftTarget): void {
  const name = (prop: string) => callerName(scope, prop);
  checkAlarmsEnvironment(scope, name('outcomeAlarms'), target.outcomeAlarms, PRACTICE_RUN_ALARMS);
  checkAlarmsEnvironment(scope, name('blockingAlarms'), target.blockingAlarms, PRACTICE_RUN_ALARMS);
  const lb = target.loadBalancer;
  const region = lb?.env?.region;
  const stackRegion = Stack.of(scope).region;
  if (region !== undefined && region !== stackRegion && !Token.isUnresolved(region) && !Token.isUnresolved(stackRegion)) {
    throw invalidProp(name('loadBalancer'), lb.loadBalancerArn, `must be a load balancer of the stack's Region ${stackRegion}, not ${region}: ` +
      'a zonal autoshift configuration is made in the Region of its resource');
  }
  validateAtSynthesis(scope, () => {
    const attributes = synthesizedAttributes(lb); // undefined for an imported load balancer: not checked
    const enabled = attributes?.get('zonal_shift.config.enabled') ?? 'false (AWS\'s default)';
    return [attributes === undefined || enabled === 'true' ? undefined : invalidProp(name('loadBalancer'), `${lb.node.path} with zonal_shift.config.enabled ${enabled}`,
      'must have zonal shift on (zonal_shift.config.enabled true, as WebLoadBalancer sets by default): ARC autoshifts only load balancers ' +
      'registered with zonal shift').message];
  });
}
