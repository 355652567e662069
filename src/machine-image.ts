import { App, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { invalidProp } from './validation';

/**
 * The context key discriminator of the tier's pinned Amazon Linux 2023 image. The web fleet and the bastion share
 * it (per architecture), so one `cdk context --reset` patches both.
 */
export const PINNED_IMAGE_CACHE_KEY = 'cdk-zero-downtime-web-tier';

/** How an image of the tier is resolved: what docs/configuration.md, "Images and patching", explains. */
export enum ImagePinning {
  /** Given by the user: the tier uses it as is. */
  GIVEN = 'given',
  /** Amazon Linux 2023 read once from its SSM parameter at synth and kept in `cdk.context.json`. */
  CONTEXT = 'context',
  /** Amazon Linux 2023 read from its SSM parameter by CloudFormation at every deploy (environment-agnostic stacks). */
  DEPLOY = 'deploy',
}

/** The image of a launch template, and how it was chosen. */
export interface ResolvedMachineImage {
  readonly image: ec2.IMachineImage;
  readonly pinning: ImagePinning;
}

/**
 * The image for instances of `instanceType`: the given one, checked, or the default Amazon Linux 2023 of the
 * instance type's architecture.
 *
 * The default is pinned in the CDK context (`cachedInContext`) when the stack names its account and region: the
 * AMI ID is read once, stored in `cdk.context.json`, and every later synth gives the same launch template, so a
 * deploy that changes nothing of the user's replaces no server. An environment-agnostic stack cannot look anything
 * up at synth: there CloudFormation resolves the SSM parameter at every deploy (a template parameter of type
 * `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`), and a deploy after AWS publishes a new image replaces the
 * servers. Either way the launch template's `ImageId` is a concrete AMI ID at deploy, never `resolve:ssm:` at
 * launch, which instance refresh does not support.
 * https://docs.aws.amazon.com/cdk/v2/guide/context.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html#aws-ssm-parameter-types
 *
 * @param prop the name of the image prop in the caller's API, for errors
 */
export function resolveMachineImage(scope: Construct, prop: string, given: ec2.IMachineImage | undefined,
  instanceType: ec2.InstanceType, instanceTypeProp: string): ResolvedMachineImage {
  const arm = !Token.isUnresolved(instanceType.toString()) && instanceType.architecture === ec2.InstanceArchitecture.ARM_64;
  if (given !== undefined) {
    checkMachineImage(scope, prop, given, instanceType, instanceTypeProp);
    return { image: given, pinning: ImagePinning.GIVEN };
  }
  const pinned = !Token.isUnresolved(Stack.of(scope).account) && !Token.isUnresolved(Stack.of(scope).region);
  return {
    image: ec2.MachineImage.latestAmazonLinux2023({
      // The image must match the instance type's architecture: Graviton types (t4g, m7g...) need the arm64 build.
      cpuType: arm ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
      cachedInContext: pinned,
      additionalCacheKey: pinned ? PINNED_IMAGE_CACHE_KEY : undefined,
    }),
    pinning: pinned ? ImagePinning.CONTEXT : ImagePinning.DEPLOY,
  };
}

/**
 * Refuses an image the tier cannot boot: not an `ec2.IMachineImage`, a Windows image (the user-data is a bash
 * script), or an image whose architecture is known and differs from the instance type's (EC2 refuses the launch).
 * The architecture is known for Amazon Linux SSM parameters (their names end in `arm64` or `x86_64`) and for
 * `MachineImage.lookup` with an `architecture` filter; a bare AMI ID (`genericLinux`) says nothing of it, so the
 * check cannot be made at synth.
 */
export function checkMachineImage(scope: Construct, prop: string, image: ec2.IMachineImage,
  instanceType: ec2.InstanceType, instanceTypeProp: string): void {
  if (image === null || typeof image !== 'object' || typeof (image as ec2.IMachineImage).getImage !== 'function') {
    throw invalidProp(prop, image, 'must be an ec2.IMachineImage, such as ec2.MachineImage.genericLinux({ \'eu-west-1\': \'ami-...\' })');
  }
  checkAmiMap(scope, prop, image);
  const config = image.getImage(scratchScope(scope));
  if (config.osType === ec2.OperatingSystemType.WINDOWS) {
    throw invalidProp(prop, describeImage(image, config), 'must be a Linux image: the tier\'s boot scripts are bash (the default is Amazon Linux 2023)');
  }
  if (!Token.isUnresolved(config.imageId) && config.imageId.startsWith('resolve:ssm:')) {
    throw invalidProp(prop, config.imageId, 'must give the launch template a concrete AMI ID at deploy, not resolve:ssm: at launch: ' +
      'each launch would pick whatever the parameter holds then, and the fleet\'s instance refresh does not support such an image ' +
      '(use ec2.MachineImage.fromSsmParameter(name, { cachedInContext: true }) to pin it)');
  }
  const imageArchitecture = architectureOf(image);
  if (imageArchitecture === undefined || Token.isUnresolved(instanceType.toString())) {
    return;
  }
  const typeArchitecture = instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? 'arm64' : 'x86_64';
  if (imageArchitecture !== typeArchitecture) {
    throw invalidProp(prop, describeImage(image, config), `must be an ${typeArchitecture} image for ${instanceTypeProp} ${instanceType.toString()}: ` +
      `this image is ${imageArchitecture}, and EC2 refuses to launch an image of another architecture`);
  }
}

/** An AMI ID as EC2 writes it: `ami-` and 8 or 17 hexadecimal digits. */
const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * Refuses the region map of `MachineImage.genericLinux` (or `genericWindows`) when a value is not an AMI ID (EC2
 * refuses a name there at launch: `InvalidAMIID.Malformed`,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html) or when the stack's Region, known at
 * synthesis, is not in it (CDK's own error would not name the prop). In a stack whose Region is known only at deploy,
 * the map becomes a template mapping and its Regions cannot be checked here.
 */
function checkAmiMap(scope: Construct, prop: string, image: ec2.IMachineImage): void {
  if (!(image instanceof ec2.GenericLinuxImage || image instanceof ec2.GenericWindowsImage)) {
    return;
  }
  const amiMap: Record<string, string> = (image as any).amiMap ?? {};
  for (const [region, id] of Object.entries(amiMap)) {
    if (typeof id !== 'string' || (!Token.isUnresolved(id) && !AMI_ID.test(id))) {
      throw invalidProp(`${prop} (Region ${region})`, id, 'must be an AMI ID such as "ami-0123456789abcdef0", not an image name: EC2 refuses ' +
        'anything else at launch (InvalidAMIID.Malformed); to find an image by name, use ec2.MachineImage.lookup({ name })');
    }
  }
  const region = Stack.of(scope).region;
  if (!Token.isUnresolved(region) && !(region in amiMap)) {
    throw invalidProp(prop, `an AMI map of ${Object.keys(amiMap).join(', ') || 'no Region'}`, `must give an AMI ID for the stack's Region ${region}`);
  }
}

/**
 * A throwaway stack of the same environment, for reading an image's config: `getImage` may add constructs (a
 * mapping, a parameter) to its scope, and the launch template calls it again in the real one.
 */
function scratchScope(scope: Construct): Construct {
  const stack = Stack.of(scope);
  const env = {
    account: Token.isUnresolved(stack.account) ? undefined : stack.account,
    region: Token.isUnresolved(stack.region) ? undefined : stack.region,
  };
  return new Stack(new App(), 'MachineImageCheck', { env });
}

/** An image as an error message shows it: its SSM parameter, else its AMI ID when known at synth. */
function describeImage(image: ec2.IMachineImage, config: ec2.MachineImageConfig): string {
  const anyImage = image as any;
  const parameterName: unknown = anyImage.parameterName ?? anyImage.props?.parameterName;
  if (typeof parameterName === 'string') {
    return `the image of SSM parameter ${parameterName}`;
  }
  return Token.isUnresolved(config.imageId) ? `${image.constructor.name} (AMI ID known at deploy)` : config.imageId;
}

/** The architecture an image declares, `arm64` or `x86_64`, when it can be read at synth. */
export function architectureOf(image: ec2.IMachineImage): 'arm64' | 'x86_64' | undefined {
  const anyImage = image as any;
  const parameterName: unknown = anyImage.parameterName ?? anyImage.props?.parameterName;
  if (typeof parameterName === 'string') {
    return fromName(parameterName);
  }
  const filters = anyImage.props?.filters;
  if (image instanceof ec2.LookupMachineImage && filters && Array.isArray(filters.architecture) && filters.architecture.length === 1) {
    return fromName(String(filters.architecture[0]));
  }
  return undefined;
}

function fromName(name: string): 'arm64' | 'x86_64' | undefined {
  if (/(arm64|aarch64)$/.test(name)) {
    return 'arm64';
  }
  if (/(x86_64|amd64)$/.test(name)) {
    return 'x86_64';
  }
  return undefined;
}

/** The one-liner's image props, as `checkTierImages` reads them. */
export interface TierImageProps {
  readonly machineImage?: ec2.IMachineImage;
  readonly bastionMachineImage?: ec2.IMachineImage;
  readonly webInstanceType?: ec2.InstanceType;
  readonly bastionInstanceType?: ec2.InstanceType;
}

/**
 * Checks the one-liner's images in its own names: `machineImage` against `webInstanceType`, and the bastion's image
 * (`bastionMachineImage`, else `machineImage`) against `bastionInstanceType`.
 */
export function checkTierImages(scope: Construct, props: TierImageProps): void {
  const web = props.webInstanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO);
  const bastion = props.bastionInstanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.NANO);
  if (props.machineImage !== undefined && props.machineImage !== null) {
    checkMachineImage(scope, 'machineImage', props.machineImage, web, 'webInstanceType');
  }
  if (props.bastionMachineImage !== undefined && props.bastionMachineImage !== null) {
    checkMachineImage(scope, 'bastionMachineImage', props.bastionMachineImage, bastion, 'bastionInstanceType');
  } else if (props.machineImage !== undefined && props.machineImage !== null) {
    checkMachineImage(scope, 'machineImage', props.machineImage, bastion,
      'bastionInstanceType (give bastionMachineImage for a bastion of another architecture)');
  }
}
