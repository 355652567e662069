import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { logicalId, referencedId, resourcesOfType, securityGroupRules, statementsGrantedTo } from '../util';
import { resourceOf, secureTier, SSM_CORE_POLICY, stackArn } from './secure-tier';

describe('ZeroDowntimeWebTier secure defaults', () => {
  // GIVEN a tier with no props, shared by the tests that only read it
  const { tier, template } = secureTier();
  const launchTemplates: Array<[string, ec2.LaunchTemplate]> = [['web', tier.webFleet.launchTemplate], ['bastion', tier.bastion.launchTemplate]];
  const launchTemplateData = (launchTemplate: ec2.LaunchTemplate) =>
    resourceOf(template, 'AWS::EC2::LaunchTemplate', logicalId(launchTemplate)).Properties.LaunchTemplateData;
  const sg = {
    web: logicalId(tier.webFleet.securityGroup),
    bastion: logicalId(tier.bastion.securityGroup),
    redis: logicalId(tier.cache.securityGroup),
  };

  describe('instances', () => {
    test('with no props, there are exactly the two launch templates, web and bastion', () => {
      // THEN
      template.resourceCountIs('AWS::EC2::LaunchTemplate', 2);
    });

    test.each(launchTemplates)('with no props, the %s launch template requires IMDSv2 with a hop limit of 1', (_name, launchTemplate) => {
      // THEN
      expect(launchTemplateData(launchTemplate).MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    });

    test.each(launchTemplates)('with no props, the %s launch template encrypts its only (root) EBS volume', (_name, launchTemplate) => {
      // THEN
      expect(launchTemplateData(launchTemplate).BlockDeviceMappings).toEqual([
        { DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 8, VolumeType: 'gp3' } },
      ]);
    });

    test.each(launchTemplates)('with no props, the %s launch template turns on detailed monitoring', (_name, launchTemplate) => {
      // THEN
      expect(launchTemplateData(launchTemplate).Monitoring).toEqual({ Enabled: true });
    });
  });

  describe('Session Manager', () => {
    test.each([['web', tier.webFleet.role], ['bastion', tier.bastion.role]])('with no props, the %s role may use Session Manager but read no SSM parameter', (_name, role) => {
      // GIVEN
      const statements = statementsGrantedTo(template, logicalId(role));
      // THEN
      expect(resourceOf(template, 'AWS::IAM::Role', logicalId(role)).Properties.ManagedPolicyArns ?? []).not.toContainEqual(SSM_CORE_POLICY);
      expect(statements.flatMap(s => [s.Action].flat())).toEqual(expect.arrayContaining([
        'ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:OpenDataChannel', 'ec2messages:GetMessages',
      ]));
      expect(statements.flatMap(s => [s.Action].flat()).filter((a: string) => a.startsWith('ssm:Get') || a.endsWith(':*') || a === '*')).toEqual([]);
    });

    test('with no sshPublicKey, there is no key pair and neither launch template names a key', () => {
      // THEN
      template.resourceCountIs('AWS::EC2::KeyPair', 0);
      for (const [, launchTemplate] of launchTemplates) {
        expect(launchTemplateData(launchTemplate).KeyName).toBeUndefined();
      }
    });
  });

  describe('bastion Elastic IP permission', () => {
    const statements = statementsGrantedTo(template, logicalId(tier.bastion.role)).filter(s => !String(s.Sid).startsWith('SessionManager'));
    const bySid = (sid: string) => statements.filter(s => s.Sid === sid);

    test('with no props, the bastion role may only ec2:AssociateAddress, in exactly three statements', () => {
      // THEN
      expect(statements.map(s => [s.Effect, s.Action])).toEqual(Array(3).fill(['Allow', 'ec2:AssociateAddress']));
    });

    test('with no props, the address statement names this Elastic IP\'s allocation only', () => {
      // THEN
      expect(bySid('AssociateOwnElasticIp')).toEqual([expect.objectContaining({
        Resource: stackArn('ec2', ':elastic-ip/', { 'Fn::GetAtt': [logicalId(tier.bastion.elasticIp), 'AllocationId'] }),
      })]);
      expect(bySid('AssociateOwnElasticIp')[0].Condition).toBeUndefined();
    });

    test('with no props, the instance statement matches only instances with the bastion\'s instance profile', () => {
      // GIVEN the profile the bastion's launch template launches with
      const profileArn = launchTemplateData(tier.bastion.launchTemplate).IamInstanceProfile.Arn;
      expect(profileArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
      // THEN
      expect(bySid('AssociateToOwnInstance')).toEqual([expect.objectContaining({
        Resource: stackArn('ec2', ':instance/*'),
        Condition: { ArnEquals: { 'ec2:InstanceProfile': profileArn } },
      })]);
    });

    test('with no props, the network-interface statement matches only interfaces in the tier\'s VPC', () => {
      // THEN
      expect(bySid('AssociateInOwnVpc')).toEqual([expect.objectContaining({
        Resource: stackArn('ec2', ':network-interface/*'),
        Condition: { ArnEquals: { 'ec2:Vpc': stackArn('ec2', ':vpc/', { Ref: logicalId(tier.vpc) }) } },
      })]);
    });

    test('with no props, no statement of the bastion role has Resource "*"', () => {
      // THEN
      expect(statements.flatMap(s => [s.Resource].flat()).filter(r => r === '*')).toEqual([]);
    });
  });

  describe('explicit egress', () => {
    test('with no props, the web servers may send only HTTPS anywhere and Redis to the Redis group', () => {
      // THEN
      expect(securityGroupRules(template, sg.web, 'egress')).toEqual(['tcp/443 0.0.0.0/0', `tcp/6379 sg:${sg.redis}`]);
    });

    test('with no props, the bastion may send only SSH to the web servers and HTTPS anywhere', () => {
      // THEN
      expect(securityGroupRules(template, sg.bastion, 'egress')).toEqual([`tcp/22 sg:${sg.web}`, 'tcp/443 0.0.0.0/0']);
    });

    test('with no props, Redis may send nothing: its only egress rule is CDK\'s disallow-all placeholder', () => {
      // THEN
      expect(securityGroupRules(template, sg.redis, 'egress')).toEqual([]);
      expect(resourceOf(template, 'AWS::EC2::SecurityGroup', sg.redis).Properties.SecurityGroupEgress).toEqual([
        { CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 },
      ]);
    });
  });

  describe('VPC flow logs', () => {
    const flowLogOf = (t: Template) => Object.values(resourcesOfType(t, 'AWS::EC2::FlowLog'));

    test('with no props, one flow log records ALL of the VPC\'s traffic into the flow-log group', () => {
      // THEN
      expect(flowLogOf(template).map(f => f.Properties)).toEqual([expect.objectContaining({
        ResourceType: 'VPC',
        ResourceId: { Ref: logicalId(tier.vpc) },
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: { Ref: logicalId(tier.network!.flowLogGroup!) },
      })]);
    });

    test('with no props, the flow-log group keeps logs for 365 days', () => {
      // THEN
      expect(resourceOf(template, 'AWS::Logs::LogGroup', logicalId(tier.network!.flowLogGroup!)).Properties.RetentionInDays).toBe(365);
    });

    test('with flowLogRetention TWO_YEARS, the flow-log group keeps logs for 731 days', () => {
      // WHEN
      const custom = secureTier({ flowLogRetention: logs.RetentionDays.TWO_YEARS });
      // THEN
      expect(resourceOf(custom.template, 'AWS::Logs::LogGroup', logicalId(custom.tier.network!.flowLogGroup!)).Properties.RetentionInDays).toBe(731);
    });

    test('with flowLogs false, there is no flow log, no log group and no flow-log role or policy', () => {
      // WHEN
      const custom = secureTier({ flowLogs: false });
      // THEN
      custom.template.resourceCountIs('AWS::EC2::FlowLog', 0);
      // the one log group left is the web servers' application logs
      expect(Object.keys(custom.template.findResources('AWS::Logs::LogGroup'))).toEqual([logicalId(custom.tier.webFleet.logGroup!)]);
      expect(JSON.stringify(custom.template.toJSON())).not.toContain('vpc-flow-logs.amazonaws.com');
      // web, bastion, the Session Manager policy of each (and no flow-log policy)
      custom.template.resourceCountIs('AWS::IAM::ManagedPolicy', 4);
      expect(custom.tier.network!.flowLog).toBeUndefined();
    });

    test('with no props, the flow-log role may only write to that log group, through a customer managed policy', () => {
      // GIVEN
      const roleId = referencedId(flowLogOf(template)[0].Properties.DeliverLogsPermissionArn)!;
      // THEN
      expect(statementsGrantedTo(template, roleId)).toEqual([{
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalId(tier.network!.flowLogGroup!), 'Arn'] },
      }]);
      const inline = Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
        .filter(p => p.Properties.Roles.some((r: unknown) => referencedId(r) === roleId));
      expect(inline).toEqual([]);
      expect(resourceOf(template, 'AWS::IAM::Role', roleId).Properties.Policies).toBeUndefined();
    });

    test('with no props, the VPC\'s default security group is stripped of its rules', () => {
      // THEN
      template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
      template.hasResourceProperties('Custom::VpcRestrictDefaultSG', {
        DefaultSecurityGroupId: { 'Fn::GetAtt': [logicalId(tier.vpc), 'DefaultSecurityGroup'] },
      });
    });
  });
});
