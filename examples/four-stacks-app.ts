import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { Bastion, RedisCache, SubnetGroup, WebFleet, WebLoadBalancer, WebTierFeatureFlags, WebTierNetwork } from '../src';

/** 01-network: the VPC, its 15 subnets, the NAT gateways and (as in the tutorial's alb.tf) the load balancer. */
class NetworkStack extends Stack {
  public readonly network: WebTierNetwork;
  public readonly webLoadBalancer: WebLoadBalancer;
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.network = new WebTierNetwork(this, 'Network');
    this.webLoadBalancer = new WebLoadBalancer(this, 'LoadBalancer', { vpc: this.network.vpc });
  }
}

/** 02-bastion: the bastion and its Elastic IP. */
class BastionStack extends Stack {
  public readonly bastion: Bastion;
  constructor(scope: Construct, id: string, vpc: ec2.IVpc, props?: StackProps) {
    super(scope, id, props);
    this.bastion = new Bastion(this, 'Bastion', { vpc });
  }
}

/** 03-database: ElastiCache Redis. */
class DatabaseStack extends Stack {
  public readonly cache: RedisCache;
  constructor(scope: Construct, id: string, vpc: ec2.IVpc, props?: StackProps) {
    super(scope, id, props);
    this.cache = new RedisCache(this, 'Cache', { vpc });
  }
}

/** 04-web: the web servers, registered in the network stack's target group. */
class WebStack extends Stack {
  public readonly webFleet: WebFleet;
  constructor(scope: Construct, id: string, deps: { network: NetworkStack; bastion: BastionStack; database: DatabaseStack }, props?: StackProps) {
    super(scope, id, props);
    const { cache } = deps.database;
    this.webFleet = new WebFleet(this, 'WebFleet', {
      vpc: deps.network.network.vpc,
      vpcSubnets: deps.network.network.subnets(SubnetGroup.WEB),
      // One reference carries the endpoint, the port, TLS and the AUTH token's secret, and opens the Redis port.
      redis: cache,
      targetGroup: deps.network.webLoadBalancer.targetGroup,
    });
    this.webFleet.connections.allowFrom(deps.bastion.bastion, ec2.Port.tcp(22), 'SSH from the bastion');
  }
}

/**
 * The tutorial's four stacks (network, bastion, database, web) rebuilt from the library's parts,
 * joined by cross-stack references.
 */
export function fourStacksApp(outdir = 'cdk.out'): { app: App; stacks: Stack[] } {
  const app = new App({ outdir, context: WebTierFeatureFlags.recommended() });
  const network = new NetworkStack(app, 'Tuto07Network');
  const bastion = new BastionStack(app, 'Tuto07Bastion', network.network.vpc);
  const database = new DatabaseStack(app, 'Tuto07Database', network.network.vpc);
  const web = new WebStack(app, 'Tuto07Web', { network, bastion, database });
  return { app, stacks: [network, bastion, database, web] };
}
