import { Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcardResources } from './acknowledgements';
import { checkUserDataSize } from './instance-files';
import { resolveMachineImage } from './machine-image';
import { acknowledgeNamedZones } from './network/availability-zones';

/** An instance role and the instance profile that carries it. */
export interface InstanceRole {
  readonly role: iam.Role;
  readonly instanceProfile: iam.InstanceProfile;
}

/** The reason the Session Manager policy names every instance and `*`. */
const SESSION_MANAGER_REASON =
  'Session Manager\'s agent registers the instance and opens its channels through actions that take no resource ' +
  '(ssmmessages, ec2messages: AWS accepts only "*") or any instance (ssm:UpdateInstanceInformation; the instance id is not ' +
  'known before launch). The policy grants only these, unlike AmazonSSMManagedInstanceCore, which also reads every SSM parameter.';

/**
 * The actions of the SSM agent for Session Manager, as AWS documents them for a custom instance profile: register
 * the instance, open the session channels, fetch messages. Without `ssm:GetParameter(s)` on `*`, the reason this
 * replaces `AmazonSSMManagedInstanceCore`.
 */
function sessionManagerStatements(scope: Construct): [iam.PolicyStatement[], string] {
  const instances = Stack.of(scope).formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
  return [[
    new iam.PolicyStatement({ sid: 'SessionManagerRegister', actions: ['ssm:UpdateInstanceInformation'], resources: [instances] }),
    new iam.PolicyStatement({
      sid: 'SessionManagerChannels',
      actions: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'SessionManagerMessages',
      actions: ['ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage', 'ec2messages:GetEndpoint',
        'ec2messages:GetMessages', 'ec2messages:SendReply'],
      resources: ['*'],
    }),
  ], instances];
}

/**
 * The role of an instance of the tier: reachable with Session Manager (no SSH key needed), through a customer
 * managed policy with only the agent's actions. What else the instance may do goes in another customer managed
 * policy (not an inline one): see `instancePolicy`.
 */
export function instanceRole(scope: Construct, description: string): InstanceRole {
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    description,
  });
  const [statements, instances] = sessionManagerStatements(scope);
  const sessionManager = new iam.ManagedPolicy(scope, 'SessionManagerPolicy', {
    description: `${description}: Session Manager`,
    roles: [role],
    statements,
  });
  acknowledgeWildcardResources(sessionManager, ['*', instances], SESSION_MANAGER_REASON);
  const instanceProfile = new iam.InstanceProfile(scope, 'InstanceProfile', { role });
  return { role, instanceProfile };
}

/** The customer managed policy with the few actions an instance needs, or nothing when it needs none. */
export function instancePolicy(
  scope: Construct, role: iam.IRole, description: string, statements: iam.PolicyStatement[],
): iam.ManagedPolicy | undefined {
  return statements.length === 0 ? undefined : new iam.ManagedPolicy(scope, 'Policy', { description, roles: [role], statements });
}

/** What differs between the tier's launch templates. */
export interface LaunchTemplateOptions {
  readonly instanceType: ec2.InstanceType;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly userData: ec2.UserData;
  readonly instanceProfile: iam.IInstanceProfile;
  readonly keyPair?: ec2.IKeyPair;
  readonly associatePublicIpAddress: boolean;
  /** The image; by default Amazon Linux 2023, pinned in the CDK context where the stack's environment is known. */
  readonly machineImage?: ec2.IMachineImage;
  /** The names of the image and instance type props in the caller's API, for errors. */
  readonly machineImageProp?: string;
  readonly instanceTypeProp?: string;
}

/**
 * A launch template for the given image or Amazon Linux 2023 (see `resolveMachineImage`: pinned in the CDK context
 * for environment-aware stacks) with IMDSv2 required (hop limit 1), an encrypted gp3 root volume and detailed
 * (1-minute) CloudWatch monitoring.
 */
export function hardenedLaunchTemplate(scope: Construct, options: LaunchTemplateOptions): ec2.LaunchTemplate {
  const { image } = resolveMachineImage(scope, options.machineImageProp ?? 'machineImage', options.machineImage,
    options.instanceType, options.instanceTypeProp ?? 'instanceType');
  return new ec2.LaunchTemplate(scope, 'LaunchTemplate', {
    machineImage: image,
    instanceType: options.instanceType,
    securityGroup: options.securityGroup,
    instanceProfile: options.instanceProfile,
    userData: options.userData,
    keyPair: options.keyPair,
    associatePublicIpAddress: options.associatePublicIpAddress,
    requireImdsv2: true,
    httpPutResponseHopLimit: 1,
    detailedMonitoring: true,
    blockDevices: [{
      deviceName: '/dev/xvda',
      volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
    }],
  });
}

/**
 * The security group every instance of the tier starts from: nothing in, and out only HTTPS (443) anywhere
 * (packages, SSM, AWS APIs). The construct adds the paths it needs on top.
 *
 * @param httpsUse what the instances reach over HTTPS, for the egress rule's description
 */
export function httpsOutSecurityGroup(scope: Construct, vpc: ec2.IVpc, description: string, httpsUse: string): ec2.SecurityGroup {
  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc, description, allowAllOutbound: false });
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), `HTTPS out: ${httpsUse}`);
  return securityGroup;
}

/** An Auto Scaling group of the tier: the group's settings, and what the checks on it need to know. */
export interface InstanceGroupOptions extends autoscaling.AutoScalingGroupProps {
  /** Where the instances run; named on the group as its AZs. */
  readonly vpcSubnets: ec2.SubnetSelection;

  /** The launch template; its user-data must stay under EC2's 16 KB. */
  readonly launchTemplate: ec2.LaunchTemplate;

  /** Who the instances are, for the user-data size message: `the web servers`. */
  readonly owner: string;

  /** Why the group's scaling events need no SNS notification (AwsSolutions-AS3). */
  readonly scalingEventsReason: string;
}

/**
 * The Auto Scaling group (id `Resource`) of the construct `scope`, with the steps every group of the tier takes:
 * its AZs named on the group, one instance type acknowledged, and a synthesis check that the user-data fits.
 */
export function instanceGroup(scope: Construct, options: InstanceGroupOptions): autoscaling.AutoScalingGroup {
  const { owner, scalingEventsReason, ...groupProps } = options;
  const group = new autoscaling.AutoScalingGroup(scope, 'Resource', groupProps);
  declareAvailabilityZones(group, options.vpc, options.vpcSubnets);
  acknowledge(group, 'CT.AUTOSCALING.PR.6', SINGLE_INSTANCE_TYPE_REASON);
  acknowledge(group, 'AwsSolutions-AS3', scalingEventsReason);
  const userData = options.launchTemplate.userData;
  if (userData) {
    scope.node.addValidation({ validate: () => checkUserDataSize(owner, userData) });
  }
  return group;
}

/**
 * Names the Availability Zones of the group's subnets on the group itself, so that rules reading the template
 * (Control Tower CT.AUTOSCALING.PR.1) see that it spans several.
 */
function declareAvailabilityZones(group: autoscaling.AutoScalingGroup, vpc: ec2.IVpc, subnets: ec2.SubnetSelection): void {
  const zones = vpc.selectSubnets(subnets).availabilityZones;
  (group.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZones = zones;
  acknowledgeNamedZones(group, zones);
}

/** The reason the tier's groups use one instance type (Control Tower CT.AUTOSCALING.PR.6). */
const SINGLE_INSTANCE_TYPE_REASON =
  'Every server of the group runs the same instance type so they behave alike behind the load balancer; ' +
  'capacity comes from spreading over several AZs rather than over instance types.';
