import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { fourStacksApp } from '../examples/four-stacks-app';
import { nodeExampleApp } from '../examples/node-app';
import { summarize } from '../examples/summary';
import { tutorialApp } from '../examples/tutorial-app';
import { WebFleet } from '../src';
import { logicalId, statementsGrantedTo, userDataOf, variablesExportedBy } from './util';

function tempOutdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-example-'));
}

describe('the example app (npm run example)', () => {
  // GIVEN
  const { app, stack, tier } = tutorialApp(tempOutdir());
  // WHEN
  const assembly = app.synth();
  const summary = summarize(assembly, stack, tier);

  test('with the one-liner, the template is written to the output folder', () => {
    const artifact = assembly.getStackByName(stack.stackName);
    expect(fs.existsSync(artifact.templateFullPath)).toBe(true);
    expect(JSON.parse(fs.readFileSync(artifact.templateFullPath, 'utf8')).Resources).toBeDefined();
  });

  test('with the one-liner, the summary counts resources by type as the template has them', () => {
    const template = Template.fromStack(stack);
    for (const [type, count] of [['AWS::EC2::Subnet', 15], ['AWS::EC2::NatGateway', 3], ['AWS::AutoScaling::AutoScalingGroup', 2]] as const) {
      template.resourceCountIs(type, count);
      expect(summary).toMatch(new RegExp(`${type.replace(/:/g, ':')}\\s+${count}\\b`));
    }
  });

  test('with the one-liner, the summary lists every output and the failover window', () => {
    const outputs = Object.keys(Template.fromStack(stack).toJSON().Outputs);
    expect(outputs.length).toBe(4);
    for (const name of outputs) {
      expect(summary).toContain(name);
    }
    expect(summary).toContain('Health-check failover window: 63 s');
  });

  test('with the one-liner, the summary says how long a release takes, from the template', () => {
    expect(summary).toMatch(/^Release \(\w+WebFleetASG\w+\): A release of 3 servers takes about 19 min 2 s \(1142 s\): 2 batches/m);
  });
});

describe('the four-stack example (the tutorial\'s network, bastion, database and web stacks)', () => {
  // GIVEN
  const { app, stacks } = fourStacksApp(tempOutdir());
  // WHEN
  const assembly = app.synth();
  const [network, bastion, database, web] = stacks;

  test('with the parts split over four stacks, each stack synthesizes its own resources', () => {
    Template.fromStack(network).resourceCountIs('AWS::EC2::Subnet', 15);
    Template.fromStack(network).resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    Template.fromStack(bastion).resourceCountIs('AWS::EC2::EIP', 1);
    Template.fromStack(database).resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    Template.fromStack(web).resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
  });

  test('with the parts split over four stacks, the web stack imports the others\' values', () => {
    const webTemplate = JSON.stringify(Template.fromStack(web).toJSON());
    const imports = [...webTemplate.matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map(m => m[1]);
    expect(imports.some(name => name.startsWith('Tuto07Network:'))).toBe(true);
    expect(imports.some(name => name.startsWith('Tuto07Database:'))).toBe(true);
    expect(imports.some(name => name.startsWith('Tuto07Bastion:'))).toBe(true);
  });

  test('with the parts split over four stacks, the web servers talk to the database stack\'s Redis with TLS and its AUTH token', () => {
    // GIVEN
    const template = Template.fromStack(web);
    const fleet = web.node.findChild('WebFleet') as WebFleet;
    const variables = variablesExportedBy(userDataOf(template, logicalId(fleet.launchTemplate)));
    const imported = (value: string | undefined) => /^\{\{\{"Fn::ImportValue":"(Tuto07Database:[^"]+)"\}\}\}$/.exec(value ?? '')?.[1];
    // THEN the endpoint and the AUTH secret come from the database stack, with TLS on
    expect(imported(variables.get('WEBTIER_REDIS_HOST'))).toMatch(/PrimaryEndPointAddress/);
    expect(imported(variables.get('WEBTIER_REDIS_AUTH_SECRET_ARN'))).toMatch(/AuthToken/);
    expect(variables.get('WEBTIER_REDIS_TLS')).toBe('true');
    // and the servers may read that one secret
    const reads = statementsGrantedTo(template, logicalId(fleet.role)).filter(s => s.Action === 'secretsmanager:GetSecretValue');
    expect(reads.map(s => JSON.stringify(s.Resource))).toEqual([expect.stringMatching(/Tuto07Database:.*AuthToken/)]);
  });

  test('with the parts split over four stacks, the web stack deploys after the other three', () => {
    const dependencies = assembly.getStackByName(web.stackName).dependencies.map(d => d.id);
    expect(dependencies).toEqual(expect.arrayContaining([network.artifactId, bastion.artifactId, database.artifactId]));
  });
});

describe('the Node.js example (EXAMPLE=node npm run example)', () => {
  // GIVEN
  const { app, stack, tier } = nodeExampleApp(tempOutdir());
  // WHEN
  app.synth();
  const variables = variablesExportedBy(userDataOf(Template.fromStack(stack), logicalId(tier.webFleet.launchTemplate)));

  test('with the Node.js web app, the web servers start it with node and check /healthz', () => {
    expect(variables.get('WEBTIER_START_COMMAND')).toBe('exec node server.js');
    expect(variables.get('WEBTIER_HEALTH_PATH')).toBe('/healthz');
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/healthz' });
  });
});
