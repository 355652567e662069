/**
 * docs/upgrading.md against the code: every feature flag documented, its cdk.json the recommended flags, and
 * "What `cdk destroy` keeps" the policies the templates carry.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { WebTierFeatureFlags, ZeroDowntimeWebTier } from '../../src';
import { docSection, readDoc } from '../docs/pages';
import { resourcesOfType } from '../util';

const UPGRADING = readDoc('docs/upgrading.md');

describe('Upgrading (docs/upgrading.md)', () => {
  const upgrading = docSection('docs/upgrading.md', '## Feature flags in a new app and in an upgraded one');

  test('its cdk.json is WebTierFeatureFlags.recommended(), and its table and docs/upgrading.md cover every flag', () => {
    const json = /```json\n([\s\S]*?)```/.exec(upgrading)![1];
    expect(JSON.parse(json).context).toEqual(WebTierFeatureFlags.recommended());
    for (const flag of Object.keys(WebTierFeatureFlags.recommended())) {
      const short = flag.split(':')[1];
      expect(upgrading).toMatch(new RegExp(`^\\| \`${short}\` \\|`, 'm'));
      expect(UPGRADING).toContain(`### \`${flag}\``);
    }
  });

  describe('What `cdk destroy` keeps', () => {
    // GIVEN the one-liner with a domain (certificate and DNS records), as a new app
    const stack = new Stack(undefined, 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
    new ZeroDowntimeWebTier(stack, 'WebTier', { domainName: 'www.example.com', hostedZone });
    const template = Template.fromStack(stack);
    const keeps = docSection('docs/upgrading.md', '## What `cdk destroy` keeps');

    test.each([
      ['AWS::ElastiCache::ReplicationGroup', 'Snapshot', /^\| cache .*final snapshot/m],
      ['AWS::SecretsManager::Secret', 'Delete', /^\| the cache's AUTH token .*\| deleted/m],
      ['AWS::Logs::LogGroup', 'Retain', /^\| application logs, VPC flow logs .*\*\*kept\*\*/m],
      ['AWS::S3::Bucket', 'Retain', /^\| access-log bucket .*\*\*kept\*\*/m],
      ['AWS::KMS::Key', 'Delete', /^\| alarm topic's key .*deletion after 7 days/m],
      ['AWS::EC2::EIP', undefined, /^\| Elastic IPs: NAT gateways', bastion's .*\| released/m],
      ['AWS::ElasticLoadBalancingV2::LoadBalancer', undefined, /^\| load balancer, VPC, subnets, certificate, DNS records \| deleted/m],
      ['AWS::EC2::VPC', undefined, /^\| load balancer, VPC, subnets/m],
      ['AWS::CertificateManager::Certificate', undefined, /certificate, DNS records \| deleted/m],
    ])('every %s has the DeletionPolicy %p (none: deleted), as docs/upgrading.md says', (type, policy, row) => {
      const resources = Object.values(resourcesOfType(template, type)) as any[];
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) {
        expect(resource.DeletionPolicy).toBe(policy);
        expect(resource.UpdateReplacePolicy).toBe(policy);
      }
      expect(keeps).toMatch(row);
    });

    test('the alarm topic\'s key waits 7 days before its deletion', () => {
      template.hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: 7 });
    });
  });
});
