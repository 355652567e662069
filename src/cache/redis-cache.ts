import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CacheEngine } from './cache-engine';
import { applyCacheRemovalPolicy } from './cache-removal-policy';
import { REDIS_CACHE_NAMES, resolveRedisSettings } from './redis-cache-props';
import { acknowledge } from '../acknowledgements';
import { callerName } from '../caller-names';
import { WebTierFeatureFlags } from '../feature-flags';
import { SubnetGroup } from '../network/subnet-layout';
import { checkRequired, warn } from '../validation';

/**
 * How a client reaches a Redis: endpoint, port, TLS and the AUTH token's secret, in one reference,
 * so that a part that uses Redis cannot take the endpoint and forget TLS or AUTH. `RedisCache` implements it.
 */
export interface IRedisConnection extends ec2.IConnectable {
  /** The primary endpoint's address, where clients write. */
  readonly endpointAddress: string;

  /** The Redis port. */
  readonly port: number;

  /** Whether clients must connect with TLS. */
  readonly tls: boolean;

  /** The secret holding the AUTH token; clients read it at boot. */
  readonly authToken: secretsmanager.ISecret;
}

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
   * The cache engine: Valkey or Redis OSS, both speaking the Redis protocol. A stack deployed with Redis OSS that
   * moves to Valkey is upgraded in place, keeping its endpoint (docs/configuration.md, "Cache engine"); ElastiCache cannot go back.
   *
   * @default - CacheEngine.VALKEY with the `WebTierFeatureFlags.CACHE_ENGINE_VALKEY` flag (new apps), else REDIS_OSS
   */
  readonly engine?: CacheEngine;

  /**
   * The node type, `cache.<family>.<size>`, of a current-generation family (they offer the encryption in transit and
   * at rest the cache requires) and a size that exists for it; r6gd nodes get data tiering.
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
   * The engine version: for Valkey 7.2, 8.0, 8.1, 8.2 or 9.0; for Redis OSS 4.0.10 to 7.1.
   *
   * @default - "8.2" for Valkey, "7.1" for Redis OSS
   */
  readonly engineVersion?: string;

  /**
   * Read replicas beside the primary, from 0 to 5. With 0 you get the tutorial's single node:
   * no automatic failover, and the counter is unavailable while that node is replaced.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Keep the primary and its replicas in different AZs, failing over to a replica when the primary's AZ fails.
   * Needs at least one replica.
   *
   * @default - true when there is a replica, false for a single node
   */
  readonly multiAz?: boolean;

  /**
   * Days to keep the daily automatic snapshots, from 0 (none) to 35.
   *
   * @default 15
   */
  readonly snapshotRetentionDays?: number;

  /**
   * What CloudFormation does with the replication group when it leaves the stack (`cdk destroy`, a removal) or is
   * replaced (`DeletionPolicy` and `UpdateReplacePolicy`): `SNAPSHOT` deletes it after a final snapshot,
   * `RETAIN` keeps it running outside the stack, `DESTROY` deletes it with its data.
   *
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * ElastiCache Redis for the web tier's shared counter: a replication group (cluster mode disabled) in a subnet group
 * of the Redis subnets, encrypted at rest and in transit, with an AUTH token generated in Secrets Manager
 * (it never appears in the template or the user-data), one replica in another AZ with automatic failover,
 * behind a security group that admits nobody until you allow it.
 */
export class RedisCache extends Construct implements IRedisConnection {
  /** The replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;

  /** The subnet group the nodes run in. */
  public readonly subnetGroup: elasticache.CfnSubnetGroup;

  /** The security group of the Redis nodes. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** Network connections of Redis; its default port is the Redis port. */
  public readonly connections: ec2.Connections;

  /** The secret holding the AUTH token; grant read on it to the clients. */
  public readonly authToken: secretsmanager.ISecret;

  /** The primary endpoint's address, where the web servers write. */
  public readonly endpointAddress: string;

  /** The Redis port. */
  public readonly port: number;

  /** How many nodes the group has: the primary and its replicas. */
  public readonly nodeCount: number;

  /**
   * The AZ of each node, the primary's first (`PreferredCacheClusterAZs`); empty without Multi-AZ, and without the
   * `WebTierFeatureFlags.CACHE_NODES_IN_DISTINCT_AZS` flag (ElastiCache then places the nodes).
   */
  public readonly nodeAvailabilityZones: string[];

  /** Clients must connect with TLS (always true: encryption in transit is on). */
  public readonly tls: boolean;

  /** The engine the nodes run. */
  public readonly engine: CacheEngine;

  /** The engine version. */
  public readonly engineVersion: string;

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);

    checkRequired('vpc', props?.vpc);
    // The props as the caller's API names them: the one-liner's redis... names when it built this cache.
    const names = Object.fromEntries(Object.entries(REDIS_CACHE_NAMES).map(([k, v]) => [k, callerName(this, v)])) as typeof REDIS_CACHE_NAMES;
    const settings = resolveRedisSettings(this, props, names);
    const { engine, dataTiering, nodeType, port, engineVersion, replicas, multiAz, snapshotRetentionDays } = settings;
    this.port = port;
    this.engine = engine.engine;
    this.engineVersion = engineVersion;
    if (replicas === 0) {
      warn(this, 'redisSingleNode', `${names.replicas} is 0: a single Redis node has no automatic failover, so the ` +
        'counter is unavailable while that node is replaced; the README promises a replica in another AZ');
    }
    if (replicas > 0 && !multiAz) {
      warn(this, 'redisMultiAzOff', `${names.multiAz} is false: the primary and its replicas may share an AZ, so an ` +
        'outage of that AZ stops Redis; the README promises a replica in another AZ');
    }
    if (snapshotRetentionDays === 0) {
      warn(this, 'redisSnapshotsOff', `${names.snapshotRetentionDays} is 0: Redis takes no automatic snapshot, so ` +
        'its data cannot be restored; the README promises daily snapshots');
    }
    this.nodeCount = 1 + replicas;
    this.tls = true;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Web tier Redis: in only from the web servers on the Redis port',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(this.port),
    });

    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetGroupName: SubnetGroup.REDIS });
    this.subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'Web tier Redis subnets',
      subnetIds: subnets.subnetIds,
    });
    // The primary in the first AZ, each replica in the next one (round robin): with 2 or more AZs the primary and its
    // first replica never share one, so an AZ outage leaves a replica to fail over to. AWS wants one AZ per node, in the
    // subnet group's AZs (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html).
    // Behind a feature flag: the property is create-only, and naming it replaces the cache of a running stack.
    const azs = [...new Set(subnets.availabilityZones)];
    const placeNodes = WebTierFeatureFlags.isEnabled(this, WebTierFeatureFlags.CACHE_NODES_IN_DISTINCT_AZS);
    this.nodeAvailabilityZones = placeNodes && multiAz && azs.length > 1 ? Array.from({ length: this.nodeCount }, (_, i) => azs[i % azs.length]) : [];

    // ElastiCache accepts 16 to 128 printable characters without @, " or /: 64 letters and digits always qualify.
    const authToken = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'AUTH token of the web tier Redis',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    this.authToken = authToken;
    const rotationReason = 'Rotating an ElastiCache AUTH token needs a rotation function that also updates the ' +
      'replication group (AuthTokenUpdateStrategy ROTATE then SET) and restarts the clients; the token never leaves ' +
      'Secrets Manager and the VPC, and only the web servers\' role may read it.';
    acknowledge(authToken, 'AwsSolutions-SMG4', rotationReason);
    acknowledge(authToken, 'NIST.800.53.R5-SecretsManagerRotationEnabled', rotationReason);
    acknowledge(authToken, 'NIST.800.53.R5-SecretsManagerUsingKMSKey',
      'The secret is encrypted with the AWS managed key for Secrets Manager; a customer managed key adds cost and key ' +
      'policy upkeep for a token that only this tier\'s role can read.');

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'Resource', {
      replicationGroupDescription: 'Web tier Redis',
      ...cacheEngineProperties(engine, dataTiering),
      cacheNodeType: nodeType,
      port: this.port,
      numCacheClusters: this.nodeCount,
      automaticFailoverEnabled: replicas > 0,
      multiAzEnabled: multiAz,
      preferredCacheClusterAZs: this.nodeAvailabilityZones.length ? this.nodeAvailabilityZones : undefined,
      cacheSubnetGroupName: this.subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      authToken: this.authToken.secretValue.unsafeUnwrap(),
      snapshotRetentionLimit: snapshotRetentionDays,
      autoMinorVersionUpgrade: true,
    });
    acknowledge(this.replicationGroup, 'AwsSolutions-AEC5',
      'Redis keeps its standard port as in the tutorial: a different port hides nothing from a scanner inside the VPC, ' +
      'while the security group admits only the web servers, and TLS with an AUTH token is required.');
    acknowledge(this.replicationGroup, 'CT.ELASTICACHE.PR.8',
      'Clients authenticate with an AUTH token kept in Secrets Manager, over TLS; RBAC user groups add per-user ' +
      'access control that a single-application counter store does not need.');
    if (replicas === 0) {
      const reason = 'redisReplicas: 0 was chosen: the tutorial\'s single node, cheaper, with no failover while it is replaced.';
      acknowledge(this.replicationGroup, 'AwsSolutions-AEC4', reason);
      acknowledge(this.replicationGroup, 'CT.ELASTICACHE.PR.3', reason);
    }
    if (snapshotRetentionDays < 15) {
      acknowledge(this.replicationGroup, 'NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup',
        `redisSnapshotRetentionDays: ${snapshotRetentionDays} was chosen; the counter can be rebuilt and needs no long backup history.`);
    }

    applyCacheRemovalPolicy(this.replicationGroup, authToken, callerName(this, 'removalPolicy'), props.removalPolicy);

    this.endpointAddress = this.replicationGroup.attrPrimaryEndPointAddress;
  }
}

/**
 * The engine's properties of the replication group. For Valkey, the default parameter group of its family is named:
 * CloudFormation upgrades an existing group from Redis OSS to Valkey in place and needs a parameter group for it
 * (`Engine`, AWS::ElastiCache::ReplicationGroup:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-replicationgroup.html).
 * Redis OSS keeps the properties the tier always wrote, so a stack that stays on it sees no change.
 * r6gd nodes need `DataTieringEnabled` (same page).
 */
function cacheEngineProperties(engine: { engine: CacheEngine; version: string; parameterGroupFamily: string }, dataTiering: boolean) {
  return {
    engine: engine.engine,
    engineVersion: engine.version,
    ...(engine.engine === CacheEngine.VALKEY && engine.parameterGroupFamily !== '' ? { cacheParameterGroupName: `default.${engine.parameterGroupFamily}` } : {}),
    ...(dataTiering ? { dataTieringEnabled: true } : {}),
  };
}
