// The S3 gateway endpoint of the tier's own VPC: routed from the web and bastion subnets only, with a policy that
// lets through the stack's CDK assets and the Region's Amazon Linux 2023 repositories, and nothing wider.
import { App, DefaultStackSynthesizer, LegacyStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { WebTierNetwork, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, newStack, onlyResource, referencedId, resourcesOfType, subnetByCidr, tutorialCidrs } from '../util';

function tierTemplate(stack: Stack = newStack(), props: ZeroDowntimeWebTierProps = {}): Template {
  new ZeroDowntimeWebTier(stack, 'WebTier', props);
  return Template.fromStack(stack);
}

/** The route table of the subnet with this CIDR. */
function routeTableOf(template: Template, cidr: string): string | undefined {
  const subnet = subnetByCidr(template, cidr);
  return Object.values(resourcesOfType(template, 'AWS::EC2::SubnetRouteTableAssociation'))
    .map(a => a.Properties)
    .filter(a => referencedId(a.SubnetId) === subnet.id)
    .map(a => referencedId(a.RouteTableId))[0];
}

describe('S3 gateway endpoint', () => {
  // GIVEN the default one-liner, env-agnostic
  const template = tierTemplate();
  const endpoint = onlyResource(template, 'AWS::EC2::VPCEndpoint').Properties;

  test('with no props, the tier\'s VPC has one S3 gateway endpoint', () => {
    expect([endpoint.VpcEndpointType, endpoint.ServiceName]).toEqual(['Gateway', { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] }]);
    expect(referencedId(endpoint.VpcId)).toBe('WebTierNetwork83B54576');
  });

  test('with no props, it is routed from the web and bastion subnets, and from no ALB, NAT or Redis subnet', () => {
    const routed = endpoint.RouteTableIds.map(referencedId).sort();
    const tablesOf = (base: number) => tutorialCidrs(base).map(cidr => routeTableOf(template, cidr));
    expect(routed).toEqual([...tablesOf(40), ...tablesOf(30)].sort());
    for (const base of [10, 20, 50]) {
      expect(tablesOf(base).filter(table => routed.includes(table))).toEqual([]);
    }
  });

  test('with no props, its policy lets the account read the CDK assets, and anyone read the Amazon Linux 2023 repositories, and nothing else', () => {
    const ownAccount = { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } };
    expect(endpoint.PolicyDocument.Statement).toEqual([
      {
        Sid: 'ReadCdkAssets',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 's3:GetObject',
        Condition: ownAccount,
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}/*' },
      },
      {
        // dnf's requests are anonymous: an account condition would refuse every package download.
        Sid: 'ReadAmazonLinuxRepositories',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::al2023-repos-', { Ref: 'AWS::Region' }, '-de612dc2/*']] },
      },
    ]);
  });

  test('the web servers\' role reads objects of the assets bucket the endpoint lets through (the same bucket)', () => {
    const policies = Object.values(resourcesOfType(template, 'AWS::IAM::ManagedPolicy'))
      .flatMap(p => p.Properties.PolicyDocument.Statement).filter((s: any) => s.Sid === 'ReadBootFilesAndApplication');
    expect(JSON.stringify(policies)).toContain('cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}');
  });

  test('in an environment-aware stack, the policy names the account\'s assets bucket and the Region\'s repositories', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
    const statements = onlyResource(tierTemplate(stack), 'AWS::EC2::VPCEndpoint').Properties.PolicyDocument.Statement;
    expect(JSON.stringify(statements.map((s: any) => s.Resource))).toMatch(
      /cdk-hnb659fds-assets-111111111111-eu-west-1\/\*.*al2023-repos-eu-west-1-de612dc2\/\*/);
  });

  test('with a synthesizer of another qualifier or bucket, the policy names that bucket', () => {
    const stack = new Stack(new App(), 'Stack', { synthesizer: new DefaultStackSynthesizer({ fileAssetsBucketName: 'my-assets-${AWS::Region}' }) });
    const statements = onlyResource(tierTemplate(stack), 'AWS::EC2::VPCEndpoint').Properties.PolicyDocument.Statement;
    expect(statements[0].Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::my-assets-${AWS::Region}/*' });
  });

  test('fails with a synthesizer that names no assets bucket (the boot downloads would be refused)', () => {
    const stack = new Stack(new App(), 'Stack', { synthesizer: new LegacyStackSynthesizer() });
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'WebTier'),
      { prop: 's3GatewayEndpoint', received: 'true', rule: /synthesizer to name its assets bucket .*LegacyStackSynthesizer.*s3GatewayEndpoint: false/ });
  });

  test('with s3GatewayEndpoint false, there is none (and a LegacyStackSynthesizer is fine)', () => {
    const stack = new Stack(new App(), 'Stack', { synthesizer: new LegacyStackSynthesizer() });
    tierTemplate(stack, { s3GatewayEndpoint: false }).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('in a VPC you bring, the tier adds no endpoint', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Existing', { maxAzs: 2, natGateways: 1 });
    tierTemplate(stack, { vpc }).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('fails with s3GatewayEndpoint and a VPC you bring', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Existing', { maxAzs: 2, natGateways: 1 });
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'WebTier', { vpc, s3GatewayEndpoint: true }),
      { prop: 's3GatewayEndpoint', received: 'true', rule: /must not be given with vpc/ });
  });

  test('on the part, WebTierNetwork exposes the endpoint, and your own bucket can be added to its policy', () => {
    const stack = newStack();
    const network = new WebTierNetwork(stack, 'Network');
    network.s3Endpoint!.addToPolicy(new iam.PolicyStatement({
      principals: [new iam.AnyPrincipal()], actions: ['s3:GetObject'], resources: ['arn:aws:s3:::my-bucket/*'],
    }));
    const statements = onlyResource(Template.fromStack(stack), 'AWS::EC2::VPCEndpoint').Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Sid ?? s.Resource)).toEqual(['ReadCdkAssets', 'ReadAmazonLinuxRepositories', 'arn:aws:s3:::my-bucket/*']);
  });
});
