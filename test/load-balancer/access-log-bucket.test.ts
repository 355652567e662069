import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ZeroDowntimeWebTier } from '../../src';

describe('access-log bucket logical IDs', () => {
  // GIVEN / WHEN the default one-liner (environment-agnostic: the bucket policy picks the log writer by region condition)
  const stack = new Stack(new App(), 'Stack');
  new ZeroDowntimeWebTier(stack, 'WebTier');
  const template = Template.fromStack(stack).toJSON();

  // A new logical ID would make CloudFormation replace the bucket, and the logs in it would go with the old one:
  // if these fail, keep the old construct ids and scopes instead of updating the names.
  test('with the default one-liner, the access-log bucket keeps its logical ID', () => {
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::S3::Bucket'))).toEqual(['WebTierLoadBalancerAccessLogsE9BD229D']);
  });

  test('with the default one-liner, the access-log bucket policy keeps its logical ID', () => {
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'))).toEqual(['WebTierLoadBalancerAccessLogsPolicyA757D1C0']);
  });

  test('with the default one-liner, the region conditions of the log writer keep their names', () => {
    const conditions = Object.keys(template.Conditions);
    expect(conditions).toContain('WebTierLoadBalancerAccessLogsInuseast15A93246E');
    expect(conditions).toContain('WebTierLoadBalancerAccessLogsInLegacyRegion6D10720A');
    expect(conditions.every(c => c.startsWith('WebTierLoadBalancerAccessLogsIn'))).toBe(true);
  });
});

describe('access-log bucket policy', () => {
  function statements(region: string): any[] {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region } });
    new ZeroDowntimeWebTier(stack, 'WebTier');
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'))[0];
    return policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');
  }

  test('in a region since 2022, only the ELB log-delivery service may write, and only for this account (confused deputy)', () => {
    const allowed = statements('eu-south-2');
    expect(allowed).toHaveLength(1);
    expect(allowed[0]).toMatchObject({
      Action: 's3:PutObject',
      Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
    });
  });

  test('in an older region, only that region\'s ELB account may write, and no other log-delivery service is trusted', () => {
    const allowed = statements('eu-west-1');
    expect(allowed.map(s => s.Principal)).toEqual([{ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::156460612806:root']] } }]);
    expect(JSON.stringify(allowed)).not.toContain('delivery.logs.amazonaws.com');
  });
});

describe('two tiers in one environment-agnostic stack', () => {
  // GIVEN / WHEN
  const stack = new Stack(new App(), 'Stack');
  new ZeroDowntimeWebTier(stack, 'One');
  new ZeroDowntimeWebTier(stack, 'Two', { natGatewayPerAz: false });
  const template = Template.fromStack(stack).toJSON();

  test('share one set of region conditions, the first tier\'s (no two equal conditions)', () => {
    const conditions = Object.keys(template.Conditions).filter(c => c.includes('AccessLogsIn'));
    const single = new Stack(new App(), 'Single');
    new ZeroDowntimeWebTier(single, 'One');
    expect(conditions).toEqual(Object.keys(Template.fromStack(single).toJSON().Conditions).filter(c => c.includes('AccessLogsIn')));
    expect(conditions.every(c => c.startsWith('OneLoadBalancerAccessLogsIn'))).toBe(true);
  });

  test('each bucket policy picks its log writer with them', () => {
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(2);
    const [one, two] = policies.map(p => JSON.stringify(p.Properties.PolicyDocument.Statement
      .filter((s: any) => s.Effect === 'Allow' && s.Principal.AWS).map((s: any) => s.Principal)));
    expect(two).toEqual(one);
    expect(two).toContain('"Fn::If":["OneLoadBalancerAccessLogsInuseast1');
  });
});
