import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Bastion, BastionProps, WebTierNetwork } from '../../src';
import {
  cidrsOfSubnets, filesWrittenBy, logicalId, newStack, onlyResource, referencedId, resourcesOfType,
  securityGroupRules, statementsGrantedTo, tutorialCidrs, userDataOf, variablesExportedBy,
} from '../util';

/** A stack with the network and a bastion, and nothing else. */
function bastionAlone(props: Partial<BastionProps> = {}) {
  const stack = newStack();
  const network = new WebTierNetwork(stack, 'Network');
  const bastion = new Bastion(stack, 'Bastion', { vpc: network.vpc, ...props });
  return { bastion, template: Template.fromStack(stack) };
}

describe('Bastion', () => {
  // GIVEN a bastion with no optional props, shared by the tests that only read it
  const { bastion, template } = bastionAlone();
  const userData = userDataOf(template, logicalId(bastion.launchTemplate));
  const eipId = logicalId(bastion.elasticIp);
  // Session Manager's statements (SessionManager*) are checked on their own below; the rest is the bastion's own.
  const granted = statementsGrantedTo(template, logicalId(bastion.role));
  const sessionManager = granted.filter(s => String(s.Sid).startsWith('SessionManager'));
  const statements = granted.filter(s => !sessionManager.includes(s));

  test('used alone in a stack, it synthesizes one Auto Scaling group of exactly one instance', () => {
    // THEN
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '1', MaxSize: '1' });
  });

  test('with no props, the bastion runs in the three bastion subnets', () => {
    // THEN
    const asg = onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup');
    expect(cidrsOfSubnets(template, asg.Properties.VPCZoneIdentifier)).toEqual(tutorialCidrs(30));
  });

  test('with no props, there is one Elastic IP for the bastion beside the three of the NAT gateways', () => {
    // THEN
    template.resourceCountIs('AWS::EC2::EIP', 4);
    const natAllocations = Object.values(resourcesOfType(template, 'AWS::EC2::NatGateway')).map(nat => referencedId(nat.Properties.AllocationId));
    const others = Object.keys(resourcesOfType(template, 'AWS::EC2::EIP')).filter(id => !natAllocations.includes(id));
    expect(others).toEqual([eipId]);
  });

  test('with no props, the user-data hands the Elastic IP allocation id to the association script and runs it', () => {
    // THEN
    expect(variablesExportedBy(userData).get('WEBTIER_EIP_ALLOCATION_ID')).toBe(`{{GetAtt:${eipId}.AllocationId}}`);
    expect(filesWrittenBy(userData).has('/opt/webtier/associate-eip.sh')).toBe(true);
    expect(userData.trimEnd().split('\n').pop()).toBe('/opt/webtier/associate-eip.sh');
  });

  test('with no props, the role may call ec2:AssociateAddress and nothing else, never ec2:*', () => {
    // THEN
    expect(statements.length).toBeGreaterThan(0);
    expect(JSON.stringify(statements)).not.toContain('ec2:*');
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect([statement.Action].flat()).toEqual(['ec2:AssociateAddress']);
      expect(statement.NotAction).toBeUndefined();
    }
  });

  test('with no props, no statement of the role is on Resource "*" alone', () => {
    // THEN
    for (const statement of statements) {
      expect([statement.Resource].flat()).not.toContain('*');
      expect(statement.NotResource).toBeUndefined();
    }
  });

  test('with no props, the role may associate only the bastion\'s own Elastic IP', () => {
    // THEN
    const eipStatements = statements.filter(s => JSON.stringify(s.Resource).includes(':elastic-ip/'));
    expect(eipStatements).toHaveLength(1);
    expect(eipStatements[0].Resource['Fn::Join'][1].slice(-2)).toEqual([':elastic-ip/', { 'Fn::GetAtt': [eipId, 'AllocationId'] }]);
  });

  test('with no props, the role has no AWS managed policy (AmazonSSMManagedInstanceCore would read every SSM parameter)', () => {
    // THEN
    const role = resourcesOfType(template, 'AWS::IAM::Role')[logicalId(bastion.role)];
    expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toContain(':iam::aws:policy/');
  });

  test('with no props, Session Manager works through the agent\'s own actions only, and no ssm:GetParameter', () => {
    // THEN
    expect(sessionManager.map(s => [s.Sid, s.Action].flat())).toEqual([
      ['SessionManagerRegister', 'ssm:UpdateInstanceInformation'],
      ['SessionManagerChannels', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel'],
      ['SessionManagerMessages', 'ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage',
        'ec2messages:GetEndpoint', 'ec2messages:GetMessages', 'ec2messages:SendReply'],
    ]);
    expect(JSON.stringify(granted)).not.toMatch(/ssm:Get|ssm:\*|"\*"\s*,?\s*"Effect"|"Action":"\*"/);
  });

  test('with no props, the bastion admits no SSH at all', () => {
    // THEN
    expect(securityGroupRules(template, logicalId(bastion.securityGroup), 'ingress')).toEqual([]);
  });

  test('with allowSshAccessFrom, SSH comes in only from the peers given', () => {
    // GIVEN
    const stack = newStack();
    const custom = new Bastion(stack, 'Bastion', { vpc: new WebTierNetwork(stack, 'Network').vpc });
    // WHEN
    custom.allowSshAccessFrom(ec2.Peer.ipv4('203.0.113.7/32'), ec2.Peer.ipv4('198.51.100.0/24'));
    // THEN
    expect(securityGroupRules(Template.fromStack(stack), logicalId(custom.securityGroup), 'ingress'))
      .toEqual(['tcp/22 198.51.100.0/24', 'tcp/22 203.0.113.7/32']);
  });

  test('with no props, the bastion is a t3.nano that requires IMDSv2 and encrypts its root volume', () => {
    // THEN
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 't3.nano',
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true }) }],
      }),
    });
  });

  test('with a Graviton instanceType, the image is the arm64 Amazon Linux 2023', () => {
    // WHEN
    const custom = bastionAlone({ instanceType: new ec2.InstanceType('t4g.nano') }).template;
    // THEN
    const launchTemplate = onlyResource(custom, 'AWS::EC2::LaunchTemplate');
    expect(custom.toJSON().Parameters[launchTemplate.Properties.LaunchTemplateData.ImageId.Ref].Default).toMatch(/arm64$/);
  });

  test('with about 20 KB of commands added to its user-data, synthesis fails naming the bastion and the 16 KB limit', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const custom = new Bastion(stack, 'Bastion', { vpc: new WebTierNetwork(stack, 'Network').vpc });
    // WHEN
    custom.userData.addCommands(...Array.from({ length: 200 }, (_, i) => `echo ${i} ${'x'.repeat(100)}`));
    // THEN
    expect(() => app.synth()).toThrow(/user-data of the bastion .*16 KB/);
  });

  test('with no props, the group names the AZs of its three subnets on itself', () => {
    // THEN
    const group = resourcesOfType(template, 'AWS::AutoScaling::AutoScalingGroup')[logicalId(bastion.autoScalingGroup)];
    const subnets = resourcesOfType(template, 'AWS::EC2::Subnet');
    const zonesOfSubnets = group.Properties.VPCZoneIdentifier.map((ref: unknown) => subnets[referencedId(ref)!].Properties.AvailabilityZone);
    expect(zonesOfSubnets).toHaveLength(3);
    expect(group.Properties.AvailabilityZones).toEqual(zonesOfSubnets);
  });
});

describe('Bastion warnings', () => {
  test.each<[string, ec2.IPeer]>([
    ['ec2.Peer.anyIpv4()', ec2.Peer.anyIpv4()],
    ['ec2.Peer.ipv4("0.0.0.0/0")', ec2.Peer.ipv4('0.0.0.0/0')],
    ['ec2.Peer.anyIpv6()', ec2.Peer.anyIpv6()],
  ])('warns with allowSshAccessFrom(%s): SSH open to the whole internet', (_case, peer) => {
    // GIVEN
    const stack = newStack();
    const bastion = new Bastion(stack, 'Bastion', { vpc: new WebTierNetwork(stack, 'Network').vpc });
    // WHEN
    bastion.allowSshAccessFrom(peer);
    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Bastion',
      Match.stringLikeRegexp(`SSH into the bastion is open to ${peer.uniqueId.replace(/\./g, '\\.')}.*\\[ack: cdk-zero-downtime-web-tier:sshOpenToWorld\\]`));
    expect(warnings).toHaveLength(1);
  });

  test('with allowSshAccessFrom a /32, there is no warning', () => {
    // GIVEN
    const stack = newStack();
    const bastion = new Bastion(stack, 'Bastion', { vpc: new WebTierNetwork(stack, 'Network').vpc });
    // WHEN
    bastion.allowSshAccessFrom(ec2.Peer.ipv4('203.0.113.7/32'));
    // THEN
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('SSH into the bastion is open'));
  });

  test('warns when its Elastic IP takes the stack over the default quota of 5', () => {
    // GIVEN a network with 3 NAT gateways (3 Elastic IPs)
    const stack = newStack();
    const vpc = new WebTierNetwork(stack, 'Network').vpc;
    // WHEN three bastions add 3 more
    ['One', 'Two', 'Three'].forEach(id => new Bastion(stack, id, { vpc }));
    // THEN
    expect(Annotations.fromStack(stack).findWarning('/Stack', Match.stringLikeRegexp('allocates 6 Elastic IPs'))).toHaveLength(1);
  });
});
