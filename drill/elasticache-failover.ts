/**
 * Stand-in for ElastiCache's Multi-AZ failover when the primary's AZ is lost: after the failure is detected, the replica
 * in another AZ is promoted and the primary endpoint's DNS name moves to it; the clients reconnect to the same name.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
 *
 * AWS publishes no fixed detection-and-promotion time: the drill takes it as an input (`failoverSeconds`) and measures
 * what the web servers add to it (reconnecting, 503s meanwhile). The primary's AZ comes from the template's
 * `PreferredCacheClusterAZs` (the first entry is the primary).
 */
import { redisCommand, RedisServer, TcpSwitch } from '../tools/local-servers';

/** Index, in the replication group's `PreferredCacheClusterAZs`, of the AZ of the primary and of its first replica. */
export function readRedisNodeAzs(template: unknown): { primary: string; replica: string } | undefined {
  const resources = (template as { Resources?: Record<string, { Type?: string; Properties?: Record<string, any> }> })?.Resources ?? {};
  const group = Object.values(resources).find((r) => r?.Type === 'AWS::ElastiCache::ReplicationGroup');
  const azs = group?.Properties?.PreferredCacheClusterAZs as unknown[] | undefined;
  if (!azs || azs.length < 2) return undefined;
  return { primary: JSON.stringify(azs[0]), replica: JSON.stringify(azs[1]) };
}

/** Promotes `replica` and points the endpoint at it: what ElastiCache does once it has detected the primary's loss. */
export async function promoteReplica(replica: RedisServer, endpoint: TcpSwitch): Promise<void> {
  await redisCommand(replica, ['REPLICAOF', 'NO', 'ONE']);
  endpoint.switchTo(replica.port);
}
