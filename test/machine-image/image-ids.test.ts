import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Bastion, WebTierNetwork, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, logicalId } from '../util';

const REGION = 'eu-west-1';

function regionStack(region?: string): Stack {
  const app = new App({ context: { [`availability-zones:account=123456789012:region=${REGION}`]: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] } });
  return new Stack(app, 'Stack', region ? { env: { account: '123456789012', region } } : undefined);
}

const tierIn = (stack: Stack, props: ZeroDowntimeWebTierProps) => () => new ZeroDowntimeWebTier(stack, 'Tier', props);

describe('images given as a region map (genericLinux)', () => {
  test('the one-liner fails with an image name where an AMI ID is needed, naming machineImage and the Region', () => {
    expectInvalidProp(tierIn(regionStack(), { machineImage: ec2.MachineImage.genericLinux({ [REGION]: 'al2023-ami-2023.6-x86_64' }) }),
      { prop: `machineImage (Region ${REGION})`, received: '"al2023-ami-2023.6-x86_64"', rule: /must be an AMI ID .*InvalidAMIID\.Malformed/ });
  });

  test('the one-liner fails with a map that lacks the stack\'s Region, naming machineImage', () => {
    expectInvalidProp(tierIn(regionStack(REGION), { machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0abcdef1234567890' }) }),
      { prop: 'machineImage', received: '"an AMI map of us-east-1"', rule: /AMI ID for the stack's Region eu-west-1/ });
  });

  test('with both images maps, the bastion\'s lacking the Region, the error names bastionMachineImage', () => {
    expectInvalidProp(tierIn(regionStack(REGION), {
      machineImage: ec2.MachineImage.genericLinux({ [REGION]: 'ami-0abcdef1234567890' }),
      bastionMachineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0bbbbbbbbbbbbbbbb' }),
    }), { prop: 'bastionMachineImage', received: 'us-east-1', rule: /AMI ID for the stack's Region eu-west-1/ });
  });

  test('Bastion alone names its own machineImage', () => {
    const stack = regionStack(REGION);
    const network = new WebTierNetwork(stack, 'Network');
    expectInvalidProp(() => new Bastion(stack, 'Bastion', { vpc: network.vpc, machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0abcdef1234567890' }) }),
      { prop: 'Invalid machineImage', received: 'us-east-1', rule: /Region eu-west-1/ });
  });

  test('a map with the stack\'s Region and 8- or 17-digit AMI IDs is accepted, the ID reaching the launch template', () => {
    const stack = regionStack(REGION);
    const tier = new ZeroDowntimeWebTier(stack, 'Tier', { machineImage: ec2.MachineImage.genericLinux({ [REGION]: 'ami-0abcdef1234567890', 'us-east-1': 'ami-12345678' }) });
    const template = Template.fromStack(stack).toJSON();
    expect(template.Resources[logicalId(tier.webFleet.launchTemplate)].Properties.LaunchTemplateData.ImageId).toBe('ami-0abcdef1234567890');
  });

  test('a golden image from SSM, read at deploy, is accepted', () => {
    const stack = regionStack();
    new ZeroDowntimeWebTier(stack, 'Tier', { machineImage: ec2.MachineImage.fromSsmParameter('/golden/web/x86_64') });
    const parameters = Object.values(Template.fromStack(stack).toJSON().Parameters ?? {});
    expect(parameters).toContainEqual(expect.objectContaining({ Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: '/golden/web/x86_64' }));
  });
});
