import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, logicalId, newStack, resourcesOfType, securityGroupRules } from '../util';
import { accessLogsStatements, CERTIFICATE_ARN, loadBalancerAttributes, resourceOf, secureTier, WEB_ACL_ARN } from './secure-tier';

describe('ZeroDowntimeWebTier secure defaults', () => {
  // GIVEN a tier with no props, shared by the tests that only read it
  const { tier, template } = secureTier();

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
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
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

    test('in a stack with a region, the bucket policy grants that region\'s ELB account and needs no region mapping', () => {
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
});
