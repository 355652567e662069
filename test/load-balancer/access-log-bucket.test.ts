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
