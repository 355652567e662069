/**
 * Reads the target group's health check out of a synthesized CloudFormation template.
 *
 * Pure: it takes the template as JSON and returns plain values, so the drill's load balancer
 * follows whatever the construct actually put in the template, not what we think it did. AWS's defaults and ranges:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticloadbalancingv2-targetgroup.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 */
import { resourcesOf } from './template-resources';
import { HTTP_CODES } from '../../load-balancer/web-health-check';

/** The health check of an `AWS::ElasticLoadBalancingV2::TargetGroup`, with AWS's defaults filled in. */
export interface TargetGroupHealthCheck {
  /** Logical id of the target group in the template. */
  readonly logicalId: string;
  /** `HealthCheckPath` (AWS default "/"). */
  readonly path: string;
  /** `HealthCheckIntervalSeconds` (AWS default 30). */
  readonly intervalSeconds: number;
  /** `HealthCheckTimeoutSeconds` (AWS default 5 for HTTP). */
  readonly timeoutSeconds: number;
  /** `HealthyThresholdCount` (AWS default 5). */
  readonly healthyThreshold: number;
  /** `UnhealthyThresholdCount` (AWS default 2). */
  readonly unhealthyThreshold: number;
  /** `Matcher.HttpCode`: "200", "200-299", "200,204" (AWS default "200"). */
  readonly httpCodes: string;
  /** The target group's `Port`: where the web servers listen on a real instance. */
  readonly targetPort: number;
  /** `load_balancing.algorithm.type` (AWS default "round_robin"). */
  readonly algorithm: string;
  /** `deregistration_delay.timeout_seconds` (AWS default 300). */
  readonly deregistrationDelaySeconds: number;
}

const TARGET_GROUP = 'AWS::ElasticLoadBalancingV2::TargetGroup';

/** The one HTTP target group of `template` and its health check. Throws when there is not exactly one, or when it is not a plain HTTP check. */
export function readTargetGroupHealthCheck(template: unknown): TargetGroupHealthCheck {
  const resources = resourcesOf(template);
  const groups = Object.entries(resources).filter(([, r]) => r?.Type === TARGET_GROUP);
  if (groups.length !== 1) {
    throw new Error(`expected exactly one ${TARGET_GROUP} in the template, found ${groups.length}` +
      (groups.length ? ` (${groups.map(([id]) => id).join(', ')})` : ''));
  }
  const [logicalId, resource] = groups[0];
  const p = resource.Properties ?? {};
  const where = `${logicalId}`;

  if (p.HealthCheckEnabled === false) throw new Error(`${where}: HealthCheckEnabled is false; the drill needs a health check`);
  const protocol = literal(where, 'HealthCheckProtocol', p.HealthCheckProtocol ?? p.Protocol ?? 'HTTP');
  if (protocol !== 'HTTP') throw new Error(`${where}: HealthCheckProtocol is ${JSON.stringify(protocol)}; the drill stands in for HTTP checks only`);

  const attributes = new Map<string, unknown>();
  for (const a of (Array.isArray(p.TargetGroupAttributes) ? p.TargetGroupAttributes : []) as Array<{ Key?: unknown; Value?: unknown }>) {
    if (typeof a?.Key === 'string') attributes.set(a.Key, a.Value);
  }

  const port = literal(where, 'HealthCheckPort', p.HealthCheckPort ?? 'traffic-port');
  if (port !== 'traffic-port') throw new Error(`${where}: HealthCheckPort is ${JSON.stringify(port)}; the construct always checks the traffic port`);
  const httpCodes = literal(where, 'Matcher.HttpCode', (p.Matcher as { HttpCode?: unknown } | undefined)?.HttpCode ?? '200');
  if (typeof httpCodes !== 'string' || !HTTP_CODES.test(httpCodes)) {
    throw new Error(`${where}: Matcher.HttpCode ${JSON.stringify(httpCodes)} is not a list of codes or ranges such as "200", "200-299" or "200,204"`);
  }
  const healthCheck: TargetGroupHealthCheck = {
    logicalId,
    path: String(literal(where, 'HealthCheckPath', p.HealthCheckPath ?? '/')),
    intervalSeconds: integer(where, 'HealthCheckIntervalSeconds', p.HealthCheckIntervalSeconds ?? 30, 5, 300),
    timeoutSeconds: integer(where, 'HealthCheckTimeoutSeconds', p.HealthCheckTimeoutSeconds ?? 5, 2, 120),
    healthyThreshold: integer(where, 'HealthyThresholdCount', p.HealthyThresholdCount ?? 5, 2, 10),
    unhealthyThreshold: integer(where, 'UnhealthyThresholdCount', p.UnhealthyThresholdCount ?? 2, 2, 10),
    httpCodes,
    targetPort: integer(where, 'Port', p.Port, 1, 65535),
    algorithm: String(literal(where, 'load_balancing.algorithm.type', attributes.get('load_balancing.algorithm.type') ?? 'round_robin')),
    deregistrationDelaySeconds: integer(where, 'deregistration_delay.timeout_seconds', attributes.get('deregistration_delay.timeout_seconds') ?? 300, 0, 3600),
  };
  if (!healthCheck.path.startsWith('/')) throw new Error(`${where}: HealthCheckPath ${JSON.stringify(healthCheck.path)} must start with "/"`);
  if (healthCheck.timeoutSeconds >= healthCheck.intervalSeconds) {
    throw new Error(`${where}: HealthCheckTimeoutSeconds (${healthCheck.timeoutSeconds}) must be shorter than HealthCheckIntervalSeconds (${healthCheck.intervalSeconds})`);
  }
  return healthCheck;
}

/** A value that is not a CloudFormation intrinsic (`{ Ref }`, `{ Fn::... }`): the drill cannot resolve those. */
function literal(where: string, name: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object') {
    throw new Error(`${where}: ${name} is ${JSON.stringify(value)}, which only CloudFormation can resolve; the drill needs a literal value`);
  }
  return value;
}

/** CloudFormation accepts numbers as strings ("30"); both are fine here. */
function integer(where: string, name: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : literal(where, name, value);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${where}: ${name} is ${JSON.stringify(value)}, expected an integer from ${min} to ${max}`);
  }
  return n;
}
