/**
 * What choosing a new network does to a deployed default stack, as `cdk diff` says it (the upgrade gate's diff engine,
 * test/upgrade/template-diff.ts): docs/network.md and docs/upgrading.md quote these. The gate itself holds that an
 * upgrade that chooses nothing new replaces nothing; these are changes a user chooses.
 */
import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as tier from '../../src';
import { ProgramModules, synthesizeProgram } from '../upgrade/programs';
import { destructiveChanges } from '../upgrade/template-diff';

const modules: ProgramModules = { tier, cdk, ec2, route53 };

function template(props: tier.ZeroDowntimeWebTierProps): any {
  return synthesizeProgram(modules, { name: 'switch', summary: '', baseline: (m, stack) => new m.tier.ZeroDowntimeWebTier(stack, 'WebTier', props) }, 'baseline');
}

/** `type impact` of each destructive change from the default stack, counted. */
let deployed: any;
function summary(props: tier.ZeroDowntimeWebTierProps): Record<string, number> {
  deployed = deployed ?? template({});
  const counts: Record<string, number> = {};
  for (const change of destructiveChanges(deployed, template(props))) {
    const key = `${change.resourceType} ${change.impact}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('choosing a new network on a deployed default stack', () => {
  test('with natGatewayPlacement SINGLE as natGatewayPerAz false, nothing at all changes', () => {
    expect(template({ natGatewayPlacement: tier.NatGatewayPlacement.SINGLE })).toEqual(template({ natGatewayPerAz: false }));
  });

  test('with REGIONAL, the NAT subnets (with their routes), zonal gateways and Elastic IPs go, and 4 of the 6 NAT alarms; nothing else', () => {
    expect(summary({ natGatewayPlacement: tier.NatGatewayPlacement.REGIONAL })).toEqual({
      'AWS::EC2::Subnet WILL_DESTROY': 3,
      'AWS::EC2::RouteTable WILL_DESTROY': 3,
      'AWS::EC2::SubnetRouteTableAssociation WILL_DESTROY': 3,
      'AWS::EC2::Route WILL_DESTROY': 3,
      'AWS::EC2::EIP WILL_DESTROY': 3,
      'AWS::EC2::NatGateway WILL_DESTROY': 3,
      'AWS::CloudWatch::Alarm WILL_DESTROY': 4,
    });
  });

  test('with DUAL_STACK, every subnet may be replaced (its new Ipv6CidrBlock is a conditional replacement): a choice for a new stack', () => {
    expect(summary({ ipProtocol: ec2.IpProtocol.DUAL_STACK })).toEqual({ 'AWS::EC2::Subnet MAY_REPLACE': 15 });
  });
});
