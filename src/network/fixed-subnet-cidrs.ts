import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ResolvedSubnetLayout, SubnetGroup } from './subnet-layout';

/**
 * Gives `ec2.Vpc` the exact subnet CIDRs of a `SubnetLayout`, instead of CDK's sequential allocation.
 */
export class FixedSubnetCidrs implements ec2.IIpAddresses {
  constructor(private readonly layout: ResolvedSubnetLayout, private readonly availabilityZones: string[]) {}

  public allocateVpcCidr(): ec2.VpcIpamOptions {
    return { cidrBlock: this.layout.vpcCidr };
  }

  public allocateSubnetsCidr(input: ec2.AllocateCidrRequest): ec2.SubnetIpamOptions {
    return {
      allocatedSubnets: input.requestedSubnets.map(requested => {
        const group = requested.configuration.name as SubnetGroup;
        const az = this.availabilityZones.indexOf(requested.availabilityZone);
        const cidr = this.layout.groups[group]?.[az];
        if (cidr === undefined) {
          throw new Error(`No CIDR in the subnet layout for group '${group}' in AZ '${requested.availabilityZone}'`);
        }
        return { cidr };
      }),
    };
  }
}
