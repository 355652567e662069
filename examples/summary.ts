import { Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { ZeroDowntimeWebTier } from '../src';
import { describeReleaseDuration, releaseDurations } from '../src/web-fleet/release-duration';

/**
 * A short, human summary of a synthesized web tier: resource counts by type, the outputs,
 * the health-check failover window and how long a release takes.
 */
export function summarize(assembly: cxapi.CloudAssembly, stack: Stack, tier: ZeroDowntimeWebTier): string {
  const artifact = assembly.getStackByName(stack.stackName);
  const template = artifact.template;
  const counts = new Map<string, number>();
  for (const resource of Object.values<{ Type: string }>(template.Resources ?? {})) {
    counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const width = Math.max(...[...counts.keys()].map(k => k.length));
  const lines = [
    `Stack ${stack.stackName}: ${total} resources, template at ${artifact.templateFullPath}`,
    '',
    'Resources by type:',
    ...[...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `  ${type.padEnd(width)}  ${n}`),
    '',
    'Outputs:',
    ...Object.entries<{ Description?: string }>(template.Outputs ?? {}).map(([name, o]) => `  ${name}: ${o.Description ?? ''}`),
    '',
    `Health-check failover window: ${tier.failoverWindow.toSeconds()} s ` +
      '(worst case from a web server dying until the load balancer stops routing to it: interval x unhealthy threshold + timeout)',
    ...releaseDurations(template).map((d) => `Release (${d.logicalId}): ${describeReleaseDuration(d)}`),
  ];
  return lines.join('\n');
}
