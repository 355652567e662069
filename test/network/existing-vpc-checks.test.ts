// Issue #20, family 8 (existing VPC placement): the load balancer and the bastion need a route to an internet
// gateway, the load balancer subnets of /27 or larger, and web servers without a route out need VPC endpoints for
// what they reach at boot. Checked where the routes, subnet types and CIDRs can be known at synth.
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, newStack } from '../util';

/** The user's VPC over 2 AZs: public, private with egress and isolated subnets, of `mask` bits each. */
function usersVpc(stack: Stack, mask = 24): ec2.Vpc {
  return new ec2.Vpc(stack, 'Mine', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: mask },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
}

/** A VPC imported by attributes: what the user declares of each subnet is all the tier knows. */
function importedVpc(stack: Stack, extra: Partial<ec2.VpcAttributes> = {}): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-3a', 'eu-west-3b'],
    publicSubnetIds: ['subnet-pub-a', 'subnet-pub-b'],
    privateSubnetIds: ['subnet-app-a', 'subnet-app-b'],
    isolatedSubnetIds: ['subnet-data-a', 'subnet-data-b'],
    ...extra,
  });
}

function addEndpoints(vpc: ec2.Vpc, services: Array<'s3' | 'secretsmanager' | 'cloudformation' | 'elasticloadbalancing' | 'logs'>): void {
  const interfaces = {
    secretsmanager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    cloudformation: ec2.InterfaceVpcEndpointAwsService.CLOUDFORMATION,
    elasticloadbalancing: ec2.InterfaceVpcEndpointAwsService.ELASTIC_LOAD_BALANCING,
    logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  };
  for (const service of services) {
    if (service === 's3') {
      vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    } else {
      vpc.addInterfaceEndpoint(service, { service: interfaces[service] });
    }
  }
}

type Case = [string, (stack: Stack) => ZeroDowntimeWebTierProps, { prop: string; received: string; rule: RegExp }];

describe('existing VPC placement: internet-facing parts', () => {
  test.each<Case>([
    ['the load balancer in private subnets with egress', stack => ({ vpc: usersVpc(stack), subnets: { alb: { subnetGroupName: 'App' } } }),
      { prop: 'subnets.alb', received: 'Stack/Mine/AppSubnet1', rule: /must select public subnets, with a route to an internet gateway: the load balancer/ }],
    ['the load balancer in isolated subnets', stack => ({ vpc: usersVpc(stack), subnets: { alb: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } } }),
      { prop: 'subnets.alb', received: 'DataSubnet', rule: /route 0\.0\.0\.0\/0 elsewhere or nowhere/ }],
    ['the bastion in private subnets with egress', stack => ({ vpc: usersVpc(stack), subnets: { bastion: { subnetGroupName: 'App' } } }),
      { prop: 'subnets.bastion', received: 'AppSubnet', rule: /the bastion reaches the EC2 API to claim its Elastic IP/ }],
    ['the load balancer in subnets an imported VPC declares private', stack => ({
      vpc: importedVpc(stack), subnets: { alb: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } },
    }), { prop: 'subnets.alb', received: 'subnet-app-a', rule: /must select public subnets/ }],
    ['the bastion in subnets an imported VPC declares isolated', stack => ({
      vpc: importedVpc(stack), subnets: { bastion: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } },
    }), { prop: 'subnets.bastion', received: 'subnet-data-b', rule: /must select public subnets/ }],
    ['the load balancer in subnets made in the app whose routes go to no internet gateway', stack => {
      const vpc = usersVpc(stack);
      const own = [0, 1].map(i => new ec2.Subnet(stack, `Own${i}`, {
        vpcId: vpc.vpcId, availabilityZone: vpc.availabilityZones[i], cidrBlock: `10.0.${200 + i}.0/24`,
      }));
      return { vpc, subnets: { alb: { subnets: own } } };
    }, { prop: 'subnets.alb', received: 'Stack/Own0', rule: /must select public subnets/ }],
    ['load balancer subnets smaller than /27', stack => ({ vpc: usersVpc(stack, 28) }),
      { prop: 'subnets.alb', received: '/28', rule: /must select subnets of \/27 or larger: an Application Load Balancer needs at least a \/27/ }],
    ['load balancer subnets an imported VPC declares /28', stack => ({
      vpc: importedVpc(stack, { publicSubnetIpv4CidrBlocks: ['10.0.0.0/28', '10.0.0.16/28'] }),
    }), { prop: 'subnets.alb', received: '10.0.0.16/28', rule: /of \/27 or larger/ }],
  ])('fails with %s', (_case, props, expected) => {
    const stack = newStack();
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier', props(stack)), expected);
  });

  test('with /27 public subnets, or subnets imported without their CIDR, the load balancer is placed', () => {
    for (const props of [(s: Stack) => ({ vpc: usersVpc(s, 27) }), (s: Stack) => ({ vpc: importedVpc(s) })]) {
      const stack = newStack();
      expect(new ZeroDowntimeWebTier(stack, 'Tier', props(stack)).loadBalancer).toBeDefined();
    }
  });

  test('with subnets given by id outside the VPC\'s lists, their routes cannot be known at synth: the tier takes them', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const byId = ['a', 'b'].map(az => ec2.Subnet.fromSubnetAttributes(stack, `Given${az}`, { subnetId: `subnet-given-${az}`, availabilityZone: `eu-west-3${az}` }));
    expect(new ZeroDowntimeWebTier(stack, 'Tier', { vpc, subnets: { alb: { subnets: byId } } }).loadBalancer).toBeDefined();
  });
});

describe('existing VPC placement: web servers without a route out', () => {
  test.each<Case>([
    ['isolated web subnets and no endpoint', stack => ({ vpc: usersVpc(stack), subnets: { web: { subnetGroupName: 'Data' } } }),
      { prop: 'subnets.web', received: 'DataSubnet1', rule: /no endpoint for s3, secretsmanager, cloudformation, elasticloadbalancing, logs/ }],
    ['isolated web subnets and only an S3 endpoint', stack => {
      const vpc = usersVpc(stack);
      addEndpoints(vpc, ['s3']);
      return { vpc, subnets: { web: { subnetGroupName: 'Data' } } };
    }, { prop: 'subnets.web', received: 'DataSubnet2', rule: /no endpoint for secretsmanager, cloudformation, elasticloadbalancing, logs \(/ }],
    ['isolated web subnets and every endpoint but CloudFormation (no signal, every deploy rolls back)', stack => {
      const vpc = usersVpc(stack);
      addEndpoints(vpc, ['s3', 'secretsmanager', 'elasticloadbalancing', 'logs']);
      return { vpc, subnets: { web: { subnetGroupName: 'Data' } } };
    }, { prop: 'subnets.web', received: 'DataSubnet', rule: /no endpoint for cloudformation \(/ }],
  ])('fails with %s', (_case, props, expected) => {
    const stack = newStack();
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier', props(stack)), expected);
  });

  test.each<[string, Array<'s3' | 'secretsmanager' | 'cloudformation' | 'elasticloadbalancing' | 'logs'>, ZeroDowntimeWebTierProps]>([
    ['every endpoint the boot needs', ['s3', 'secretsmanager', 'cloudformation', 'elasticloadbalancing', 'logs'], {}],
    ['every endpoint but CloudWatch Logs, with applicationLogs false', ['s3', 'secretsmanager', 'cloudformation', 'elasticloadbalancing'], { applicationLogs: false }],
  ])('with isolated web subnets and %s, the web servers are placed there', (_case, services, extra) => {
    const stack = newStack();
    const vpc = usersVpc(stack);
    addEndpoints(vpc, services);
    const tier = new ZeroDowntimeWebTier(stack, 'Tier', { vpc, subnets: { web: { subnetGroupName: 'Data' } }, ...extra });
    expect(tier.webAutoScalingGroup).toBeDefined();
  });

  test('warns with isolated web subnets of an imported VPC, whose endpoints cannot be seen at synth', () => {
    const stack = newStack();
    new ZeroDowntimeWebTier(stack, 'Tier', { vpc: importedVpc(stack), subnets: { web: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } } });
    expect(Annotations.fromStack(stack).findWarning('/Stack/Tier', Match.stringLikeRegexp(
      'subnets.web selects subnets with no route out \\(subnet-data-a, subnet-data-b\\).*VPC endpoints for s3, secretsmanager, cloudformation.*' +
      'cdk-zero-downtime-web-tier:webSubnetsWithoutEgress'))).toHaveLength(1);
  });

  test('with the default placement in the user\'s VPC, there is no placement warning', () => {
    const stack = newStack();
    new ZeroDowntimeWebTier(stack, 'Tier', { vpc: usersVpc(stack) });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('webSubnetsWithoutEgress'))).toEqual([]);
  });
});
