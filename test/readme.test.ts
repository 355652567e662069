import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NatGatewayPlacement, WebHealthCheckPresets, WebTierFirewall, WebTierMonitoring, WebTierMonitoringProps, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../src';
import { docSection, readDoc } from './docs/pages';
import { allAcknowledgements } from './security/policy-harness';

// The README's own claims, and those it moved to the docs pages it links (each read from its page).
const README = readDoc('README.md');

function tier(props: ZeroDowntimeWebTierProps = {}, withCertificate = false): { stack: Stack; tier: ZeroDowntimeWebTier } {
  const stack = new Stack(new App(), 'Readme');
  const certificate = withCertificate
    ? acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:eu-west-3:111111111111:certificate/x') : undefined;
  return { stack, tier: new ZeroDowntimeWebTier(stack, 'WebTier', { ...props, certificate }) };
}

describe('README', () => {
  test('with the quick start, both commands are scripts of this package', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).scripts;
    expect(README).toContain('npm ci && npm run example');
    expect(README).toContain('npx projen build');
    expect(scripts.example).toBeDefined();
    expect(scripts.build).toBeDefined();
    expect(fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8')).toMatch(/\nnpx projen build\n/);
  });

  test('with the install table, every name is the one the jsii targets publish under', () => {
    const targets = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).jsii.targets;
    for (const name of [targets.python.distName, targets.python.module, targets.java.package, targets.java.maven.groupId,
      targets.java.maven.artifactId, targets.dotnet.packageId, targets.dotnet.namespace, targets.go.moduleName]) {
      expect(README).toContain(name);
    }
  });

  test('with docs/security.md, every acknowledgement the library makes is listed with its rule id', () => {
    const security = readDoc('docs/security.md');
    const configurations = [tier(), tier({ redisReplicas: 0, redisSnapshotRetentionDays: 1 }), tier({}, true),
      tier({ firewall: WebTierFirewall.managedRules() }),
      tier({ ipProtocol: ec2.IpProtocol.DUAL_STACK, natGatewayPlacement: NatGatewayPlacement.REGIONAL })];
    // aws-cdk-lib's own constructs acknowledge CloudFormation-Validate rules (its FlowLog, of its camelCase DestinationOptions).
    const ids = new Set(configurations.flatMap(c => allAcknowledgements(c.stack).map(a => a.id)).filter(id => !id.startsWith('CloudFormation-Validate::')));
    expect(ids.size).toBeGreaterThan(20);
    const missing = [...ids].filter(id => !security.includes(`\`${id.replace(/\|/g, '\\|')}\``));
    expect(missing).toEqual([]);
  });

  test('with docs/monitoring.md, every alarm the construct can create has a row, and each row names a prop that switches its alarms off', () => {
    const monitoring = readDoc('docs/monitoring.md');
    const rowProps = [...monitoring.matchAll(/^\| `(\w+Alarm)`/gm)].map(m => m[1]);
    // GIVEN the default tier's parts (3 NAT gateways, 2 Redis nodes) behind a firewall, watched by a WebTierMonitoring of their own
    const firewall = WebTierFirewall.managedRules();
    const alarmsWith = (props: Partial<WebTierMonitoringProps>) => {
      const { tier: parts } = tier({ monitoring: false, firewall });
      return new WebTierMonitoring(parts, 'Watched', {
        loadBalancer: parts.loadBalancer,
        targetGroup: parts.targetGroup,
        autoScalingGroup: parts.webAutoScalingGroup,
        minCapacity: parts.webFleet.minCapacity,
        replicationGroupId: parts.cache.replicationGroup.ref,
        redisNodeCount: parts.cache.nodeCount,
        natGatewayIds: parts.network!.natGatewayIds,
        availabilityZones: parts.network!.availabilityZones,
        webAcl: parts.webAcl,
        ...props,
      }).alarms.length;
    };
    const all = alarmsWith({});
    // WHEN each row's prop is turned off in turn
    const removed = rowProps.map(prop => all - alarmsWith({ [prop]: { enabled: false } }));
    // THEN every row removes some alarms, and together the rows account for every alarm
    expect(rowProps.length).toBe(12);
    expect(removed.filter(n => n <= 0)).toEqual([]);
    expect(removed.reduce((sum, n) => sum + n, 0)).toBe(all);
    expect(all).toBe(tier({ firewall }).tier.monitoring!.alarms.length);
    expect(monitoring).toContain(`there are ${tier().tier.monitoring!.alarms.length} alarms`);
  });

  test('with the Redis counter guarantees of docs/zero-downtime.md, each cites a test that exists, and the script and timeouts it states are hello.py\'s', () => {
    const header = '**Redis counter = successful requests**';
    const section = docSection('docs/zero-downtime.md', '## The Redis counter: every visit counted once');
    expect(section).toContain(header);
    const claims = section.slice(section.indexOf(header) + header.length);
    // Each claim names a test by a part of its title (*...*), in the test file named last before it (`test/....test.ts`).
    let file = '';
    const cited: Array<{ file: string; title: string }> = [];
    for (const m of claims.matchAll(/`(test\/[\w/.-]+\.test\.ts)`|\*([^*]+)\*/g)) {
      if (m[1]) file = m[1];
      else cited.push({ file, title: m[2].replace(/\s+/g, ' ') });
    }
    const titles = (f: string) => [...fs.readFileSync(path.join(__dirname, '..', f), 'utf8').matchAll(/\btest\('((?:[^'\\]|\\.)*)'/g)]
      .map((m) => m[1].replace(/\\'/g, "'"));
    expect(cited.length).toBe(7);
    expect(cited.filter((c) => !titles(c.file).some((t) => t.includes(c.title)))).toEqual([]);

    const hello = fs.readFileSync(path.join(__dirname, '..', 'assets', 'web', 'cgi-bin', 'hello.py'), 'utf8');
    expect(claims).toContain('`SET <COUNTER_KEY>:visit:<id> 1 NX EX 30`');
    expect(hello).toMatch(/^MARKER_SECONDS = 30$/m);
    expect(hello).toContain("redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1])");
    expect(claims).toContain('Each attempt gives up after 1 s without an answer');
    expect(hello).toMatch(/^TIMEOUT_SECONDS = 1\.0$/m);
    expect(readDoc('docs/zero-downtime.md')).not.toMatch(/never retries it|sent once and never retried/);
  });

  test('with the failover windows it and docs/zero-downtime.md quote, the construct agrees', () => {
    const tutorial = tier().tier.failoverWindow.toSeconds();
    const fast = tier({ healthCheck: WebHealthCheckPresets.fast() }).tier.failoverWindow.toSeconds();
    expect(readDoc('docs/zero-downtime.md')).toContain(`${tutorial} s by default`);
    expect(readDoc('docs/zero-downtime.md')).toContain(`about ${fast} s with \`WebHealthCheckPresets.fast()\``);
    expect(README).toContain(`(${tutorial} s with the tutorial's settings)`);
    expect(README).toContain(`a dead server leaves rotation within about ${fast} s`);
  });
});
