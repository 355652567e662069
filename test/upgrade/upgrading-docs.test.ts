/**
 * The README's "Upgrading" section and docs/upgrading.md against the code: every feature flag documented, the
 * README's cdk.json the recommended flags, and "What `cdk destroy` keeps" the policies the templates carry.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { WebTierFeatureFlags, ZeroDowntimeWebTier } from '../../src';
import { resourcesOfType } from '../util';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const UPGRADING = fs.readFileSync(path.join(ROOT, 'docs', 'upgrading.md'), 'utf8');

/** The README's lines from `heading` to the next heading of the same level or higher. */
function readmeSection(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  expect(start).toBeGreaterThan(0);
  const level = heading.split(' ')[0];
  const next = README.slice(start + heading.length + 2).search(new RegExp(`^#{1,${level.length}} `, 'm'));
  return README.slice(start, next < 0 ? undefined : start + heading.length + 2 + next);
}

describe('Upgrading (README and docs/upgrading.md)', () => {
  const upgrading = readmeSection('## Upgrading');

  test('the README\'s cdk.json is WebTierFeatureFlags.recommended(), and its table and docs/upgrading.md cover every flag', () => {
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
    const keeps = readmeSection('### What `cdk destroy` keeps');

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
    ])('every %s has the DeletionPolicy %p (none: deleted), as the README says', (type, policy, row) => {
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
