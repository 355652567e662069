import { Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcardResources } from '../acknowledgements';
import { exportVariables, INSTANCE_HOME, instancePath, writeInstanceFiles } from '../instance-files';
import { hardenedLaunchTemplate, httpsOutSecurityGroup, instanceGroup, instancePolicy, instanceRole } from '../instance-launch';
import { checkElasticIpQuota } from '../network/elastic-ip-quota';
import { SubnetGroup } from '../network/subnet-layout';
import { checkInstanceType, checkRequired, warn } from '../validation';

/** Peers that stand for the whole internet. */
const WHOLE_INTERNET = ['0.0.0.0/0', '::/0'];

/** The on-instance files of the bastion, relative to `assets/`. */
export const BASTION_FILES = ['common/imds.sh', 'bastion/associate-eip.sh'];

/**
 * Properties of a `Bastion`.
 */
export interface BastionProps {
  /** The VPC to run the bastion in. */
  readonly vpc: ec2.IVpc;

  /**
   * Where the bastion may run: public subnets, one per AZ.
   *
   * @default - the subnets of the `Bastion` group
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The bastion's instance type, `<family>.<size>`.
   *
   * @default t3.nano
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * The bastion's image: a Linux AMI of the instance type's architecture.
   *
   * @default - Amazon Linux 2023 of the instance type's architecture: pinned in `cdk.context.json` when the stack
   * names its account and region (no deploy replaces the bastion unasked), else read by CloudFormation at every deploy
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * The key pair for SSH into the bastion.
   *
   * @default - no key: reach the bastion with SSM Session Manager
   */
  readonly keyPair?: ec2.IKeyPair;
}

/**
 * A bastion host that keeps one address: an Auto Scaling group of exactly one Amazon Linux 2023 instance
 * in the public subnets, and an Elastic IP that the instance associates to itself at boot
 * (`associate-address --allow-reassociation`), so a replacement takes the same address.
 *
 * Its role may associate that one Elastic IP, to instances of this bastion's instance profile only.
 * SSH comes in only from the peers you allow with `allowSshAccessFrom`; none by default.
 */
export class Bastion extends Construct implements ec2.IConnectable {
  /** The Auto Scaling group that keeps one bastion running. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;

  /** The Elastic IP the bastion takes at boot. */
  public readonly elasticIp: ec2.CfnEIP;

  /** The launch template the bastion starts from. */
  public readonly launchTemplate: ec2.LaunchTemplate;

  /** The user-data that claims the Elastic IP; add commands to it to run more at boot. */
  public readonly userData: ec2.UserData;

  /** The bastion's security group. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** The bastion's IAM role. */
  public readonly role: iam.Role;

  /** The customer managed policy of the role: associating the Elastic IP. */
  public readonly policy: iam.ManagedPolicy;

  /** Network connections of the bastion. */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: BastionProps) {
    super(scope, id);
    checkRequired('vpc', props?.vpc);
    checkInstanceType('instanceType', props.instanceType);
    checkElasticIpQuota(this);
    const stack = Stack.of(this);
    const vpcSubnets = props.vpcSubnets ?? { subnetGroupName: SubnetGroup.BASTION };

    this.securityGroup = httpsOutSecurityGroup(this, props.vpc,
      'Web tier bastion: SSH in only from the CIDRs allowed, out HTTPS and SSH to the web servers',
      'EC2 API for the Elastic IP, SSM, packages');
    this.connections = this.securityGroup.connections;

    this.elasticIp = new ec2.CfnEIP(this, 'ElasticIp', { domain: 'vpc' });

    const { role, instanceProfile } = instanceRole(this, 'Web tier bastion');
    this.role = role;
    // AssociateAddress authorizes the address, the instance and its network interface:
    // this one allocation, instances launched with this bastion's profile, interfaces in this VPC.
    const instances = stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
    const interfaces = stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' });
    this.policy = instancePolicy(this, role, 'Web tier bastion', [
      new iam.PolicyStatement({
        sid: 'AssociateOwnElasticIp',
        actions: ['ec2:AssociateAddress'],
        resources: [stack.formatArn({ service: 'ec2', resource: 'elastic-ip', resourceName: this.elasticIp.attrAllocationId })],
      }),
      new iam.PolicyStatement({
        sid: 'AssociateToOwnInstance',
        actions: ['ec2:AssociateAddress'],
        resources: [instances],
        conditions: { ArnEquals: { 'ec2:InstanceProfile': instanceProfile.instanceProfileArn } },
      }),
      new iam.PolicyStatement({
        sid: 'AssociateInOwnVpc',
        actions: ['ec2:AssociateAddress'],
        resources: [interfaces],
        conditions: { ArnEquals: { 'ec2:Vpc': stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: props.vpc.vpcId }) } },
      }),
    ])!;
    acknowledgeWildcardResources(this.policy, [instances, interfaces],
      'The bastion\'s instance id is not known before it launches: the statement names any instance but only matches those ' +
      'launched with this bastion\'s instance profile, and network interfaces only in this VPC; the address is named exactly.');

    this.userData = ec2.UserData.forLinux();
    this.userData.addCommands(
      'set -euo pipefail',
      ...writeInstanceFiles('bastion', BASTION_FILES),
      ...exportVariables({ WEBTIER_HOME: INSTANCE_HOME, WEBTIER_EIP_ALLOCATION_ID: this.elasticIp.attrAllocationId }),
      instancePath('bastion', 'bastion/associate-eip.sh'),
    );

    this.launchTemplate = hardenedLaunchTemplate(this, {
      instanceType: props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.NANO),
      machineImage: props.machineImage,
      securityGroup: this.securityGroup,
      instanceProfile,
      userData: this.userData,
      keyPair: props.keyPair,
      // A public address until the Elastic IP replaces it: the boot script needs it to reach the EC2 API.
      associatePublicIpAddress: true,
    });
    acknowledge(this.launchTemplate, 'CT.EC2.PR.9',
      'The bastion is the tier\'s one public host: it needs a public address at launch to reach the EC2 API and claim ' +
      'its Elastic IP. Its security group admits SSH only from the CIDRs you name, none by default.');

    this.autoScalingGroup = instanceGroup(this, {
      vpc: props.vpc,
      vpcSubnets,
      launchTemplate: this.launchTemplate,
      minCapacity: 1,
      maxCapacity: 1,
      owner: 'the bastion',
      scalingEventsReason: 'The bastion group only ever replaces its one instance; replacements are kept in its activity history.',
    });
  }

  /**
   * Allows SSH (port 22) into the bastion from each peer, for example `ec2.Peer.ipv4('203.0.113.7/32')`.
   * A peer of the whole internet (`0.0.0.0/0`, `::/0`) is allowed with a warning.
   */
  public allowSshAccessFrom(...peers: ec2.IPeer[]): void {
    for (const peer of peers) {
      if (WHOLE_INTERNET.includes(peer.uniqueId)) {
        warn(this, 'sshOpenToWorld', `SSH into the bastion is open to ${peer.uniqueId}: anyone on the internet can try to log in; ` +
          'allow only your own addresses (such as 203.0.113.7/32), or use Session Manager instead of SSH');
      }
      this.connections.allowFrom(peer, ec2.Port.tcp(22), 'SSH into the bastion');
    }
  }
}
