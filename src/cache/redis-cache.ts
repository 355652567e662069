import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import { SubnetGroup } from '../network/subnet-layout';
import { checkIntegerInRange } from '../validation';

/**
 * Properties of a `RedisCache`.
 */
export interface RedisCacheProps {
  /** The VPC to run Redis in. */
  readonly vpc: ec2.IVpc;

  /**
   * Where the Redis nodes may run: private subnets, one per AZ.
   *
   * @default - the subnets of the `Redis` group
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The node type.
   *
   * @default "cache.t3.micro"
   */
  readonly nodeType?: string;

  /**
   * The port Redis listens on.
   *
   * @default 6379
   */
  readonly port?: number;

  /**
   * The Redis engine version.
   *
   * @default "7.1"
   */
  readonly engineVersion?: string;
}

/**
 * ElastiCache Redis for the web tier's shared counter: a replication group (cluster mode disabled)
 * in a subnet group of the Redis subnets, behind a security group that admits nobody until you allow it.
 */
export class RedisCache extends Construct implements ec2.IConnectable {
  /** The replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;

  /** The subnet group the nodes run in. */
  public readonly subnetGroup: elasticache.CfnSubnetGroup;

  /** The security group of the Redis nodes. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** Network connections of Redis; its default port is the Redis port. */
  public readonly connections: ec2.Connections;

  /** The primary endpoint's address, where the web servers write. */
  public readonly endpointAddress: string;

  /** The Redis port. */
  public readonly port: number;

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);

    this.port = props.port ?? 6379;
    checkIntegerInRange('redisPort', this.port, 1, 65535);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Web tier Redis: in only from the web servers on the Redis port',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(this.port),
    });

    this.subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'Web tier Redis subnets',
      subnetIds: props.vpc.selectSubnets(props.vpcSubnets ?? { subnetGroupName: SubnetGroup.REDIS }).subnetIds,
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'Resource', {
      replicationGroupDescription: 'Web tier Redis',
      engine: 'redis',
      engineVersion: props.engineVersion ?? '7.1',
      cacheNodeType: props.nodeType ?? 'cache.t3.micro',
      port: this.port,
      numCacheClusters: 1,
      cacheSubnetGroupName: this.subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      atRestEncryptionEnabled: true,
    });

    this.endpointAddress = this.replicationGroup.attrPrimaryEndPointAddress;
  }
}
