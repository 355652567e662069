/**
 * Stand-in for ElastiCache's Multi-AZ failover when the primary's AZ is lost: after the failure is detected, the replica
 * in another AZ is promoted and the primary endpoint's DNS name moves to it; the clients reconnect to the same name.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
 *
 * AWS publishes no fixed detection-and-promotion time: the drill takes it as an input (`failoverSeconds`) and measures
 * what the web servers add to it (reconnecting, 503s meanwhile). The primary's AZ comes from the template's
 * `PreferredCacheClusterAZs` (the first entry is the primary).
 */
import { startTcpSwitch, TcpSwitch } from './endpoint-switch';
import { redisCommand, RedisEndpoint } from './redis-command';
import { RedisServer, startRedis } from './redis-server';
import { sleep } from '../../local/loopback';
import { Cleanup } from '../../local/processes';


/** Promotes `replica` and points the endpoint at it: what ElastiCache does once it has detected the primary's loss. */
export async function promoteReplica(replica: RedisServer, endpoint: TcpSwitch): Promise<void> {
  await redisCommand(replica, ['REPLICAOF', 'NO', 'ONE']);
  endpoint.switchTo(replica.port);
}

/** A replica of `primary` (same AUTH password), in sync, and a stand-in for the primary endpoint's name in front of `primary`. */
export async function redisWithReplica(primary: RedisServer, registry: Cleanup): Promise<{ replica: RedisServer; endpoint: TcpSwitch }> {
  const replica = await startRedis({ registry, password: primary.password });
  if (primary.password) await redisCommand(replica, ['CONFIG', 'SET', 'masterauth', primary.password]);
  await redisCommand(replica, ['REPLICAOF', primary.host, String(primary.port)]);
  for (let i = 0; i < 100 && !/master_link_status:up/.test(String(await redisCommand(replica, ['INFO', 'replication']))); i++) await sleep(50);
  return { replica, endpoint: await startTcpSwitch(primary.port, registry) };
}

/** A field of `INFO replication`, as a number. */
async function replicationField(node: RedisEndpoint, field: string): Promise<number> {
  const info = String(await redisCommand(node, ['INFO', 'replication']));
  const value = new RegExp(`^${field}:(\\d+)`, 'm').exec(info)?.[1];
  if (value === undefined) throw new Error(`INFO replication has no ${field}: ${info}`);
  return Number(value);
}

/**
 * A planned failover (TestFailover, or a node replacement), as ElastiCache does it for a cluster-mode-disabled
 * group with Multi-AZ on an engine of 5.0.6 or later: it "completes while the cluster serves incoming write
 * requests" (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html), so no acknowledged
 * write is lost. Replication is asynchronous, so that takes: writes held on the primary (`CLIENT PAUSE WRITE`),
 * the replica caught up to the primary's replication offset, the replica promoted (`REPLICAOF NO ONE`), the
 * primary endpoint's name moved to it and the old primary's connections closed (its clients reconnect to the name).
 * Returns how long writes were held, in milliseconds, and whether the replica had caught up (throws when it did not
 * within `timeoutMs`: promoting then would lose writes).
 */
export async function plannedFailover(primary: RedisServer, replica: RedisServer, endpoint: TcpSwitch,
  timeoutMs = 2000): Promise<{ heldMs: number; offset: number }> {
  const started = Date.now();
  await redisCommand(primary, ['CLIENT', 'PAUSE', String(timeoutMs), 'WRITE']);
  const offset = await replicationField(primary, 'master_repl_offset');
  for (let i = 0; i < 200 && await replicationField(replica, 'slave_repl_offset') < offset; i++) {
    if (Date.now() - started > timeoutMs) throw new Error(`the replica did not reach the primary's replication offset ${offset} within ${timeoutMs} ms`);
    await sleep(5);
  }
  await promoteReplica(replica, endpoint);
  return { heldMs: Date.now() - started, offset };
}
