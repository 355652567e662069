import { Stack } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { IConstruct } from 'constructs';

/**
 * The attributes a target group or load balancer of this app will have in the template (`TargetGroupAttributes`,
 * `LoadBalancerAttributes`), read when the template is written: they include whatever `setAttribute` calls came
 * after the parts were built. `undefined` for an imported one, whose attributes this app cannot see.
 */
export function synthesizedAttributes(resource: IConstruct | undefined): Map<string, string> | undefined {
  const cfn = resource?.node.defaultChild;
  let attributes: unknown;
  if (cfn instanceof elbv2.CfnTargetGroup) {
    attributes = cfn.targetGroupAttributes;
  } else if (cfn instanceof elbv2.CfnLoadBalancer) {
    attributes = cfn.loadBalancerAttributes;
  } else {
    return undefined;
  }
  const resolved = Stack.of(cfn).resolve(attributes) as Array<{ key?: unknown; value?: unknown }> | undefined;
  const map = new Map<string, string>();
  for (const attribute of Array.isArray(resolved) ? resolved : []) {
    if (typeof attribute?.key === 'string') {
      map.set(attribute.key, String(attribute.value));
    }
  }
  return map;
}
