import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { invalidProp, warn } from '../validation';

/** Where a subnet's traffic to the internet (0.0.0.0/0) goes, as far as it can be known at synth. */
export enum SubnetReach {
  /** A route to an internet gateway: a public subnet. */
  INTERNET_GATEWAY = 'internet gateway',
  /** A route out through something else (NAT gateway, transit gateway, instance...). */
  EGRESS = 'egress',
  /** No route out at all: an isolated subnet. */
  NONE = 'none',
  /** Not known at synth: a subnet imported by id, outside the VPC's own lists. */
  UNKNOWN = 'unknown',
}

/**
 * Where a subnet of `vpc` routes 0.0.0.0/0. The VPC's own lists say it for an `ec2.Vpc` of this app (by its subnet
 * configuration), for `Vpc.fromLookup` (the look-up sorts subnets by their route tables) and for `Vpc.fromVpcAttributes`
 * (the user's word). A subnet outside those lists that is a construct of this app is read from the routes made so
 * far on its route table; any other is unknown.
 */
export function reachOf(vpc: ec2.IVpc, subnet: ec2.ISubnet): SubnetReach {
  const within = (list: ec2.ISubnet[]) => list.some(s => s === subnet || (!Token.isUnresolved(s.subnetId) && s.subnetId === subnet.subnetId));
  if (within(vpc.publicSubnets)) {
    return SubnetReach.INTERNET_GATEWAY;
  }
  if (within(vpc.privateSubnets)) {
    return SubnetReach.EGRESS;
  }
  if (within(vpc.isolatedSubnets)) {
    return SubnetReach.NONE;
  }
  if (!(subnet instanceof ec2.Subnet)) {
    return SubnetReach.UNKNOWN;
  }
  const stack = Stack.of(subnet);
  const table = JSON.stringify(stack.resolve(subnet.routeTable.routeTableId));
  const routes = stack.node.findAll().filter((c): c is ec2.CfnRoute => c instanceof ec2.CfnRoute)
    .filter(route => JSON.stringify(stack.resolve(route.routeTableId)) === table && route.destinationCidrBlock === '0.0.0.0/0');
  if (routes.length === 0) {
    return SubnetReach.NONE;
  }
  const toInternetGateway = routes.some(route => route.gatewayId !== undefined && isInternetGateway(stack, route.gatewayId));
  return toInternetGateway ? SubnetReach.INTERNET_GATEWAY : SubnetReach.EGRESS;
}

/** Whether a route's `gatewayId` is an internet gateway: an `igw-` id, or a reference to one made in the stack. */
function isInternetGateway(stack: Stack, gatewayId: string): boolean {
  if (!Token.isUnresolved(gatewayId)) {
    return gatewayId.startsWith('igw-');
  }
  const ref = stack.resolve(gatewayId)?.Ref;
  return typeof ref === 'string' && stack.node.findAll()
    .some(c => c instanceof ec2.CfnInternetGateway && stack.resolve((c as ec2.CfnInternetGateway).ref)?.Ref === ref);
}

/** The subnets of a selection, described for an error message. */
function named(subnets: ec2.ISubnet[]): string[] {
  return subnets.map(subnet => (Token.isUnresolved(subnet.subnetId) ? subnet.node.path : subnet.subnetId));
}

/**
 * The load balancer (internet-facing) and the bastion (it claims an Elastic IP and is reached over it) must run in
 * subnets with a route to an internet gateway: refuses a selection holding subnets known to have none.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer
 */
export function checkInternetFacing(vpc: ec2.IVpc, prop: string, subnets: ec2.ISubnet[], who: string): void {
  const inward = subnets.filter(subnet => [SubnetReach.EGRESS, SubnetReach.NONE].includes(reachOf(vpc, subnet)));
  if (inward.length > 0) {
    throw invalidProp(prop, named(inward), `must select public subnets, with a route to an internet gateway: ${who}; ` +
      'these subnets route 0.0.0.0/0 elsewhere or nowhere');
  }
}

/**
 * An Application Load Balancer needs subnets of at least a /27 (and 8 free addresses) in each AZ, and ELB refuses
 * smaller ones at deploy: refuses a selected subnet whose CIDR is known and smaller. A subnet imported without its
 * CIDR cannot be checked. Same page as above, "Subnets for your load balancer".
 */
export function checkAlbSubnetSizes(prop: string, subnets: ec2.ISubnet[]): void {
  const small = subnets.filter(subnet => {
    let cidr: string;
    try {
      cidr = subnet.ipv4CidrBlock;
    } catch {
      return false; // imported without its CIDR
    }
    return typeof cidr === 'string' && !Token.isUnresolved(cidr) && Number(cidr.split('/')[1]) > 27;
  });
  if (small.length > 0) {
    throw invalidProp(prop, small.map(subnet => subnet.ipv4CidrBlock), 'must select subnets of /27 or larger: an Application Load Balancer ' +
      'needs at least a /27 with 8 free addresses in each of its subnets');
  }
}

/**
 * What a web server reaches at boot and when it signals, by the VPC endpoint service that stands in for the
 * internet: the application and boot files and the Amazon Linux repositories (S3), the Redis AUTH token
 * (Secrets Manager), the resource signal (CloudFormation), the target health it waits for (Elastic Load Balancing),
 * and the application's logs (CloudWatch Logs) unless they are off.
 */
function servicesWebNeeds(applicationLogs: boolean): string[] {
  return ['s3', 'secretsmanager', 'cloudformation', 'elasticloadbalancing', ...(applicationLogs ? ['logs'] : [])];
}

/** The endpoint services of the VPC's endpoints made in its stack, as `com.amazonaws.<region>.<service>` read back. */
function endpointServices(vpc: ec2.IVpc): string[] {
  const stack = Stack.of(vpc);
  const vpcId = JSON.stringify(stack.resolve(vpc.vpcId));
  return stack.node.findAll()
    .filter((c): c is ec2.CfnVPCEndpoint => c instanceof ec2.CfnVPCEndpoint)
    .filter(endpoint => JSON.stringify(stack.resolve(endpoint.vpcId)) === vpcId)
    .map(endpoint => JSON.stringify(stack.resolve(endpoint.serviceName)));
}

/**
 * Web servers in subnets with no route out reach AWS only through VPC endpoints: without them the boot cannot
 * download the application, read the AUTH token or signal CloudFormation, and every deploy rolls back. For an
 * `ec2.Vpc` of this app the endpoints are known, and missing ones are refused; for an imported VPC they cannot be
 * seen at synth, and the tier warns. Install commands that fetch from the internet (npm, pip) cannot work there.
 */
export function checkWebReach(scope: Construct, vpc: ec2.IVpc, prop: string, subnets: ec2.ISubnet[], applicationLogs: boolean): void {
  const isolated = subnets.filter(subnet => reachOf(vpc, subnet) === SubnetReach.NONE);
  if (isolated.length === 0) {
    return;
  }
  const needed = servicesWebNeeds(applicationLogs);
  if (!(vpc instanceof ec2.Vpc)) {
    warn(scope, 'webSubnetsWithoutEgress', `${prop} selects subnets with no route out (${named(isolated).join(', ')}): the web servers ` +
      `then need VPC endpoints for ${needed.join(', ')} in that VPC, which cannot be seen at synth; without them every boot fails ` +
      'and the deploy rolls back. Install commands that download from the internet cannot work there');
    return;
  }
  const services = endpointServices(vpc);
  const missing = needed.filter(service => !services.some(name => new RegExp(`\\.${service}(["\\]}]|$)`).test(name)));
  if (missing.length > 0) {
    throw invalidProp(prop, named(isolated), 'must select subnets the web servers can reach AWS from: these have no route out, and the ' +
      `VPC has no endpoint for ${missing.join(', ')} (the boot downloads from S3, reads the AUTH token from Secrets Manager, ` +
      'waits on Elastic Load Balancing, signals CloudFormation and ships logs). Select private subnets with a NAT gateway, or add ' +
      'the endpoints: vpc.addGatewayEndpoint for S3, vpc.addInterfaceEndpoint for the others');
  }
}

/**
 * A dual-stack load balancer needs an IPv6 CIDR block in each subnet, and ELB refuses the others at deploy
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#ip-address-type):
 * refuses subnets of this app made without one. Imported subnets cannot be seen and pass.
 */
export function checkIpv6Subnets(prop: string, subnets: ec2.ISubnet[], why: string): void {
  const ipv4Only = subnets.filter(subnet => {
    const resource = subnet.node.defaultChild;
    return resource instanceof ec2.CfnSubnet && resource.ipv6CidrBlock === undefined && resource.ipv6IpamPoolId === undefined;
  });
  if (ipv4Only.length > 0) {
    throw invalidProp(prop, named(ipv4Only), `must select subnets with an IPv6 CIDR block: ${why}`);
  }
}
