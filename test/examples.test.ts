import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { fourStacksApp } from '../examples/four-stacks-app';
import { summarize } from '../examples/summary';
import { tutorialApp } from '../examples/tutorial-app';

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

  test('with the parts split over four stacks, the web stack deploys after the other three', () => {
    const dependencies = assembly.getStackByName(web.stackName).dependencies.map(d => d.id);
    expect(dependencies).toEqual(expect.arrayContaining([network.artifactId, bastion.artifactId, database.artifactId]));
  });
});
