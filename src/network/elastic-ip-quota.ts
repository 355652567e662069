import { Aspects, IAspect, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { warn } from '../validation';

/** The default quota of Elastic IPs per region and account. */
export const DEFAULT_ELASTIC_IP_QUOTA = 5;

/** Counts a stack's Elastic IPs once every construct exists, and warns when they exceed the default quota. */
class ElasticIpQuotaCheck implements IAspect {
  constructor(private readonly stack: Stack) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack) {
      return;
    }
    const count = this.stack.node.findAll().filter(c => c instanceof ec2.CfnEIP).length;
    if (count > DEFAULT_ELASTIC_IP_QUOTA) {
      warn(this.stack, 'elasticIpQuota',
        `This stack allocates ${count} Elastic IPs, more than the default quota of ${DEFAULT_ELASTIC_IP_QUOTA} per region ` +
        '(one web tier takes one per NAT gateway and one for the bastion): the deploy fails unless the quota was raised ' +
        '(Service Quotas, "EC2-VPC Elastic IPs") or natGatewayPlacement is SINGLE or REGIONAL');
    }
  }
}

const checked = new WeakSet<Stack>();

/** Makes sure the stack of `scope` checks its Elastic IP count against the default quota (once per stack). */
export function checkElasticIpQuota(scope: IConstruct): void {
  const stack = Stack.of(scope);
  if (!checked.has(stack)) {
    checked.add(stack);
    Aspects.of(stack).add(new ElasticIpQuotaCheck(stack));
  }
}
