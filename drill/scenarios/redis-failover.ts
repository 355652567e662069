import { until } from './drill-clock';
import { ScenarioContext, ScenarioOutcome } from './scenario';
import { warmUp } from './warm-up';
import { plannedFailover } from '../../src/stand-ins/elasticache/failover';

/**
 * Redis failover, as ElastiCache's planned failover does it (`plannedFailover`): writes held, the replica caught up
 * and promoted, the primary endpoint's name moved to it, the old primary's connections closed, the old primary gone.
 * The web servers reconnect on their own; each visit counted once (the counter equals the 200s).
 */
export async function runRedisFailover(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const [a, b] = [ctx.servers.get('a')!, ctx.servers.get('b')!];
  const { replica, endpoint } = ctx.failover!;
  await warmUp(ctx);
  const { heldMs, offset } = await plannedFailover(ctx.redis, replica, endpoint);
  const failoverMs = ctx.now();
  ctx.primary = replica;
  await ctx.redis.stop();
  ctx.log(`Redis failover: writes held ${heldMs} ms until the replica :${replica.port} reached offset ${offset}; promoted, ` +
    `endpoint moved to it, old primary :${ctx.redis.port} stopped`);
  // Until 5 s have passed and the last 10 requests succeeded.
  await until(() => {
    const last = ctx.load.records.slice(-10);
    return ctx.now() > failoverMs + 5000 && last.length === 10 && last.every((r) => r.outcome === 200);
  }, failoverMs + 15_000, ctx.now, ctx.o.signal);
  return {
    failoverMs,
    instances: [{ name: 'a', instanceId: a.instanceId, role: 'survivor' }, { name: 'b', instanceId: b.instanceId, role: 'survivor' }],
  };
}
