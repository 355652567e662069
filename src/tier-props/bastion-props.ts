import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * The one-liner's bastion props: the bastion (`Bastion`) and the SSH key of every instance.
 */
export interface ZeroDowntimeWebTierBastionProps {
  /**
   * The bastion's image, when it differs from `machineImage` (for example an x86_64 bastion beside Graviton web servers).
   *
   * @default - `machineImage`, else Amazon Linux 2023 as for the web servers
   */
  readonly bastionMachineImage?: ec2.IMachineImage;

  /**
   * The bastion's instance type, `<family>.<size>`.
   *
   * @default t3.nano
   */
  readonly bastionInstanceType?: ec2.InstanceType;

  /**
   * An SSH public key, the one line of an OpenSSH `.pub` file (RSA or ED25519, the types EC2 imports), installed on the
   * bastion and the web servers, for SSH through the bastion. A private key is refused.
   *
   * @default - no key pair: reach the instances with SSM Session Manager
   */
  readonly sshPublicKey?: string;

  /**
   * CIDR blocks allowed to SSH into the bastion, such as your own address as `203.0.113.7/32`.
   *
   * @default - none: the bastion admits no SSH until you name a CIDR or call `bastion.allowSshAccessFrom`
   */
  readonly sshAllowedCidrs?: string[];
}
