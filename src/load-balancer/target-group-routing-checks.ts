import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { synthesizedAttributes } from './synthesized-attributes';
import { invalidProp, validateAtSynthesis } from '../validation';

/**
 * Refuses, when the template is written, a target group that combines slow start with anomaly mitigation (weighted
 * random): ELB refuses slow start with any algorithm but round robin and least outstanding requests
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#slow-start-mode).
 * The target group is exposed, so either may be set after the load balancer part was made.
 */
export function validateTargetGroupRouting(targetGroup: elbv2.ApplicationTargetGroup): void {
  validateAtSynthesis(targetGroup, () => {
    const attributes = synthesizedAttributes(targetGroup);
    const slowStart = Number(attributes?.get('slow_start.duration_seconds') ?? '0');
    const algorithm = attributes?.get('load_balancing.algorithm.type') ?? 'round_robin';
    if (slowStart === 0 || algorithm === 'round_robin' || algorithm === 'least_outstanding_requests') {
      return [];
    }
    return [invalidProp('slowStart', `${slowStart} seconds`, `cannot be set on a target group whose load_balancing.algorithm.type is ${algorithm}: ` +
      'AWS supports slow start only with the round robin and least outstanding requests algorithms (anomalyMitigation needs weighted random)').message];
  });
}
