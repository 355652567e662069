import { Duration, StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { acknowledgementsOn } from './policy-harness';
import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import {
  expectInvalidProp, logicalId, newStack, referencedId, resourcesOfType, securityGroupRules, statementsGrantedTo, TemplateResource,
  userDataOf, variablesExportedBy,
} from '../util';

/** A stack with one web tier and nothing else; `stackProps` gives it an environment. */
function secureTier(props?: ZeroDowntimeWebTierProps, stackProps?: StackProps) {
  const stack = newStack(stackProps);
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', props);
  return { stack, tier, template: Template.fromStack(stack) };
}

/** The resource with this logical id, failing unless it has the expected type. */
function resourceOf(template: Template, type: string, id: string): TemplateResource {
  const resource = template.toJSON().Resources[id] as TemplateResource | undefined;
  expect(resource?.Type).toBe(type);
  return resource!;
}

/** The load balancer's attributes, key to value. */
function loadBalancerAttributes(template: Template, tier: ZeroDowntimeWebTier): Map<string, unknown> {
  const alb = resourceOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', logicalId(tier.loadBalancer));
  const attributes: Array<{ Key: string; Value: unknown }> = alb.Properties.LoadBalancerAttributes;
  expect(new Set(attributes.map(a => a.Key)).size).toBe(attributes.length);
  return new Map(attributes.map(a => [a.Key, a.Value]));
}

/** The statements of the access-log bucket's policy. */
function accessLogsStatements(template: Template, tier: ZeroDowntimeWebTier): any[] {
  const bucketId = logicalId(tier.webLoadBalancer.accessLogsBucket!);
  const policies = Object.values(resourcesOfType(template, 'AWS::S3::BucketPolicy')).filter(p => referencedId(p.Properties.Bucket) === bucketId);
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

/** `arn:<partition>:<service>:<region>:<account>:<rest...>` as CDK's `formatArn` renders it in an environment-agnostic stack. */
function stackArn(service: string, ...rest: unknown[]) {
  return {
    'Fn::Join': ['', [
      'arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ...rest,
    ]],
  };
}

/** How many times `needle` occurs in `haystack`. */
function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

const SSM_CORE_POLICY = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] };
const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-3:111111111111:certificate/11111111-2222-3333-4444-555555555555';
const WEB_ACL_ARN = 'arn:aws:wafv2:eu-west-3:111111111111:regional/webacl/tier/11111111-2222-3333-4444-555555555555';

describe('ZeroDowntimeWebTier secure defaults', () => {
  // GIVEN a tier with no props, shared by the tests that only read it
  const { stack, tier, template } = secureTier();
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

  describe('VPC flow logs', () => {
    const flowLogOf = (t: Template) => Object.values(resourcesOfType(t, 'AWS::EC2::FlowLog'));

    test('with no props, one flow log records ALL of the VPC\'s traffic into the flow-log group', () => {
      // THEN
      expect(flowLogOf(template).map(f => f.Properties)).toEqual([expect.objectContaining({
        ResourceType: 'VPC',
        ResourceId: { Ref: logicalId(tier.vpc) },
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: { Ref: logicalId(tier.network.flowLogGroup!) },
      })]);
    });

    test('with no props, the flow-log group keeps logs for 365 days', () => {
      // THEN
      expect(resourceOf(template, 'AWS::Logs::LogGroup', logicalId(tier.network.flowLogGroup!)).Properties.RetentionInDays).toBe(365);
    });

    test('with flowLogRetention TWO_YEARS, the flow-log group keeps logs for 731 days', () => {
      // WHEN
      const custom = secureTier({ flowLogRetention: logs.RetentionDays.TWO_YEARS });
      // THEN
      expect(resourceOf(custom.template, 'AWS::Logs::LogGroup', logicalId(custom.tier.network.flowLogGroup!)).Properties.RetentionInDays).toBe(731);
    });

    test('with flowLogs false, there is no flow log, no log group and no flow-log role or policy', () => {
      // WHEN
      const custom = secureTier({ flowLogs: false });
      // THEN
      custom.template.resourceCountIs('AWS::EC2::FlowLog', 0);
      // the one log group left is the web servers' application logs
      expect(Object.keys(custom.template.findResources('AWS::Logs::LogGroup'))).toEqual([logicalId(custom.tier.webFleet.logGroup!)]);
      expect(JSON.stringify(custom.template.toJSON())).not.toContain('vpc-flow-logs.amazonaws.com');
      // web, bastion (and no flow-log policy)
      custom.template.resourceCountIs('AWS::IAM::ManagedPolicy', 2);
      expect(custom.tier.network.flowLog).toBeUndefined();
    });

    test('with no props, the flow-log role may only write to that log group, through a customer managed policy', () => {
      // GIVEN
      const roleId = referencedId(flowLogOf(template)[0].Properties.DeliverLogsPermissionArn)!;
      // THEN
      expect(statementsGrantedTo(template, roleId)).toEqual([{
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalId(tier.network.flowLogGroup!), 'Arn'] },
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

  describe('load balancer', () => {
    const attributes = loadBalancerAttributes(template, tier);
    const bucketId = logicalId(tier.webLoadBalancer.accessLogsBucket!);
    const bucket = () => resourceOf(template, 'AWS::S3::Bucket', bucketId).Properties;

    test('with no props, the ALB drops invalid header fields', () => {
      // THEN
      expect(attributes.get('routing.http.drop_invalid_header_fields.enabled')).toBe('true');
    });

    test('with no props, the ALB writes access logs to the access-log bucket', () => {
      // THEN
      expect(attributes.get('access_logs.s3.enabled')).toBe('true');
      expect(attributes.get('access_logs.s3.bucket')).toEqual({ Ref: bucketId });
      template.resourceCountIs('AWS::S3::Bucket', 1);
    });

    test('with no props, the access-log bucket is encrypted with SSE-S3 (AES256)', () => {
      // THEN
      expect(bucket().BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    });

    test('with no props, the access-log bucket policy denies every request without SSL', () => {
      // THEN
      expect(accessLogsStatements(template, tier)).toContainEqual({
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] }],
      });
    });

    test('with no props, the access-log bucket blocks all four kinds of public access', () => {
      // THEN
      expect(bucket().PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
    });

    test('with no props, the access-log bucket expires logs after 90 days', () => {
      // THEN
      expect(bucket().LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ ExpirationInDays: 90, Status: 'Enabled' })]);
    });

    test('with accessLogsRetention 30 days, the access-log bucket expires logs after 30 days', () => {
      // WHEN
      const custom = secureTier({ accessLogsRetention: Duration.days(30) });
      // THEN
      const rules = resourceOf(custom.template, 'AWS::S3::Bucket', logicalId(custom.tier.webLoadBalancer.accessLogsBucket!)).Properties.LifecycleConfiguration.Rules;
      expect(rules).toEqual([expect.objectContaining({ ExpirationInDays: 30, Status: 'Enabled' })]);
    });

    test('with accessLogs false, there is no bucket, no bucket policy and no access-log attribute', () => {
      // WHEN
      const custom = secureTier({ accessLogs: false });
      // THEN
      custom.template.resourceCountIs('AWS::S3::Bucket', 0);
      custom.template.resourceCountIs('AWS::S3::BucketPolicy', 0);
      expect([...loadBalancerAttributes(custom.template, custom.tier).keys()].filter(key => key.startsWith('access_logs.'))).toEqual([]);
      expect(custom.tier.webLoadBalancer.accessLogsBucket).toBeUndefined();
    });

    test('in an environment-agnostic stack, the bucket policy lets the ELB log-delivery service write the account\'s logs', () => {
      // THEN
      expect(accessLogsStatements(template, tier)).toContainEqual({
        Action: 's3:PutObject',
        Effect: 'Allow',
        Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/AWSLogs/', { Ref: 'AWS::AccountId' }, '/*']] },
      });
    });

    test('in an environment-agnostic stack, the ALB is created after the bucket and its policy', () => {
      // THEN
      const alb = template.toJSON().Resources[logicalId(tier.loadBalancer)];
      expect(alb.DependsOn).toEqual(expect.arrayContaining([bucketId, logicalId(tier.webLoadBalancer.accessLogsBucket!.policy!)]));
    });

    test.each([
      ['eu-west-3', 'arn:aws:iam::009996457667:root'],
      ['us-east-1', 'arn:aws:iam::127311923021:root'],
      ['mx-central-1', 'arn:aws:iam::111111111111:root'],
      ['xx-future-9', 'arn:aws:iam::111111111111:root'],
    ])('in an environment-agnostic stack deployed to %s, the legacy log-delivery principal is %s', (region, expected) => {
      // GIVEN the conditions and the principal as synthesized
      const json = template.toJSON();
      const principals = accessLogsStatements(template, tier).filter((st: any) => st.Effect === 'Allow').map((st: any) => st.Principal?.AWS).filter(Boolean);
      expect(principals).toHaveLength(1);
      // WHEN CloudFormation evaluates them in that region, for account 111111111111 in partition aws
      const evaluate = (node: any): any => {
        if (typeof node === 'string') return node;
        if (Array.isArray(node)) return node.map(evaluate);
        if (node.Ref === 'AWS::Region') return region;
        if (node.Ref === 'AWS::AccountId') return '111111111111';
        if (node.Ref === 'AWS::Partition') return 'aws';
        if (node['Fn::Join']) return (evaluate(node['Fn::Join'][1]) as string[]).join(node['Fn::Join'][0]);
        if (node['Fn::Equals']) { const [a, b] = evaluate(node['Fn::Equals']); return a === b; }
        if (node['Fn::Or']) return (evaluate(node['Fn::Or']) as boolean[]).some(Boolean);
        if (node.Condition) return evaluate(json.Conditions[node.Condition]);
        if (node['Fn::If']) {
          const [condition, yes, no] = node['Fn::If'];
          return evaluate(json.Conditions[condition]) ? evaluate(yes) : evaluate(no);
        }
        throw new Error(`unexpected intrinsic ${JSON.stringify(node)}`);
      };
      // THEN
      expect(evaluate(principals[0])).toBe(expected);
    });

    // CloudFormation rejects Fn::FindInMap on a key the mapping lacks, so a region missing from the map fails the deploy.
    test('in an environment-agnostic stack, every region look-up has a value for every commercial AWS region', () => {
      // GIVEN
      const regions = RegionInfo.regions.filter(region => region.partition === 'aws').map(region => region.name);
      const mappings: Record<string, Record<string, unknown>> = template.toJSON().Mappings ?? {};
      // THEN
      const missing = Object.entries(mappings).flatMap(([name, byRegion]) => regions.filter(r => !(r in byRegion)).map(r => `${name}:${r}`));
      expect(missing).toEqual([]);
    });

    test('in a stack with a region, CDK\'s own logAccessLogs grants that region\'s ELB account and needs no region mapping', () => {
      // WHEN
      const custom = secureTier({}, { env: { account: '111111111111', region: 'eu-west-3' } });
      // THEN
      expect(custom.template.toJSON().Mappings).toBeUndefined();
      expect(loadBalancerAttributes(custom.template, custom.tier).get('access_logs.s3.prefix')).toBe('');
      const customBucketId = logicalId(custom.tier.webLoadBalancer.accessLogsBucket!);
      expect(accessLogsStatements(custom.template, custom.tier)).toContainEqual({
        Action: 's3:PutObject',
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::009996457667:root']] } },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [customBucketId, 'Arn'] }, '/AWSLogs/111111111111/*']] },
      });
    });

    test('fails with an accessLogsRetention of 12 hours', () => {
      // GIVEN
      const other = newStack();
      // WHEN / THEN
      expectInvalidProp(() => new ZeroDowntimeWebTier(other, 'Tier', { accessLogsRetention: Duration.hours(12) }),
        { prop: 'accessLogsRetention', received: '12 hours', rule: /must be 1 day or more/ });
    });

    test.each<[string, string, ZeroDowntimeWebTierProps]>([
      ['no props', 'false', {}],
      ['loadBalancerDeletionProtection true', 'true', { loadBalancerDeletionProtection: true }],
    ])('with %s, deletion_protection.enabled is %s', (_case, expected, props) => {
      // WHEN
      const custom = secureTier(props);
      // THEN
      expect(loadBalancerAttributes(custom.template, custom.tier).get('deletion_protection.enabled')).toBe(expected);
    });

    test('with no props, no web ACL is associated', () => {
      // THEN
      template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    });

    test('with webAclArn, that web ACL is associated with the ALB', () => {
      // WHEN
      const custom = secureTier({ webAclArn: WEB_ACL_ARN });
      // THEN
      custom.template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
      custom.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
        ResourceArn: { Ref: logicalId(custom.tier.loadBalancer) },
        WebACLArn: WEB_ACL_ARN,
      });
    });
  });

  describe('with a certificate', () => {
    // GIVEN
    const httpsStack = newStack();
    const https = new ZeroDowntimeWebTier(httpsStack, 'Tier', {
      certificate: acm.Certificate.fromCertificateArn(httpsStack, 'Certificate', CERTIFICATE_ARN),
    });
    const httpsTemplate = Template.fromStack(httpsStack);
    const listeners = Object.values(resourcesOfType(httpsTemplate, 'AWS::ElasticLoadBalancingV2::Listener')).map(l => l.Properties);
    const onPort = (port: number) => listeners.filter(l => l.Port === port);

    test('there are exactly two listeners, on 443 and on 80', () => {
      // THEN
      expect(listeners.map(l => l.Port).sort()).toEqual([443, 80]);
    });

    test('the 443 listener is HTTPS with the certificate and the TLS 1.3 policy, forwarding to the target group', () => {
      // THEN
      expect(onPort(443)).toEqual([{
        LoadBalancerArn: { Ref: logicalId(https.loadBalancer) },
        Port: 443,
        Protocol: 'HTTPS',
        Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
        // what elbv2.SslPolicy.RECOMMENDED_TLS stands for in aws-cdk-lib 2.258
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: logicalId(https.targetGroup) } }],
      }]);
    });

    test('port 80 only redirects to HTTPS on 443 with a 301', () => {
      // THEN
      expect(onPort(80)).toEqual([{
        LoadBalancerArn: { Ref: logicalId(https.loadBalancer) },
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'redirect', RedirectConfig: { Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301' } }],
      }]);
    });

    test('the ALB admits 80 and 443 from anywhere and nothing else', () => {
      // THEN
      expect(securityGroupRules(httpsTemplate, logicalId(https.webLoadBalancer.securityGroup), 'ingress')).toEqual(['tcp/443 0.0.0.0/0', 'tcp/80 0.0.0.0/0']);
    });
  });

  describe('Session Manager', () => {
    test.each([['web', tier.webFleet.role], ['bastion', tier.bastion.role]])('with no props, the %s role carries AmazonSSMManagedInstanceCore', (_name, role) => {
      // THEN
      expect(resourceOf(template, 'AWS::IAM::Role', logicalId(role)).Properties.ManagedPolicyArns).toContainEqual(SSM_CORE_POLICY);
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
    const statements = statementsGrantedTo(template, logicalId(tier.bastion.role));
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

  describe('Redis', () => {
    const replicationGroup = () => resourceOf(template, 'AWS::ElastiCache::ReplicationGroup', logicalId(tier.cache.replicationGroup)).Properties;
    const secretId = logicalId(tier.cache.authToken);
    const variables = variablesExportedBy(userDataOf(template, logicalId(tier.webFleet.launchTemplate)));

    test('with no props, the replication group is encrypted at rest and in transit', () => {
      // THEN
      expect(replicationGroup()).toEqual(expect.objectContaining({ AtRestEncryptionEnabled: true, TransitEncryptionEnabled: true }));
    });

    test('with no props, the AUTH token is a dynamic reference to the generated secret, never a literal', () => {
      // THEN
      expect(replicationGroup().AuthToken).toEqual({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] });
    });

    test('with no props, the secret generates a 64-character token without punctuation (so without @, " or /)', () => {
      // THEN
      template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      expect(resourceOf(template, 'AWS::SecretsManager::Secret', secretId).Properties.GenerateSecretString)
        .toEqual({ PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false });
    });

    test('with no props, there are two nodes with automatic failover across AZs', () => {
      // THEN
      expect(replicationGroup()).toEqual(expect.objectContaining({ NumCacheClusters: 2, AutomaticFailoverEnabled: true, MultiAZEnabled: true }));
    });

    test('with no props, daily snapshots are kept 15 days', () => {
      // THEN
      expect(replicationGroup().SnapshotRetentionLimit).toBe(15);
    });

    test('with no props, the web user-data connects with TLS and names the secret by its ARN', () => {
      // THEN
      expect(variables.get('WEBTIER_REDIS_TLS')).toBe('true');
      expect(variables.get('WEBTIER_REDIS_AUTH_SECRET_ARN')).toBe(`{{Ref:${secretId}}}`);
    });

    test('with no props, the token\'s value appears in the template only as the one dynamic reference in AuthToken', () => {
      // GIVEN the token as the template resolves it
      const token = JSON.stringify(stack.resolve(tier.cache.authToken.secretValue));
      const whole = JSON.stringify(template.toJSON());
      // THEN
      expect(JSON.stringify(replicationGroup().AuthToken)).toBe(token);
      expect(occurrences(whole, token)).toBe(1);
      expect(occurrences(whole, 'resolve:secretsmanager')).toBe(1);
    });

    test('with no props, the web role may read that one secret and has no other Secrets Manager permission', () => {
      // GIVEN
      const statements = statementsGrantedTo(template, logicalId(tier.webFleet.role));
      // THEN
      const secretStatements = statements.filter(s => [s.Action].flat().some((a: string) => a === '*' || a.startsWith('secretsmanager:')));
      expect(secretStatements).toEqual([{ Sid: 'ReadRedisAuthToken', Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: secretId } }]);
      expect(resourceOf(template, 'AWS::IAM::ManagedPolicy', logicalId(tier.webFleet.policy!)).Properties.PolicyDocument.Statement)
        .toContainEqual(secretStatements[0]);
    });

    describe('with redisReplicas 0', () => {
      // WHEN
      const single = secureTier({ redisReplicas: 0 });

      test('there is one node, without failover or Multi-AZ', () => {
        // THEN
        single.template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
        single.template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
          NumCacheClusters: 1, AutomaticFailoverEnabled: false, MultiAZEnabled: false,
        });
      });

      test('the single node is acknowledged as the tutorial\'s choice, unlike the default', () => {
        // THEN
        const acknowledged = (t: ZeroDowntimeWebTier) => [...acknowledgementsOn(t.cache.replicationGroup).keys()]
          .filter(id => ['AwsSolutions-AEC4', 'CT.ELASTICACHE.PR.3'].includes(id)).sort();
        expect(acknowledged(single.tier)).toEqual(['AwsSolutions-AEC4', 'CT.ELASTICACHE.PR.3']);
        expect(acknowledged(tier)).toEqual([]);
      });
    });

    test('with redisReplicas 5, there are 6 nodes', () => {
      // WHEN
      const custom = secureTier({ redisReplicas: 5 }).template;
      // THEN
      custom.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumCacheClusters: 6, AutomaticFailoverEnabled: true, MultiAZEnabled: true });
    });

    test.each<[string, ZeroDowntimeWebTierProps, string, string, RegExp]>([
      ['redisReplicas 6', { redisReplicas: 6 }, 'redisReplicas', '6', /whole number from 0 to 5/],
      ['redisReplicas -1', { redisReplicas: -1 }, 'redisReplicas', '-1', /whole number from 0 to 5/],
      ['redisMultiAz true and redisReplicas 0', { redisMultiAz: true, redisReplicas: 0 }, 'redisMultiAz', 'true', /needs at least one replica/],
      ['redisSnapshotRetentionDays 36', { redisSnapshotRetentionDays: 36 }, 'redisSnapshotRetentionDays', '36', /whole number from 0 to 35/],
    ])('fails with %s', (_case, props, prop, received, rule) => {
      // GIVEN
      const other = newStack();
      // WHEN / THEN
      expectInvalidProp(() => new ZeroDowntimeWebTier(other, 'Tier', props), { prop, received, rule });
    });
  });
});
