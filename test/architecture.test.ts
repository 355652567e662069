// The README's architecture picture is generated (docs/architecture.ts), committed, and tells the truth about
// the default stack: its subnets and the ports its security groups open.
import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { renderArchitecture, SECURITY_GROUP_PATHS, SUBNET_ROWS, SVG_FILE } from '../docs/architecture';
import { ZeroDowntimeWebTier } from '../src';

describe('the architecture picture', () => {
  const stack = new Stack(new App(), 'Picture');
  new ZeroDowntimeWebTier(stack, 'WebTier');
  const template = Template.fromStack(stack);

  test('the committed SVG is the output of docs/architecture.ts (run `npx projen architecture` after changing it)', () => {
    expect(fs.readFileSync(SVG_FILE, 'utf8')).toBe(renderArchitecture());
  });

  test('draws the default stack\'s 15 subnets, CIDR by CIDR', () => {
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet')).map(subnet => subnet.Properties.CidrBlock);
    expect(SUBNET_ROWS.flatMap(row => row.cidrs).sort()).toEqual(subnets.sort());
  });

  test('draws every port the default stack\'s security groups let in, and no other', () => {
    const ingress = [
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(rule => rule.Properties),
      ...Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap(group => group.Properties.SecurityGroupIngress ?? []),
    ];
    const opened = new Set(ingress.map(rule => rule.FromPort));
    // Ingress paths only: outbound HTTPS is an egress rule; the admin's SSH opens only with sshAllowedCidrs.
    const drawn = new Set(SECURITY_GROUP_PATHS.filter(p => p.to !== 'internet' && p.from !== 'admin').map(p => p.port));
    expect([...opened].sort()).toEqual([...drawn].sort());
  });
});
