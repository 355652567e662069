import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { literalRedis } from './fleet-helpers';
import { RedisCache, WebFleet, WebFleetProps, WebTierNetwork } from '../../src';
import {
  cidrsOfSubnets, deployedUserDataBytes, logicalId, newStack, onlyResource, resourcesOfType,
  tutorialCidrs, typeOf, userDataOf, variablesExportedBy,
} from '../util';

/** A stack with the network, Redis and a web fleet that counts in it. */
function fleetWithCache(props: Partial<WebFleetProps> = {}) {
  const stack = newStack();
  const network = new WebTierNetwork(stack, 'Network');
  const cache = new RedisCache(stack, 'Cache', { vpc: network.vpc });
  const fleet = new WebFleet(stack, 'WebFleet', { vpc: network.vpc, redis: cache, ...props });
  const template = Template.fromStack(stack);
  return { fleet, template, userData: userDataOf(template, logicalId(fleet.launchTemplate)) };
}

describe('WebFleet', () => {
  // GIVEN a fleet with no optional props, shared by the tests that only read it
  const { fleet, template, userData } = fleetWithCache();
  const variables = variablesExportedBy(userData);

  test('used alone with a Redis of its own (an IRedisConnection), it synthesizes one Auto Scaling group that uses that host', () => {
    // GIVEN
    const stack = newStack();
    const network = new WebTierNetwork(stack, 'Network');
    // WHEN
    const alone = new WebFleet(stack, 'WebFleet', { vpc: network.vpc, redis: literalRedis(stack, network.vpc) });
    // THEN
    const aloneTemplate = Template.fromStack(stack);
    aloneTemplate.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
    expect(variablesExportedBy(userDataOf(aloneTemplate, logicalId(alone.launchTemplate))).get('WEBTIER_REDIS_HOST')).toBe('redis.example.internal');
  });

  test('with no props, the group keeps exactly 3 servers: the 2 of minCapacity survive the loss of any of the three AZs', () => {
    // THEN
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '3', MaxSize: '3' });
  });

  test('with no props, the servers run in the three web subnets', () => {
    // THEN
    const asg = onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup');
    expect(cidrsOfSubnets(template, asg.Properties.VPCZoneIdentifier)).toEqual(tutorialCidrs(40));
  });

  test('with no props, the group replaces servers that fail the load balancer health check, after a grace period', () => {
    // THEN
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: Match.anyValue(),
    });
    expect(onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup').Properties.HealthCheckGracePeriod).toBeGreaterThan(0);
  });

  test('with no props, the group launches from its launch template, and there is no launch configuration', () => {
    // THEN
    const id = logicalId(fleet.launchTemplate);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      LaunchTemplate: { LaunchTemplateId: { Ref: id }, Version: { 'Fn::GetAtt': [id, 'LatestVersionNumber'] } },
    });
    template.resourceCountIs('AWS::AutoScaling::LaunchConfiguration', 0);
  });

  test('with no props, the image is the latest Amazon Linux 2023 from its public SSM parameter', () => {
    // THEN
    const launchTemplate = resourcesOfType(template, 'AWS::EC2::LaunchTemplate')[logicalId(fleet.launchTemplate)];
    const parameter = template.toJSON().Parameters[launchTemplate.Properties.LaunchTemplateData.ImageId.Ref];
    expect(parameter).toEqual({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: expect.stringMatching(/^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-/),
    });
  });

  test('with no props, the servers get no public IP', () => {
    // THEN
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false, DeviceIndex: 0 })],
      }),
    });
  });

  test('with no props, the servers require IMDSv2', () => {
    // THEN
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ MetadataOptions: Match.objectLike({ HttpTokens: 'required' }) }),
    });
  });

  test('with no props, the root volume is encrypted', () => {
    // THEN
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true }) }],
      }),
    });
  });

  test('with no props, the servers are t3.micro', () => {
    // THEN
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ InstanceType: 't3.micro' }),
    });
  });

  test('with no props, the user-data runs the bootstrap after exporting its settings', () => {
    // THEN
    const lines = userData.split('\n');
    const lastExport = lines.map(line => line.startsWith('export ')).lastIndexOf(true);
    const run = lines.findIndex(line => /^(?!cat |chmod ).*\/opt\/webtier\/bootstrap-web\.sh\b/.test(line));
    expect(lastExport).toBeGreaterThan(0);
    expect(run).toBeGreaterThan(lastExport);
  });

  test('with a RedisCache endpoint, the user-data exports WEBTIER_REDIS_HOST as the replication group primary endpoint', () => {
    // THEN
    const [, id, attribute] = /^\{\{GetAtt:(\w+)\.(.+)\}\}$/.exec(variables.get('WEBTIER_REDIS_HOST') ?? '') ?? [];
    expect(typeOf(template, id)).toBe('AWS::ElastiCache::ReplicationGroup');
    expect(attribute).toBe('PrimaryEndPoint.Address');
  });

  test('with no props, the user-data exports web port 8000 and Redis port 6379', () => {
    // THEN
    expect(variables.get('WEBTIER_WEB_PORT')).toBe('8000');
    expect(variables.get('WEBTIER_REDIS_PORT')).toBe('6379');
  });

  test('with no props, the deployed user-data is a small fixed bootstrap under 4096 bytes', () => {
    // THEN
    expect(deployedUserDataBytes(userData)).toBeLessThan(4096);
  });

  test('with webPort 8080, the user-data exports WEBTIER_WEB_PORT 8080', () => {
    // WHEN
    const custom = fleetWithCache({ webPort: 8080 });
    // THEN
    expect(variablesExportedBy(custom.userData).get('WEBTIER_WEB_PORT')).toBe('8080');
  });

  test('with instanceType and capacities, the launch template and the group carry them', () => {
    // WHEN
    const custom = fleetWithCache({
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7I, ec2.InstanceSize.LARGE),
      minCapacity: 3,
      maxCapacity: 6,
      desiredCapacity: 4,
      staticStability: false,
    }).template;
    // THEN
    custom.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: 'm7i.large' }) });
    custom.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '3', MaxSize: '6', DesiredCapacity: '4' });
  });

  // EC2 rejects an AMI whose architecture differs from the instance type's.
  test('with a Graviton instanceType, the image is the arm64 Amazon Linux 2023', () => {
    // WHEN
    const custom = fleetWithCache({ instanceType: new ec2.InstanceType('t4g.micro') }).template;
    // THEN
    const launchTemplate = onlyResource(custom, 'AWS::EC2::LaunchTemplate');
    expect(custom.toJSON().Parameters[launchTemplate.Properties.LaunchTemplateData.ImageId.Ref].Default).toMatch(/arm64$/);
  });
});
