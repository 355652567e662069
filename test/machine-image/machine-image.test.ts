// The image of the web servers and the bastion: given (`machineImage`), or Amazon Linux 2023 pinned in the CDK
// context for environment-aware stacks, so that a deploy that changes nothing of the user's replaces no server.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Bastion, WebFleet, WebTierNetwork, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { PINNED_IMAGE_CACHE_KEY } from '../../src/machine-image';
import { expectInvalidProp, logicalId, newStack, pinnedImageContext } from '../util';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const AL2023 = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1';
/** The context key under which `cdk` stores the pinned image of one architecture. */
const pinnedKey = (arch: string) =>
  `ssm:account=${ENV.account}:additionalCacheKey=${PINNED_IMAGE_CACHE_KEY}:parameterName=${AL2023}-${arch}:region=${ENV.region}`;

/** An environment-aware app whose cdk.context.json holds these values, and the tier in it. */
function envAwareTier(context: Record<string, string>, props: ZeroDowntimeWebTierProps = {}) {
  const app = new App({ context });
  const stack = new Stack(app, 'Stack', { env: ENV });
  const tier = new ZeroDowntimeWebTier(stack, 'WebTier', props);
  const assembly = app.synth();
  const template = assembly.getStackByName('Stack').template;
  const imageOf = (launchTemplate: ec2.LaunchTemplate) => template.Resources[logicalId(launchTemplate)].Properties.LaunchTemplateData.ImageId;
  return { tier, template, assembly, web: imageOf(tier.webFleet.launchTemplate), bastion: imageOf(tier.bastion.launchTemplate) };
}

function launchTemplates(template: any): Record<string, unknown> {
  return Object.fromEntries(Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::EC2::LaunchTemplate'));
}

describe('the default image in an environment-aware stack', () => {
  test('is pinned in the CDK context: the first synth asks cdk to look the Amazon Linux 2023 parameter up once', () => {
    // WHEN
    const { assembly } = envAwareTier({});
    // THEN
    const lookups = (assembly.manifest.missing ?? []).filter(m => m.provider === 'ssm').map(m => m.key);
    expect(lookups).toEqual([pinnedKey('x86_64')]);
  });

  test('with the pinned AMI ID in the context, both launch templates use it as a concrete ImageId (no SSM parameter in the template)', () => {
    // WHEN
    const { web, bastion, template, assembly } = envAwareTier({ [pinnedKey('x86_64')]: 'ami-0123456789abcdef0' });
    // THEN
    expect([web, bastion]).toEqual(['ami-0123456789abcdef0', 'ami-0123456789abcdef0']);
    expect(Object.keys(template.Parameters ?? {}).filter(p => p !== 'BootstrapVersion')).toEqual([]);
    expect(assembly.manifest.missing ?? []).toEqual(expect.not.arrayContaining([expect.objectContaining({ provider: 'ssm' })]));
  });

  test('the key the tests pin is the key cdk looks up (test/util.ts pinnedImageContext)', () => {
    expect(Object.keys(pinnedImageContext(ENV.account, ENV.region))).toEqual([pinnedKey('x86_64'), pinnedKey('arm64')]);
  });

  test('two synths with nothing changed give the same launch templates: a deploy replaces no server', () => {
    // GIVEN the same cdk.context.json on two days (AWS may have published a new image in between: it is not read again)
    const context = { [pinnedKey('x86_64')]: 'ami-0123456789abcdef0' };
    // WHEN
    const first = launchTemplates(envAwareTier(context).template);
    const second = launchTemplates(envAwareTier(context).template);
    // THEN
    expect(Object.keys(first)).toHaveLength(2);
    expect(second).toEqual(first);
  });

  test('refreshing the pinned image (cdk context --reset, then a new lookup) changes both launch templates: patching is deliberate', () => {
    // WHEN
    const before = envAwareTier({ [pinnedKey('x86_64')]: 'ami-0123456789abcdef0' });
    const after = envAwareTier({ [pinnedKey('x86_64')]: 'ami-0fedcba9876543210' });
    // THEN
    expect([after.web, after.bastion]).toEqual(['ami-0fedcba9876543210', 'ami-0fedcba9876543210']);
    expect(launchTemplates(after.template)).not.toEqual(launchTemplates(before.template));
  });

  test('with Graviton web servers, the web fleet pins the arm64 image and the x86_64 bastion its own', () => {
    // WHEN
    const { web, bastion } = envAwareTier({ [pinnedKey('arm64')]: 'ami-0aaaaaaaaaaaaaaa1', [pinnedKey('x86_64')]: 'ami-0bbbbbbbbbbbbbbb2' },
      { webInstanceType: new ec2.InstanceType('t4g.micro') });
    // THEN
    expect([web, bastion]).toEqual(['ami-0aaaaaaaaaaaaaaa1', 'ami-0bbbbbbbbbbbbbbb2']);
  });
});

describe('the default image in an environment-agnostic stack', () => {
  test('is read by CloudFormation at deploy from the SSM parameter: a concrete AMI ID in the launch template, never resolve:ssm: at launch', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const tier = new ZeroDowntimeWebTier(stack, 'WebTier');
    // THEN
    const template = Template.fromStack(stack).toJSON();
    for (const launchTemplate of [tier.webFleet.launchTemplate, tier.bastion.launchTemplate]) {
      const imageId = template.Resources[logicalId(launchTemplate)].Properties.LaunchTemplateData.ImageId;
      expect(JSON.stringify(imageId)).not.toContain('resolve:ssm');
      expect(template.Parameters[imageId.Ref]).toEqual(expect.objectContaining({
        Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
        Default: expect.stringMatching(/^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-[^/]+-x86_64$/),
      }));
    }
  });
});

describe('machineImage', () => {
  const image = ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-0abcdef1234567890' });

  test('on the one-liner, the web fleet and the bastion launch from it (and no lookup is asked for)', () => {
    // WHEN
    const { web, bastion, assembly } = envAwareTier({}, { machineImage: image });
    // THEN
    expect([web, bastion]).toEqual(['ami-0abcdef1234567890', 'ami-0abcdef1234567890']);
    expect((assembly.manifest.missing ?? []).filter(m => m.provider === 'ssm')).toEqual([]);
  });

  test('with bastionMachineImage, the bastion launches from that one and the web servers from machineImage', () => {
    // WHEN
    const { web, bastion } = envAwareTier({}, {
      machineImage: image,
      bastionMachineImage: ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-0bbbbbbbbbbbbbbbb' }),
    });
    // THEN
    expect([web, bastion]).toEqual(['ami-0abcdef1234567890', 'ami-0bbbbbbbbbbbbbbbb']);
  });

  test('on the parts, WebFleet and Bastion each launch from their own', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const network = new WebTierNetwork(stack, 'Network');
    // WHEN
    const fleet = new WebFleet(stack, 'WebFleet', { vpc: network.vpc, machineImage: image });
    const bastion = new Bastion(stack, 'Bastion', { vpc: network.vpc, machineImage: ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-0ccccccccccccccc3' }) });
    // THEN
    const resources = Template.fromStack(stack).toJSON().Resources;
    expect([fleet.launchTemplate, bastion.launchTemplate].map(lt => resources[logicalId(lt)].Properties.LaunchTemplateData.ImageId))
      .toEqual(['ami-0abcdef1234567890', 'ami-0ccccccccccccccc3']);
  });
});

describe('machineImage checks', () => {
  const arm64 = ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 });
  const x86 = ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.X86_64 });
  test.each<[string, ZeroDowntimeWebTierProps, { prop: string; received: string; rule: RegExp }]>([
    ['an arm64 image for the default t3.micro web servers', { machineImage: arm64 },
      { prop: 'machineImage', received: 'arm64', rule: /must be an x86_64 image for webInstanceType t3\.micro.*EC2 refuses/ }],
    ['an x86_64 image for Graviton web servers', { machineImage: x86, webInstanceType: new ec2.InstanceType('m7g.large') },
      { prop: 'machineImage', received: 'x86_64', rule: /must be an arm64 image for webInstanceType m7g\.large/ }],
    ['an arm64 image for Graviton web servers and the default x86_64 bastion', { machineImage: arm64, webInstanceType: new ec2.InstanceType('t4g.micro') },
      { prop: 'machineImage', received: 'arm64', rule: /x86_64 image for bastionInstanceType .*give bastionMachineImage/ }],
    ['an arm64 bastionMachineImage for the t3.nano bastion', { bastionMachineImage: arm64 },
      { prop: 'bastionMachineImage', received: 'arm64', rule: /x86_64 image for bastionInstanceType t3\.nano/ }],
    ['a Windows image', { machineImage: ec2.MachineImage.latestWindows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE) },
      { prop: 'machineImage', received: 'Windows', rule: /must be a Linux image: the tier's boot scripts are bash/ }],
    ['an image resolved by EC2 at each launch', { machineImage: ec2.MachineImage.resolveSsmParameterAtLaunch('/my/ami') },
      { prop: 'machineImage', received: 'resolve:ssm:/my/ami', rule: /concrete AMI ID at deploy.*instance refresh/ }],
    ['a string from a JavaScript caller', { machineImage: 'ami-0abcdef1234567890' as any },
      { prop: 'machineImage', received: '"ami-0abcdef1234567890"', rule: /must be an ec2\.IMachineImage/ }],
  ])('fails with %s', (_case, props, expected) => {
    expectInvalidProp(() => new ZeroDowntimeWebTier(newStack(), 'WebTier', props), expected);
  });

  test('fails on the part with an arm64 image for an x86_64 WebFleet, naming the part\'s own props', () => {
    const stack = newStack();
    const network = new WebTierNetwork(stack, 'Network');
    expectInvalidProp(() => new WebFleet(stack, 'WebFleet', { vpc: network.vpc, machineImage: arm64 }),
      { prop: 'machineImage', received: 'arm64', rule: /x86_64 image for instanceType t3\.micro/ });
  });

  test('with an image whose architecture cannot be known at synth (a bare AMI ID), the tier takes it as given', () => {
    const tier = new ZeroDowntimeWebTier(newStack(), 'WebTier', {
      machineImage: ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-0abcdef1234567890' }),
      webInstanceType: new ec2.InstanceType('t4g.micro'),
    });
    expect(tier.webFleet.launchTemplate).toBeDefined();
  });
});
